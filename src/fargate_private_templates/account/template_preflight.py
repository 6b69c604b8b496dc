"""``preflight --template``: the read-only checks of preflight for templates this project renders (the catalogue's,
or a config's), read from the templates themselves and the parameter values given for them.

Each check reuses the config mode's per-item checks (certificates.py, images.py, references.py, stacks.py,
quotas.py, zones' Fargate table) with the values the template names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..regions.fargate_zones import FARGATE_REGIONS_PAGE, runs_fargate
from .aws import Aws
from .certificates import host_result, read_certificate, viewer_results
from .context import AccountReader
from .images import ARCHITECTURES, check_cache_rule, check_tag
from .quotas import ALBS, ELASTIC_IPS, FARGATE_ON_DEMAND, FARGATE_SPOT, INTERFACE_ENDPOINTS, NLBS, VPCS, compare
from .references import read_reference
from .results import FAIL, PASS, SKIP, PreflightReport, Result
from .stacks import CHECK as STACK_CHECK
from .stacks import READABLE, export_owners, own_stack
from .template_values import TemplateStack, load_templates, parse_parameters, template_stacks

# <registry>.dkr.ecr.<region>.<URL suffix>/<repository>:<tag> (https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html).
_ECR_IMAGE = re.compile(
    r"^(?P<registry>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<repository>[^:@]+)"
    r"(?::(?P<tag>[^@]+))?(?:@.+)?$"
)
_LOAD_BALANCER_TYPES = {"application": ALBS, "network": NLBS}

Run = tuple[TemplateStack, ...]


def check_parameters(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """Every parameter without a default is given."""
    for key in stack.missing:
        fix = f"give it: --parameters {key}=VALUE (or in --parameters-file)"
        yield Result(FAIL, "parameter", f"{stack.stack_name} {key}", "no value: it has no default", fix)
    declared = stack.template.get("Parameters") or {}
    given = len(declared) - len(stack.missing)
    if declared and not stack.missing:
        yield Result(PASS, "parameter", stack.stack_name, f"all {given} parameters have a value")


def check_stack(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    yield own_stack(reader, stack.stack_name)


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    pending = [node]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(reversed(node))
        elif isinstance(node, dict):
            yield node
            pending.extend(reversed(list(node.values())))


def _exports(stack: TemplateStack) -> list[str]:
    """The export names the template creates, resolved (unresolvable ones left out)."""
    names = []
    for output in (stack.template.get("Outputs") or {}).values():
        export = output.get("Export") if isinstance(output, dict) else None
        if isinstance(export, dict) and (name := stack.text(export.get("Name"))):
            names.append(name)
    return names


def check_imports(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """Every Fn::ImportValue is an export (of the Region, or of a template of this run); every Fn::GetStackOutput
    names a complete stack with that output."""
    produced = {name: other.stack_name for other in run if other is not stack for name in _exports(other)}
    # One result per name, however often the template reads it.
    seen = set()
    for node in _nodes([stack.template.get("Resources"), stack.template.get("Outputs")]):
        if "Fn::ImportValue" in node:
            result = _import(reader, stack, stack.text(node["Fn::ImportValue"]), produced)
        elif isinstance(node.get("Fn::GetStackOutput"), dict):
            result = _stack_output(reader, stack, node["Fn::GetStackOutput"])
        else:
            continue
        if result.format_text() not in seen:
            seen.add(result.format_text())
            yield result


def _import(reader: AccountReader, stack: TemplateStack, name: str | None, produced: Mapping[str, str]) -> Result:
    if name is None:
        return Result(SKIP, "import", stack.stack_name, "an Fn::ImportValue name these values do not resolve")
    subject = f"{stack.stack_name} imports {name}"
    if name in produced:
        return Result(PASS, "import", subject, f"exported by {produced[name]}, checked in this run")
    if name in reader.exports:
        return Result(PASS, "import", subject, f"exported by stack {reader.exports[name]}")
    fix = "deploy the stack that exports it first, or give the stack-name parameter of the one that does"
    return Result(FAIL, "import", subject, "no stack of the Region exports it", fix)


def _stack_output(reader: AccountReader, stack: TemplateStack, read: dict[str, Any]) -> Result:
    producer, output = stack.text(read.get("StackName")), stack.text(read.get("OutputName"))
    if producer is None or output is None:
        return Result(SKIP, STACK_CHECK, stack.stack_name, "an Fn::GetStackOutput these values do not resolve")
    subject = f"{stack.stack_name} reads {producer} output {output}"
    # A RoleArn (a weak reference to a stack of another account) is an Fn::If whose other branch is AWS::NoValue.
    roles = [role for role in stack.known_texts(read.get("RoleArn")) if role]
    if roles:
        detail = f"read through {roles[0]} in another account: not read from here"
        return Result(SKIP, STACK_CHECK, subject, detail, "run preflight in that account too")
    deployed = reader.stack(producer)
    if deployed is None:
        return Result(FAIL, STACK_CHECK, subject, "the stack does not exist", f"deploy {producer} first")
    if deployed["StackStatus"] not in READABLE:
        fix = f"bring {producer} to a *_COMPLETE state"
        return Result(FAIL, STACK_CHECK, subject, f"the stack is {deployed['StackStatus']}", fix)
    if output not in {o["OutputKey"] for o in deployed.get("Outputs", [])}:
        return Result(FAIL, STACK_CHECK, subject, "the stack has no such output", f"update {producer}")
    return Result(PASS, STACK_CHECK, subject, deployed["StackStatus"])


def check_export_names(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    yield from export_owners(reader, stack.stack_name, _exports(stack), "choose another stack name")


def check_images(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """The ECR image of each container exists, for the task's architecture; other registries are not read."""
    for logical_id, properties in stack.resources("AWS::ECS::TaskDefinition"):
        platform = properties.get("RuntimePlatform")
        architecture = stack.text(platform.get("CpuArchitecture")) if isinstance(platform, dict) else None
        architecture = architecture if architecture in ARCHITECTURES else "X86_64"
        for container in properties.get("ContainerDefinitions") or []:
            who = f"{stack.stack_name} {logical_id} {stack.text(container.get('Name')) or 'container'}"
            image = stack.text(container.get("Image"))
            match = _ECR_IMAGE.match(image or "")
            if image is None:
                yield Result(SKIP, "image", who, "its image is not known from these values", "see the parameters")
            elif match is None:
                yield Result(SKIP, "image", who, f"{image} is in a registry outside AWS: not read")
            elif match["region"] != reader.region or not match["tag"]:
                yield Result(SKIP, "image", who, f"{image}: not a tag in this Region's ECR: not read")
            else:
                yield from _ecr_image(reader, who, match, architecture)


