"""Starter config files that ``init`` writes: a few common shapes, commented, that render and check clean as written.

Each starter names the JSON Schema beside it (``#:schema``), which ``init`` writes too, so an editor that reads JSON
Schema (Even Better TOML, taplo) completes and checks every key from the first keystroke.
"""

from __future__ import annotations

import os
import re
from typing import Final

from ..errors import ConfigError
from ..render.files import write_file_sets
from .patterns import DEPLOYMENT_NAME
from .reference import schema_json

SCHEMA_FILE: Final = "fargate-private-templates.schema.json"
ONE_SERVICE, FRONT_DOOR, NO_NAT = "one-service", "front-door", "no-nat"

_HEADER = """#:schema ./{schema}
# A fargate-private-templates config ({shape}). Every key: docs/configuration-reference.md; render the stacks with
#   fargate-private-templates render --config {file} --out build/{name}
# then prove them private with `fargate-private-templates check build/{name}/*.yaml` and deploy with the deploy.sh
# render writes beside them. Stack names start with `name` ({name}-network, {name}-<service>...).
name = "{name}"
"""

_NETWORK_WITH_NAT = """
[network]
# One NAT gateway per AZ keeps each AZ's tasks independent of the others (per_az); "single" costs less.
nat_mode = "per_az"
az_count = 2
"""

_SERVICE = """
[[services]]
name = "{service}"

[services.image]
# The image in this account's ECR (the registry stack's repository); its tag is asked at deploy time.
repository = "{service}"

[services.container]
port = 8080

[services.health_check]
path = "/"
"""

_SHARED_SERVICE = """
[[services]]
name = "{service}"

[services.image]
repository = "{service}"

[services.load_balancer]
# A listener rule on the shared front door above, instead of a load balancer of its own.
kind = "shared"

[services.routing]
hosts = ["{host}"]
"""

STARTERS: Final = {
    ONE_SERVICE: (
        "one service behind an HTTPS load balancer of its own",
        _NETWORK_WITH_NAT + _SERVICE.format(service="web"),
    ),
    FRONT_DOOR: (
        "two services behind one shared front door",
        _NETWORK_WITH_NAT
        + """
[ingress]
# One internet-facing ALB for every service: HTTPS answers a 404 until a service's rule claims a host or path.
allowed_cidrs = ["0.0.0.0/0"]
"""
        + _SHARED_SERVICE.format(service="web", host="www.example.com")
        + _SHARED_SERVICE.format(service="api", host="api.example.com"),
    ),
    NO_NAT: (
        "one service on a network without NAT, reaching ECR and CloudWatch Logs through VPC endpoints",
        """
[network]
# No NAT gateway: the private subnets reach AWS only through the VPC endpoints of the "ecr" preset
# (s3, ecr.api, ecr.dkr, logs), so the image must come from ECR.
nat_mode = "none"
endpoints = "ecr"
"""
        + _SERVICE.format(service="web"),
    ),
}
SHAPES: Final = tuple(STARTERS)


def deployment_name(stem: str) -> str:
    """A deployment name from a file name: ``shop`` for ``shop.toml``; ``app`` when the stem cannot be one."""
    name = re.sub(r"[^A-Za-z0-9-]", "-", stem).strip("-")
    return name if DEPLOYMENT_NAME.fullmatch(name) else "app"


def starter(shape: str, file: str, stem: str) -> str:
    """The starter config of ``shape`` for a file shown as ``file`` whose stem is ``stem``."""
    what, body = STARTERS[shape]
    name = deployment_name(stem)
    return _HEADER.format(schema=SCHEMA_FILE, shape=what, file=file, name=name) + body


def write_starter(path: str, shape: str = ONE_SERVICE) -> list[str]:
    """Writes the starter config of ``shape`` at ``path`` and the JSON Schema beside it; returns the paths written.
    An existing ``path`` is never overwritten: ConfigError, and nothing is written."""
    if shape not in STARTERS:
        raise ConfigError(f"shape: {shape!r} is not allowed; choose one of {', '.join(SHAPES)}")
    if os.path.lexists(path):
        raise ConfigError(f"{path}: already exists; init never overwrites a file: choose another path")
    folder, file = os.path.split(os.path.normpath(path))
    stem = os.path.splitext(file)[0]
    config = starter(shape, path, stem)
    return write_file_sets([(folder or ".", {file: config, SCHEMA_FILE: schema_json()})])
