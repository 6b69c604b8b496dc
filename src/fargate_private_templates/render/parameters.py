"""Ready-to-edit parameter values for ``aws cloudformation deploy``: every parameter, with its default."""

from __future__ import annotations

import json
import shlex
from typing import Any

from ..errors import ConfigError

PARAMETER_FORMATS = ("cli", "json")
# Stands in for a parameter without a default: a plain word, so the line still pastes into a shell, and one that
# CloudFormation rejects for the patterned parameters (CertificateArn, ImageUri) if nobody replaces it.
REQUIRED = "REQUIRED"


def parameter_values(template: dict) -> list[tuple[str, str]]:
    """(name, value) for every parameter, in template order; the default as CloudFormation reads it, or REQUIRED."""
    parameters = template.get("Parameters")
    if not isinstance(parameters, dict):
        return []
    return [
        (name, _text(spec["Default"]) if isinstance(spec, dict) and "Default" in spec else REQUIRED)
        for name, spec in parameters.items()
    ]


def parameter_overrides(template: dict, fmt: str = "cli") -> str:
    """Every parameter of ``template`` as ``--parameter-overrides`` for ``aws cloudformation deploy``.

    ``cli``: one shell-ready argument string (``--parameter-overrides Key=value ...``; empty with no parameters).
    ``json``: the contents of a file for ``--parameter-overrides file://params.json``, in the CloudFormation
    format ``[{"ParameterKey": ..., "ParameterValue": ...}]``. AWS CLI v2 reads that format (and
    ``{"Parameters": {...}}``) since aws-cli PR #5443 (2020); v1 reads only ``["Key=value", ...]``.
    The same file also works for ``aws cloudformation create-stack --parameters file://params.json``.
    """
    values = parameter_values(template)
    if fmt == "cli":
        if not values:
            return ""  # deploy rejects a bare --parameter-overrides
        # Keys are alphanumeric; only values can need quoting (spaces, empty defaults, shell characters).
        return " ".join(["--parameter-overrides", *(f"{key}={shlex.quote(value)}" for key, value in values)])
    if fmt == "json":
        return json.dumps([{"ParameterKey": key, "ParameterValue": value} for key, value in values], indent=2)
    raise ConfigError(f"format: {fmt!r} is not allowed; allowed: {', '.join(PARAMETER_FORMATS)}")


def _text(value: Any) -> str:
    """A default as the string CloudFormation passes: YAML booleans lower-case, lists comma-joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    return str(value)
