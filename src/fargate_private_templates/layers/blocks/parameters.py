"""Console form metadata: ``AWS::CloudFormation::Interface`` parameter groups and labels."""

from __future__ import annotations

from troposphere import Equals, Not, Parameter, Ref, Template

from ...config.patterns import CACHE_PREFIX, CACHE_PREFIX_LENGTH
from ...config.validators import LOG_RETENTION_DAYS

INTERFACE = "AWS::CloudFormation::Interface"


def add_parameter_group(template: Template, group: str, labels: dict[str, str]) -> None:
    """Adds parameters (in order) to a named group, creating the group on first use, each with its label."""
    for name, label in labels.items():
        template.add_parameter_to_group(name, group)
        template.set_parameter_label(name, label)


def add_optional_parameter(
    template: Template, title: str, description: str, pattern: str, what: str, condition: str, default: str = ""
) -> Parameter:
    """A String parameter that is empty (the feature is off) or matches ``pattern`` (``what`` says what it takes),
    and the condition ``condition``, true when it is not empty."""
    parameter = template.add_parameter(
        Parameter(
            title,
            Type="String",
            Default=default,
            Description=description,
            AllowedPattern=f"^$|{pattern}",
            ConstraintDescription=f"empty, or {what}",
        )
    )
    template.add_condition(condition, Not(Equals(Ref(parameter), "")))
    return parameter


def add_log_retention_parameter(
    template: Template, title: str, default: int, description: str, group: str, label: str
) -> Parameter:
    """A Number parameter that only takes CloudWatch Logs retention periods, placed in a console group."""
    parameter = template.add_parameter(
        Parameter(
            title, Type="Number", Default=default, AllowedValues=list(LOG_RETENTION_DAYS), Description=description
        )
    )
    add_parameter_group(template, group, {title: label})
    return parameter


def with_default(parameter: Parameter, default: object | None) -> Parameter:
    """``parameter`` with ``default`` as its Default; without one (None) the console and ``params`` ask for it."""
    if default is not None:
        parameter.Default = default
    return parameter


def cache_prefix_parameter(title: str, default: str, description: str) -> Parameter:
    """A pull-through cache rule's repository prefix, with the bounds ECR and ``config.validators.cache_prefix``
    accept: the cache stack's and each service's parameter take exactly the same values."""
    low, high = CACHE_PREFIX_LENGTH
    return Parameter(
        title,
        Type="String",
        Default=default,
        Description=description,
        AllowedPattern=CACHE_PREFIX.pattern,
        MinLength=low,
        MaxLength=high,
        ConstraintDescription=f"{low}-{high} lowercase letters, digits and . _ - separators",
    )
