"""Which Fargate capacity runs the tasks: on-demand Fargate and Fargate Spot."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.capacity import CapacityOptions
from fargate_private_templates.errors import ConfigError


def test_on_demand_base_above_100000_is_refused() -> None:
    assert CapacityOptions(spot_weight=1, on_demand_base=100_000).on_demand_base == 100_000
    with pytest.raises(ConfigError) as caught:
        CapacityOptions(spot_weight=1, on_demand_base=100_001)
    assert str(caught.value) == "capacity.on_demand_base: 100001 is out of range; allowed 0 to 100000"


def test_on_demand_settings_without_spot_are_refused_saying_why() -> None:
    with pytest.raises(ConfigError) as caught:
        CapacityOptions(on_demand_base=2)
    assert str(caught.value) == (
        "capacity.on_demand_base, capacity.on_demand_weight: only used with a capacity.spot_weight above 0; "
        "without Spot every task runs on on-demand Fargate"
    )
