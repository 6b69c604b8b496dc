"""Fargate's task sizes, and whether a task's containers fit in one."""

from __future__ import annotations

from typing import Final

from ..errors import ConfigError

_GIB = 1024
# Fargate's valid task sizes: CPU units -> memory (MiB) choices.
FARGATE_MEMORY: Final[dict[int, tuple[int, ...]]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1 * _GIB, 4 * _GIB + 1, _GIB)),
    1024: tuple(range(2 * _GIB, 8 * _GIB + 1, _GIB)),
    2048: tuple(range(4 * _GIB, 16 * _GIB + 1, _GIB)),
    4096: tuple(range(8 * _GIB, 30 * _GIB + 1, _GIB)),
    8192: tuple(range(16 * _GIB, 60 * _GIB + 1, 4 * _GIB)),
    16384: tuple(range(32 * _GIB, 120 * _GIB + 1, 8 * _GIB)),
}


def fargate_memory(cpu: object, memory: object) -> None:
    """Raises ConfigError unless (cpu, memory) is a Fargate task size; the message lists the valid memory."""
    if cpu not in FARGATE_MEMORY or isinstance(cpu, bool):
        raise ConfigError(f"cpu: {cpu!r} is not a Fargate CPU value; allowed {', '.join(map(str, FARGATE_MEMORY))}")
    if memory not in FARGATE_MEMORY[cpu] or isinstance(memory, bool):
        valid = ", ".join(map(str, FARGATE_MEMORY[cpu]))
        raise ConfigError(f"memory: {memory!r} is not valid with cpu {cpu}; allowed memory (MiB): {valid}")
