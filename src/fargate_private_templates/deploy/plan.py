"""What deploying a config takes: every stack in dependency order, with its account, parameter values and
capabilities. The deploy scripts are written from it, and ``preflight`` reads the values it will deploy with.

A parameter without a default takes its value from the config when the config sets it (the rendered template then
has it as its default), else from an environment variable named after the stack and the parameter
(``FARGATE_WEB_IMAGE_TAG`` for ``ImageTag`` of stack ``fargate-web``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Deployment
from ..contract import FRONT_DOOR_STACK_PARAMETER, NETWORK_STACK_PARAMETER, WEIGHTED_RULES
from ..render.parameters import REQUIRED, parameter_values
from ..render.renderer import ordered_dict
from ..stacks import FRONT_DOOR_FILE, NETWORK_FILE, REGISTRY_FILE, build_config, service_file, stack_names

NETWORK, REGISTRY, FRONT_DOOR, SERVICE = "network", "registry", "front door", "service"
# The tag every stack of a deployment carries, so an operator (or audit) finds them all.
DEPLOYMENT_TAG = "fargate-private-templates:deployment"
CAPABILITY_IAM = "CAPABILITY_IAM"
CAPABILITY_NAMED_IAM = "CAPABILITY_NAMED_IAM"
# Properties that name an IAM resource, which CloudFormation then acknowledges with CAPABILITY_NAMED_IAM:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/control-access-with-iam.html#using-iam-capabilities
_IAM_NAMES = ("RoleName", "UserName", "GroupName", "ManagedPolicyName", "InstanceProfileName")
# What a service in another account than the network must be told: the role that reads the network's outputs.
_CROSS_ACCOUNT_PARAMETERS = ("NetworkStackRoleArn",)


@dataclass(frozen=True)
class StackPlan:
    """One stack as ``aws cloudformation deploy`` takes it.

    ``parameters`` are the values known from the config, in template order; ``environment`` pairs each other
    parameter with the environment variable its value comes from."""

    role: str
    stack_name: str
    template_file: str
    template: dict[str, Any]
    parameters: tuple[tuple[str, str], ...]
    environment: tuple[tuple[str, str], ...]
    capabilities: tuple[str, ...]
    # None: the network's account.
    account: str | None = None
    service: str | None = None
    # (parameter, default) of the listener rule weights ECS moves: restated from the live rule at every update.
    weights: tuple[tuple[str, str], ...] = ()

    @property
    def parameter_file(self) -> str:
        return f"{Path(self.template_file).stem}.parameters.json"

    def values(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The parameter values a deploy would use, the environment's included; missing ones are left out."""
        given = {key: environ[variable] for key, variable in self.environment if environ.get(variable)}
        return dict(self.parameters) | given

    def missing(self, environ: Mapping[str, str]) -> list[str]:
        """Environment variables this stack needs that are unset or empty."""
        return [variable for _, variable in self.environment if not environ.get(variable)]


@dataclass(frozen=True)
class DeployPlan:
    name: str
    stacks: tuple[StackPlan, ...]

    @property
    def accounts(self) -> list[str | None]:
        """The accounts stacks go to, the network's (None) first."""
        found = list(dict.fromkeys(stack.account for stack in self.stacks))
        return sorted(found, key=lambda account: (account is not None, account or ""))

    def in_account(self, account: str | None) -> tuple[StackPlan, ...]:
        return tuple(stack for stack in self.stacks if stack.account == account)

    def stack(self, name: str) -> StackPlan | None:
        return next((stack for stack in self.stacks if stack.stack_name == name), None)


def environment_variable(stack_name: str, parameter: str) -> str:
    """``FARGATE_WEB_IMAGE_TAG`` for parameter ``ImageTag`` of stack ``fargate-web``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", parameter)
    return f"{re.sub(r'[^A-Za-z0-9]', '_', stack_name)}_{words}".upper()


def capabilities(template: Mapping[str, Any]) -> tuple[str, ...]:
    """What CloudFormation must be told the template may do: create IAM resources, named ones or not."""
    resources = template.get("Resources", {})
    iam = [r for r in resources.values() if isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::IAM::")]
    if any(name in resource.get("Properties", {}) for resource in iam for name in _IAM_NAMES):
        return (CAPABILITY_NAMED_IAM,)
    return (CAPABILITY_IAM,) if iam else ()


def _stack(
    role: str,
    stack_name: str,
    template_file: str,
    template: dict[str, Any],
    overrides: Mapping[str, str],
    from_environment: tuple[str, ...] = (),
    account: str | None = None,
    service: str | None = None,
) -> StackPlan:
    known: list[tuple[str, str]] = []
    environment: list[tuple[str, str]] = []
    weights: list[tuple[str, str]] = []
    weight_names = {name for rule in WEIGHTED_RULES for name in (rule.primary, rule.alternate)}
    for key, default in parameter_values(template):
        if key in weight_names:
            weights.append((key, default))
        elif key in overrides:
            known.append((key, overrides[key]))
        elif default == REQUIRED or key in from_environment:
            environment.append((key, environment_variable(stack_name, key)))
        else:
            known.append((key, default))
    return StackPlan(
        role,
        stack_name,
        template_file,
        template,
        tuple(known),
        tuple(environment),
        capabilities(template),
        account,
        service,
        tuple(weights),
    )


def build_plan(deployment: Deployment, templates: Mapping[str, Any]) -> DeployPlan:
    """The plan for a deployment and its rendered templates (file name -> troposphere Template or dict)."""
    names = stack_names(deployment)
    dicts = {name: t if isinstance(t, dict) else ordered_dict(t) for name, t in templates.items()}
    references = {NETWORK_STACK_PARAMETER: names.network}
    if deployment.front_door is not None:
        references[FRONT_DOOR_STACK_PARAMETER] = names.front_door
    stacks = [_stack(NETWORK, names.network, NETWORK_FILE, dicts[NETWORK_FILE], references)]
    if REGISTRY_FILE in dicts:
        stacks.append(_stack(REGISTRY, names.registry, REGISTRY_FILE, dicts[REGISTRY_FILE], references))
    if FRONT_DOOR_FILE in dicts:
        stacks.append(_stack(FRONT_DOOR, names.front_door, FRONT_DOOR_FILE, dicts[FRONT_DOOR_FILE], references))
    accounts = dict(deployment.accounts)
    for service in deployment.services:
        file = service_file(service)
        account = accounts.get(service.name)
        stacks.append(
            _stack(
                SERVICE,
                names.services[service.name],
                file,
                dicts[file],
                references,
                _CROSS_ACCOUNT_PARAMETERS if account else (),
                account,
                service.name,
            )
        )
    return DeployPlan(deployment.name, tuple(stacks))


def plan_for_config(path: str | Path) -> tuple[Deployment, dict[str, Any], DeployPlan]:
    """The config's deployment, its templates (file name -> troposphere Template, with the priorities its lock keeps)
    and its plan."""
    built = build_config(path)
    return built.deployment, built.templates, build_plan(built.deployment, built.templates)
