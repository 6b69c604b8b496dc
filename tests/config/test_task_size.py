"""Fargate's task sizes: every documented CPU and memory pair, and only those."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.task_size import FARGATE_MEMORY
from fargate_private_templates.errors import ConfigError


@pytest.mark.parametrize("cpu", FARGATE_MEMORY)
def test_every_fargate_pair_is_accepted_and_only_those(cpu: int) -> None:
    for memory in FARGATE_MEMORY[cpu]:
        ServiceConfig(cpu=cpu, memory=memory)
    assert FARGATE_MEMORY[cpu][0] * 2 <= FARGATE_MEMORY[cpu][-1]
    with pytest.raises(ConfigError):
        ServiceConfig(cpu=cpu, memory=FARGATE_MEMORY[cpu][-1] + 1024)


def test_fargate_table_matches_the_documented_ranges() -> None:
    assert FARGATE_MEMORY[256] == (512, 1024, 2048)
    assert (FARGATE_MEMORY[4096][0], FARGATE_MEMORY[4096][-1], len(FARGATE_MEMORY[4096])) == (8192, 30720, 23)
    assert FARGATE_MEMORY[8192][1] - FARGATE_MEMORY[8192][0] == 4096 and FARGATE_MEMORY[8192][-1] == 61440
    assert FARGATE_MEMORY[16384][1] - FARGATE_MEMORY[16384][0] == 8192 and FARGATE_MEMORY[16384][-1] == 122880
