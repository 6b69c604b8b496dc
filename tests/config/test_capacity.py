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