def _ecr_image(reader: AccountReader, who: str, match: re.Match[str], architecture: str) -> Iterator[Result]:
    """The tag; a repository not there yet under a pull-through cache rule's prefix is created on first pull."""
    repository = match["repository"]
    found = list(check_tag(reader, who, match["registry"], repository, match["tag"], architecture))
    missing = any(result.detail == "the repository does not exist" for result in found)
    if missing and "/" in repository and match["registry"] == reader.account:
        prefix = repository.split("/")[0]
        rule = list(check_cache_rule(reader, who, prefix))
        if all(result.status == PASS for result in rule):
            detail = f"{repository}:{match['tag']} is pulled through the cache on first use: its tag is not read"
            yield from [*rule, Result(SKIP, "image", who, detail)]
            return
    yield from found


def _certificates(run: Run) -> list[tuple[TemplateStack, str, str]]:
    """(stack, resource, ARN) of every certificate the run's listeners carry."""
    types = ("AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerCertificate")
    found = []
    for stack in run:
        for logical_id, properties in stack.resources(*types):
            for certificate in properties.get("Certificates") or []:
                arn = stack.text(certificate.get("CertificateArn")) if isinstance(certificate, dict) else None
                if arn:
                    found.append((stack, logical_id, arn))
    return found


def check_certificates(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """This template's certificates are ISSUED in this Region; its listener rules' hosts are covered by the
    certificates of the run's listeners (a front door's template given with --template too)."""
    names: list[str] = []
    unread: list[str] = []
    for owner, logical_id, arn in _certificates(run):
        if owner is stack:
            result, read = read_certificate(reader, f"{stack.stack_name} {logical_id} {arn}", arn)
            yield result
        else:
            _, read = read_certificate(reader, arn, arn)
        names += read or []
        unread += [] if read is not None else [arn]
    hosts = [host for host in _hosts(stack) if host]
    if hosts and not names and not unread:
        detail = "its listener's certificates are in another stack: not read"
        yield Result(SKIP, "certificate", f"{stack.stack_name} hosts", detail, "give that stack's --template too")
        return
    for host in hosts:
        fix = (
            "give a certificate that covers it (ExtraCertificateArn) or route a host the listener's certificates cover"
        )
        yield host_result(f"{stack.stack_name} host {host}", host, names, unread, fix)


def check_viewer_certificates(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """The viewer certificate (ACM, us-east-1) of each CloudFront distribution in this template."""
    for _, properties in stack.resources("AWS::CloudFront::Distribution"):
        config = properties.get("DistributionConfig")
        config = config if isinstance(config, dict) else {}
        viewer = config.get("ViewerCertificate")
        arn = stack.text(viewer.get("AcmCertificateArn")) if isinstance(viewer, dict) else None
        if arn:
            aliases = stack.items(config.get("Aliases"))
            # Aliases is often a Ref to a CommaDelimitedList parameter, whose value is the comma-separated text.
            text = stack.text(config.get("Aliases")) if aliases is None else None
            domains = aliases if aliases is not None else (text.split(",") if text else [])
            yield from viewer_results(reader, stack.stack_name, arn, [domain for domain in domains if domain])


def _hosts(stack: TemplateStack) -> list[str]:
    hosts: list[str] = []
    for _, properties in stack.resources("AWS::ElasticLoadBalancingV2::ListenerRule"):
        for node in _nodes(properties.get("Conditions")):
            if node.get("Field") == "host-header":
                config = node.get("HostHeaderConfig")
                values = config.get("Values") if isinstance(config, dict) else node.get("Values")
                hosts += stack.items(values) or []
    return list(dict.fromkeys(hosts))


def check_references(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """The secrets and SSM parameters the containers read, registry credentials and the KMS keys given exist."""
    named: list[tuple[str, Any]] = []
    for _, properties in stack.resources("AWS::ECS::TaskDefinition"):
        for container in properties.get("ContainerDefinitions") or []:
            for secret in container.get("Secrets") or []:
                named.append((f"secret {secret.get('Name')}", secret.get("ValueFrom")))
            credentials = container.get("RepositoryCredentials")
            if isinstance(credentials, dict):
                named.append(("RepositoryCredentials", credentials.get("CredentialsParameter")))
    named += [(key, {"Ref": key}) for key in (stack.template.get("Parameters") or {}) if key.endswith("KmsKeyArn")]
    for what, expression in named:
        arn = stack.text(expression)
        if arn and (result := read_reference(reader, f"{stack.stack_name} {what} {arn}", arn)) is not None:
            yield result


def check_zones(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """The AZs an AvailabilityZones parameter names exist here and run Fargate."""
    wanted = [name for name in stack.values.get("AvailabilityZones", "").split(",") if name]
    if not wanted:
        return
    zones = reader.aws.client("ec2").describe_availability_zones()["AvailabilityZones"]
    ids = {zone["ZoneName"]: zone["ZoneId"] for zone in zones if zone.get("State") == "available"}
    subject = f"{stack.stack_name} AvailabilityZones"
    unknown = [name for name in wanted if name not in ids]
    without = [f"{name} ({ids[name]})" for name in wanted if name in ids and not runs_fargate(reader.region, ids[name])]
    if unknown:
        detail = f"{', '.join(unknown)}: not an available AZ of {reader.region}"
        yield Result(FAIL, "zones", subject, detail, f"name AZs of {reader.region}: {', '.join(sorted(ids))}")
    elif without:
        detail = f"Fargate does not run in {', '.join(without)} ({FARGATE_REGIONS_PAGE})"
        yield Result(FAIL, "zones", subject, detail, "name AZs Fargate runs in")
    else:
        yield Result(PASS, "zones", subject, ", ".join(f"{name} ({ids[name]})" for name in wanted))


def check_quotas(reader: AccountReader, stack: TemplateStack, run: Run) -> Iterator[Result]:
    """Elastic IPs, VPCs, load balancers and interface endpoints the template creates, against their quotas."""
    existing = reader.stack(stack.stack_name) is not None
    deployed = Counter(r["ResourceType"] for r in reader.stack_resources(stack.stack_name)) if existing else Counter()
    resources = Counter(resource.get("Type") for resource in (stack.template.get("Resources") or {}).values())
    name = stack.stack_name
    addresses = resources["AWS::EC2::EIP"]
    if addresses:
        in_use = len(reader.aws.client("ec2").describe_addresses()["Addresses"])
        fix = "release unused Elastic IPs or request a higher quota before deploying the NAT gateways"
        needed = max(0, addresses - deployed["AWS::EC2::EIP"])
        yield compare(reader, ELASTIC_IPS, f"{name}: {addresses} Elastic IPs", in_use, needed, fix)
    if resources["AWS::EC2::VPC"] and not existing:
        vpcs = len(reader.aws.client("ec2").describe_vpcs()["Vpcs"])
        fix = "delete an unused VPC or request a higher quota"
        yield compare(reader, VPCS, f"{name}: its VPC", vpcs, resources["AWS::EC2::VPC"], fix)
    endpoints = [
        logical_id
        for logical_id, properties in stack.resources("AWS::EC2::VPCEndpoint")
        if stack.text(properties.get("VpcEndpointType")) == "Interface"
    ]
    if endpoints:
        subject = f"{name}: {len(endpoints)} interface endpoints"
        yield compare(reader, INTERFACE_ENDPOINTS, subject, 0, len(endpoints), "request a higher quota")
    if not existing:
        yield from _load_balancer_quotas(reader, stack)
    yield from _fargate_quotas(reader, stack)


def _load_balancer_quotas(reader: AccountReader, stack: TemplateStack) -> Iterator[Result]:
    kinds = Counter(
        stack.text(properties.get("Type", "application")) or "application"
        for _, properties in stack.resources("AWS::ElasticLoadBalancingV2::LoadBalancer")
    )
    if not any(kind in _LOAD_BALANCER_TYPES for kind in kinds):
        return
    pages = reader.aws.client("elbv2").get_paginator("describe_load_balancers").paginate()
    types = [balancer.get("Type", "application") for page in pages for balancer in page["LoadBalancers"]]
    for kind, quota in _LOAD_BALANCER_TYPES.items():
        if kinds[kind]:
            fix = "delete unused load balancers or request a higher quota"
            subject = f"{stack.stack_name}: {kinds[kind]} new {kind} load balancer"
            yield compare(reader, quota, subject, types.count(kind), kinds[kind], fix)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _fargate_quotas(reader: AccountReader, stack: TemplateStack) -> Iterator[Result]:
    """vCPUs of the template's services at their scalable target's MaxCapacity (a warning when only MinCapacity
    fits), else their DesiredCount, else one task. Tasks already running in the account are not counted."""
    targets = {
        node["Fn::GetAtt"][0]: properties
        for _, properties in stack.resources("AWS::ApplicationAutoScaling::ScalableTarget")
        for node in _nodes(properties.get("ResourceId"))
        if isinstance(node.get("Fn::GetAtt"), list) and node["Fn::GetAtt"]
    }
    definitions = dict(stack.resources("AWS::ECS::TaskDefinition"))
    needed = {FARGATE_ON_DEMAND: [0.0, 0.0], FARGATE_SPOT: [0.0, 0.0]}
    for logical_id, properties in stack.resources("AWS::ECS::Service"):
        reference = properties.get("TaskDefinition")
        definition = definitions.get(reference.get("Ref")) if isinstance(reference, dict) else None
        vcpus = (_number(stack.text(definition.get("Cpu"))) or 0) / 1024 if definition else 0
        target = targets.get(logical_id, {})
        most = _number(stack.text(target.get("MaxCapacity"))) or _number(stack.text(properties.get("DesiredCount")))
        least = _number(stack.text(target.get("MinCapacity"))) or most
        strategy = _nodes(properties.get("CapacityProviderStrategy"))
        spot = "FARGATE_SPOT" in [stack.text(node.get("CapacityProvider")) for node in strategy]
        counts = needed[FARGATE_SPOT if spot else FARGATE_ON_DEMAND]
        counts[0] += (most or 1) * vcpus
        counts[1] += (least or 1) * vcpus
    for quota, (most, least) in needed.items():
        if most:
            subject = f"{stack.stack_name}: vCPUs of its services at most ({most:g}; {least:g} at least)"
            yield compare(reader, quota, subject, 0, most, "request a higher quota", least)


TEMPLATE_CHECKS: tuple[Callable[[AccountReader, TemplateStack, Run], Iterator[Result]], ...] = (
    check_parameters,
    check_stack,
    check_imports,
    check_export_names,
    check_images,
    check_certificates,
    check_viewer_certificates,
    check_references,
    check_zones,
    check_quotas,
)


def preflight_templates(
    templates: Sequence[str | Path],
    stack_names: Sequence[str],
    parameters: Sequence[str] = (),
    parameters_file: str | Path | None = None,
    aws: Aws | None = None,
) -> PreflightReport:
    """Every check for templates deployed as the named stacks, in order; ConfigError for bad arguments (before
    anything is read), AccountError when the account cannot be read."""
    given = parse_parameters(parameters, parameters_file)
    loaded = load_templates(templates, stack_names, given)
    aws = aws or Aws()
    reader = AccountReader(aws)
    run = template_stacks(loaded, given, aws.region, aws.account, aws.partition)
    report = PreflightReport(aws.account, aws.region)
    for check in TEMPLATE_CHECKS:
        for stack in run:
            report.results.extend(check(reader, stack, run))
    return report
