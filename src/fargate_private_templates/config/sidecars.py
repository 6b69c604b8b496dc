"""The task's other containers (``[[services.sidecars]]``): a log router, a collector, a proxy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from ..errors import ConfigError
from . import validators as v
from .image import ImageOptions
from .patterns import NAME, SecretSources
from .settings import Between, Checked, Flag, Matches, OneOf, check_settings, setting

# ECS task definitions hold at most 10 containers.
MAX_CONTAINERS: Final = 10
DEPENDENCY_CONDITIONS: Final = ("START", "COMPLETE", "SUCCESS")
# ContainerDependency: COMPLETE and SUCCESS "can't be set on an essential container".
EXIT_CONDITIONS: Final = ("COMPLETE", "SUCCESS")


@dataclass(frozen=True)
class SidecarOptions(SecretSources):
    """An additional container in the task (``[[services.sidecars]]``): a log router, a collector, a proxy. Never
    attached to the load balancer.

    Attributes:
        name: the container's name, unique in the task (default none: required).
        image: where its image comes from, an ``ImageOptions`` (default: repository ``app`` in this account's ECR;
            its template parameters are named after the sidecar, for example ``LogRouterImageTag``).
        essential: the task stops when this container stops (default True).
        cpu: CPU units reserved for it (default 64).
        memory: memory in MiB reserved for it, a soft limit (default 128).
        command: the command to run instead of the image's (default none).
        environment: plain environment variables (default none); never credentials.
        secrets: secrets as variable -> ARN, ``secretsmanager:<name>`` or ``ssm:<name>``, as the main container's
            (default none).
        depends_on: containers (the main one or other sidecars) this one waits for, as name -> ``START``,
            ``COMPLETE`` or ``SUCCESS`` (default none).
        start_before_app: the main container waits for this one to reach ``START``, ``COMPLETE`` or ``SUCCESS``
            (default none: no order).
        readonly_root_filesystem: read-only root filesystem with a writable ``/tmp`` volume of its own (default True).
    """

    name: str | None = setting(
        None,
        allowed=Matches(NAME, "lowercase letters, digits and hyphens, starting with a letter, max 32"),
        default_text="required",
    )
    image: ImageOptions = field(default_factory=ImageOptions)
    essential: bool = setting(True, allowed=Flag())
    cpu: int = setting(64, allowed=Between(0, 16384))
    memory: int = setting(128, allowed=Between(6, 122880))
    command: tuple[str, ...] = setting(
        (), allowed=Checked("a list of strings", (("type", "array"), ("items", {"type": "string"})))
    )
    environment: tuple[tuple[str, str], ...] = setting(
        (), allowed=Checked("a table of names (letters, digits, _) to strings; never credentials")
    )
    secrets: tuple[tuple[str, str], ...] = setting(
        (),
        allowed=Checked(
            "a table of names to a Secrets Manager or SSM parameter ARN, `ssm:<name>` or `secretsmanager:<name>`"
        ),
    )
    depends_on: tuple[tuple[str, str], ...] = setting(
        (),
        allowed=Checked(
            "a table of container names to " + ", ".join(f"`{c}`" for c in DEPENDENCY_CONDITIONS),
            (("type", "object"), ("additionalProperties", {"enum": list(DEPENDENCY_CONDITIONS)})),
        ),
    )
    start_before_app: str | None = setting(None, allowed=OneOf(DEPENDENCY_CONDITIONS))
    readonly_root_filesystem: bool = setting(True, allowed=Flag())

    def __post_init__(self) -> None:
        check_settings(self)
        if self.name is None:
            raise ConfigError("name: required; every sidecar needs a container name")
        if not isinstance(self.image, ImageOptions):
            raise ConfigError(f"image: {self.image!r} is not an ImageOptions")
        if isinstance(self.command, str) or not all(isinstance(part, str) for part in self.command):
            raise ConfigError(f"command: {self.command!r} is not a list of strings")
        object.__setattr__(self, "command", tuple(self.command))
        environment, secrets = v.environment_and_secrets("", self.environment, self.secrets)
        object.__setattr__(self, "environment", environment)
        object.__setattr__(self, "secrets", secrets)
        depends = self.depends_on.items() if isinstance(self.depends_on, dict) else self.depends_on
        if not all(isinstance(item, (tuple, list)) and len(item) == 2 for item in depends):
            raise ConfigError(f"depends_on: {self.depends_on!r} is not a mapping of container names to conditions")
        pairs = tuple((name, condition) for name, condition in depends)
        for name, condition in pairs:
            v.pattern("depends_on", name, NAME, "container names: lowercase letters, digits and hyphens")
            v.one_of(f"depends_on.{name}", condition, DEPENDENCY_CONDITIONS)
        object.__setattr__(self, "depends_on", pairs)
        if self.essential and self.start_before_app in EXIT_CONDITIONS:
            raise ConfigError(
                f"start_before_app: {self.start_before_app!r} waits for the container to exit, which ECS refuses "
                "on an essential container; set essential = false or use 'START'"
            )

    @property
    def title(self) -> str:
        """The name as a CloudFormation logical-ID prefix: ``log-router`` -> ``LogRouter``."""
        return "".join(part.capitalize() for part in self.name.split("-"))


def validate_sidecars(sidecars: object, container_name: str, cpu: int, memory: int) -> None:
    """The sidecars beside the main container ``container_name`` in a task of ``cpu`` units and ``memory`` MiB:
    unique names, a start order without cycles, and reservations that leave room for the main container."""
    if not isinstance(sidecars, tuple) or not all(isinstance(s, SidecarOptions) for s in sidecars):
        raise ConfigError(f"sidecars: {sidecars!r} is not a list of SidecarOptions")
    if len(sidecars) + 1 > MAX_CONTAINERS:
        raise ConfigError(
            f"sidecars: {len(sidecars)} given; a task definition holds at most {MAX_CONTAINERS} containers"
        )
    names = [container_name]
    titles = {"": container_name}
    for index, sidecar in enumerate(sidecars):
        if sidecar.name in names:
            raise ConfigError(f"sidecars[{index}].name: {sidecar.name!r} is already a container name in the task")
        if sidecar.title.lower() in titles:
            raise ConfigError(
                f"sidecars[{index}].name: {sidecar.name!r} and {titles[sidecar.title.lower()]!r} give the same "
                "template parameter names; rename one"
            )
        names.append(sidecar.name)
        titles[sidecar.title.lower()] = sidecar.name
    essential = {container_name: True, **{s.name: s.essential for s in sidecars}}
    for index, sidecar in enumerate(sidecars):
        for name, condition in sidecar.depends_on:
            if name not in names or name == sidecar.name:
                allowed = ", ".join(n for n in names if n != sidecar.name)
                raise ConfigError(
                    f"sidecars[{index}].depends_on: {name!r} is not another container; allowed: {allowed}"
                )
            if condition in EXIT_CONDITIONS and essential[name]:
                raise ConfigError(
                    f"sidecars[{index}].depends_on: {name!r} = {condition!r} waits for an essential container to "
                    "exit, which ECS refuses; use 'START'"
                )
    _refuse_cycles(sidecars, container_name)
    _validate_reservations(sidecars, container_name, cpu, memory)


def _refuse_cycles(sidecars: tuple[SidecarOptions, ...], container_name: str) -> None:
    waits = {s.name: [n for n, _ in s.depends_on] for s in sidecars}
    waits[container_name] = [s.name for s in sidecars if s.start_before_app is not None]

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            cycle = " -> ".join((*path[path.index(name) :], name))
            raise ConfigError(f"sidecars: the start order has a cycle ({cycle}); no container could start")
        # Every name is a key: depends_on names only containers of the task (refused above otherwise).
        for other in waits[name]:
            visit(other, (*path, name))

    for name in waits:
        visit(name, ())


def _validate_reservations(sidecars: tuple[SidecarOptions, ...], container_name: str, cpu: int, memory: int) -> None:
    """The sidecars' reservations must leave CPU and memory for the main container, within the task size."""
    for unit, task, reserved in (
        ("CPU units", cpu, sum(s.cpu for s in sidecars)),
        ("MiB of memory", memory, sum(s.memory for s in sidecars)),
    ):
        if reserved >= task:
            field_name = "cpu" if unit == "CPU units" else "memory"
            raise ConfigError(
                f"sidecars: the sidecars reserve {reserved} {unit}, leaving nothing of the task's {field_name} {task} "
                f"for the main container {container_name!r}; raise {field_name} (a Fargate task size) or "
                f"lower the sidecars' {field_name}"
            )
