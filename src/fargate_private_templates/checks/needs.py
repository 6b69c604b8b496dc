"""What a workload's tasks reach before their first line of code runs, container by container, and E9014 for what
no path of a task subnet reaches.

The same needs as ``config.reachability.needs_of`` decides at generation time, read back from any template: each
container's image, its registry credentials, its secrets, its log driver; ECS Exec and the key that encrypts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .intrinsics import Variable, render_parts, string_parts, walk
from .queries import image_registry
from .resolve import Resolver
from .route_tables import ECR_ENDPOINT_SERVICES, UNFOLLOWED, UNRESOLVED, Egress
from .values import Literal, ResourceRef
from .workloads import TASK_DEFINITION, Workload, awsvpc, containers, nested_value

CLUSTER = "AWS::ECS::Cluster"
# The role of a task that pulls through an ECR pull-through cache may import the image from upstream on first pull.
IMPORT_UPSTREAM = "ecr:BatchImportUpstreamImage"
# A task definition that says every tag was pulled once through the cache (the generator writes it for
# image.cache_prewarmed; anyone's template may):
# ``Metadata: {FargatePrivateTemplates: {PullThroughCachePrewarmed: true}}``.
PREWARMED_METADATA = ("FargatePrivateTemplates", "PullThroughCachePrewarmed")


@dataclass(frozen=True)
class TaskNeed:
    """One thing the tasks reach: the endpoint services that serve it without NAT (none: only NAT does).

    ``rule_id`` reports it when nothing reaches it ("" when E9003 or E9008 already do); ``unproven`` says why a
    missing path is only a warning (the template cannot show the fact that decides it).
    """

    what: str
    services: tuple[str, ...]
    rule_id: str = "E9014"
    unproven: str = ""


def task_needs(resolver: Resolver, workload: Workload) -> list[TaskNeed]:
    """Every need of the workload's tasks, each container's in turn, once each."""
    needs: list[TaskNeed] = []
    parameters = resolver.templates.get(workload.template, {}).get("Parameters") or {}
    for container in containers(resolver, workload):
        needs.extend(_container_needs(container, parameters))
    needs.extend(_pull_through_cache_needs(resolver, workload))
    needs.extend(_exec_needs(resolver, workload))
    return list(dict.fromkeys(needs))


def _container_needs(container: dict, parameters: dict | None = None) -> Iterator[TaskNeed]:
    name = f"container {container.get('Name', '?')}"
    yield from _image_needs(name, container.get("Image"))
    if isinstance(container.get("RepositoryCredentials"), dict):
        # Fetched only to pull from a registry outside ECR, which needs NAT anyway: E9008 reports that path.
        yield TaskNeed(f"{name}: registry credentials (Secrets Manager)", ("secretsmanager",), rule_id="")
    for path, node in walk(container.get("Secrets")):
        if path and path[-1] == "ValueFrom":
            yield _secret_need(name, _pattern_of_parameter(node, parameters or {}))
    log_driver = nested_value(container, ("LogConfiguration", "LogDriver"))
    if log_driver == "awslogs":
        yield TaskNeed(f"{name}: logs (awslogs driver, CloudWatch Logs)", ("logs",))


def _image_needs(name: str, image: Any) -> Iterator[TaskNeed]:
    parts = string_parts(image)
    first = render_parts(parts, placeholder="x").partition("/")[0] if parts else ""
    # An account ID from a variable still names ECR: ${AWS::AccountId}.dkr.ecr.${AWS::Region}...
    host = first if ".dkr.ecr." in first else image_registry(image)
    if host is None:
        return
    if ".dkr.ecr." not in host:
        # E9008 reports these (check_needs skips a need without rule_id); they are needs all the same, for the
        # security group checks, which read only that no endpoint serves them.
        yield TaskNeed(f"{name}: image from {host}", (), rule_id="")
        return
    region = _ecr_region(image)
    if region is None:
        yield TaskNeed(f"{name}: image from ECR", ECR_ENDPOINT_SERVICES, rule_id="")
        return
    # VPC endpoints serve only the Region they are in; the stack's Region is not in the template.
    yield TaskNeed(
        f"{name}: image from ECR in Region {region} (VPC endpoints serve only the stack's own Region)",
        (),
        unproven=f"verify the stack is deployed in {region}, or give the task subnets a NAT path",
    )


def _ecr_region(image: Any) -> str | None:
    """The literal Region of an ECR image host; None when it is ``${AWS::Region}`` (the stack's own)."""
    parts = string_parts(image)
    if not parts:
        return None
    host = render_parts(parts).partition("/")[0]
    labels = host.split(".")
    if "ecr" not in labels or labels.index("ecr") + 1 >= len(labels):
        return None
    region = labels[labels.index("ecr") + 1]
    # ${AWS::Region} included: render_parts writes each variable as ${name}.
    if any(isinstance(p, Variable) and f"${{{p.name}}}" == region for p in parts):
        return None
    return region


def _pattern_of_parameter(value_from: Any, parameters: dict) -> Any:
    """A ``Ref`` to a parameter whose AllowedPattern admits only one service's ARNs (the generator's
    ``<Variable>SecretArn``) reads as that pattern, which names the service; anything else as it is."""
    name = value_from.get("Ref") if isinstance(value_from, dict) and len(value_from) == 1 else None
    pattern = (parameters.get(name) or {}).get("AllowedPattern") if isinstance(name, str) else None
    services = (":secretsmanager:", ":ssm:")
    if isinstance(pattern, str) and pattern.startswith("^arn:") and any(s in pattern for s in services):
        return pattern
    return value_from


def _secret_need(name: str, value_from: Any) -> TaskNeed:
    """Secrets Manager for a secret ARN, Parameter Store for a parameter ARN or name (ECS takes either)."""
    parts = string_parts(value_from)
    text = render_parts(parts, placeholder="x") if parts else ""
    if ":secretsmanager:" in text:
        return TaskNeed(f"{name}: secrets (Secrets Manager)", ("secretsmanager",))
    if ":ssm:" in text or (text and not text.startswith("arn:") and text != "x"):
        return TaskNeed(f"{name}: secrets (SSM Parameter Store)", ("ssm",))
    return TaskNeed(
        f"{name}: secrets from {text or 'a value'} (Secrets Manager or Parameter Store)",
        (),
        unproven="the template does not say which service holds the secret",
    )


def _pull_through_cache_needs(resolver: Resolver, workload: Workload) -> Iterator[TaskNeed]:
    for definition in resolver.scalar(workload.template, workload.task_definition):
        if not resolver.is_type(definition, TASK_DEFINITION):
            continue
        metadata = resolver.resources(definition.template)[definition.logical_id].get("Metadata")
        if nested_value(metadata, PREWARMED_METADATA) is True:
            continue
        role_arn = resolver.properties(definition).get("ExecutionRoleArn")
        for role in resolver.scalar(definition.template, role_arn):
            if isinstance(role, ResourceRef) and any(
                node == IMPORT_UPSTREAM for _, node in walk(resolver.properties(role))
            ):
                # An error, like the generator's refusal: ECR imports on first pull, which needs NAT over endpoints.
                yield TaskNeed(
                    "the first pull of each image tag through the ECR pull-through cache (ECR imports it from "
                    "upstream; once pulled from outside, say so with task definition Metadata "
                    "FargatePrivateTemplates.PullThroughCachePrewarmed: true)",
                    (),
                )


def _exec_needs(resolver: Resolver, workload: Workload) -> Iterator[TaskNeed]:
    values = resolver.scalar(workload.template, workload.parameters.get("EnableExecuteCommand"))
    if not any(isinstance(v, Literal) and str(v.value).lower() == "true" for v in values):
        return
    yield TaskNeed("ECS Exec (SSM messages)", ("ssmmessages",))
    for cluster in resolver.scalar(workload.template, workload.parameters.get("Cluster")):
        if resolver.is_type(cluster, CLUSTER):
            configuration = resolver.properties(cluster).get("Configuration")
            if nested_value(configuration, ("ExecuteCommandConfiguration", "KmsKeyId")) is not None:
                yield TaskNeed("ECS Exec sessions encrypted with a customer-managed KMS key", ("kms",))


def reached(need: TaskNeed, egress: Egress) -> bool:
    """Endpoints win over NAT when both exist (private DNS sends the traffic to them); either reaches."""
    return egress.has_nat or bool(need.services) and all(s in egress.endpoints for s in need.services)


def check_needs(workload: Workload, subnet: ResourceRef, egress: Egress, needs: list[TaskNeed]) -> Iterator[Any]:
    """E9014 for each need with no path from the subnet; a warning when the path or the need is unproven."""
    configuration = awsvpc(workload)
    location = (*(configuration.path if configuration else ()), "Subnets")
    name = subnet.name_from(workload.template)
    unfollowed = [hop.problem for hop in egress.hops if hop.kind == UNFOLLOWED]
    unresolved = [hop.problem for hop in egress.hops if hop.kind == UNRESOLVED]
    for need in needs:
        if not need.rule_id or reached(need, egress):
            continue
        fix = _fix(need)
        if unfollowed or unresolved:
            rule_id = "W9015" if unfollowed else "W9009"
            detail = "; ".join(unfollowed + unresolved)
            yield workload.finding(rule_id, f"cannot prove subnet {name} reaches {need.what}: {detail}", *location)
        elif need.unproven:
            message = f"subnet {name} has no NAT path for {need.what}: {need.unproven}; or {fix}"
            yield workload.finding("W9009", message, *location)
        else:
            message = f"subnet {name} reaches neither NAT nor an endpoint for {need.what}; fix: {fix}"
            yield workload.finding(need.rule_id, message, *location)


def _fix(need: TaskNeed) -> str:
    if not need.services:
        return "give the subnet a NAT path"
    endpoints = ", ".join(f"com.amazonaws.<region>.{s}" for s in need.services)
    return f"add interface endpoint {endpoints} (private DNS on), or give the subnet a NAT path"
