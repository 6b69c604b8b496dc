"""Which Fargate capacity runs the tasks (``[services.capacity]``): on-demand Fargate and Fargate Spot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError
from .settings import Between, check_settings, setting

# "Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity provider":
SPOT_PAGE: Final = "https://docs.aws.amazon.com/AmazonECS/latest/userguide/fargate-capacity-providers.html"


@dataclass(frozen=True)
class CapacityOptions:
    """Which Fargate capacity runs the tasks (``[services.capacity]``).

    Attributes:
        spot_weight: relative share of the tasks beyond ``on_demand_base`` placed on Fargate Spot (default 0: every
            task on on-demand Fargate, started with the FARGATE launch type as before; allowed 0-1000). Spot tasks
            can be stopped with a two-minute warning.
        on_demand_base: tasks always placed on on-demand Fargate before the weights apply (default 0, 0-100000).
        on_demand_weight: relative share beyond the base placed on on-demand Fargate (default 1, allowed 0-1000).
    """

    spot_weight: int = setting(0, allowed=Between(0, 1000))
    on_demand_base: int = setting(0, allowed=Between(0, 100_000))
    on_demand_weight: int = setting(1, allowed=Between(0, 1000))

    def __post_init__(self) -> None:
        check_settings(self, "capacity")
        if not self.uses_spot and (self.on_demand_base, self.on_demand_weight) != (0, 1):
            raise ConfigError(
                "capacity.on_demand_base, capacity.on_demand_weight: only used with a capacity.spot_weight above 0; "
                "without Spot every task runs on on-demand Fargate"
            )

    @property
    def uses_spot(self) -> bool:
        return self.spot_weight > 0


def check_spot_architecture(capacity: CapacityOptions, cpu_architecture: str) -> None:
    if capacity.uses_spot and cpu_architecture == "ARM64":
        raise ConfigError(
            f"capacity.spot_weight: Fargate Spot runs only X86_64 Linux tasks, not cpu_architecture 'ARM64' "
            f"({SPOT_PAGE}); set cpu_architecture = 'X86_64' or capacity.spot_weight = 0"
        )
