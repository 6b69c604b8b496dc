"""make bench: how long rendering takes against the floor, how building scales, and what the templates look like.

Prints, from one run:
- the catalogue render (`fargate-private-templates render` into an empty folder, a fresh process) against the floor:
  a fresh process that only imports troposphere, awacs and PyYAML; the median of several runs of each, and their
  ratio (the README's promise: at most 2.0);
- build + render time per service with 1, 10 and 50 services in one config;
- each catalogue template's size and its longest resource dependency chain (Ref, GetAtt, Sub and DependsOn): the
  number of resources CloudFormation must create one after another.

Not a test: timings depend on the machine, so they are printed, never asserted.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

RUNS = 7
SERVICE_COUNTS = (1, 10, 50)
FLOOR = [sys.executable, "-c", "import troposphere, awacs, yaml"]
RENDER = [sys.executable, "-m", "fargate_private_templates", "render", "--out"]


# Compiled bytecode, as after any normal install: the floor's libraries have theirs from pip, and a shell that
# sets PYTHONDONTWRITEBYTECODE would otherwise make the package recompile itself on every run.
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENVIRONMENT)
    return time.perf_counter() - start


def render_and_floor() -> tuple[float, float]:
    """Median seconds of a catalogue render and of the floor, runs interleaved so load affects both alike."""
    with tempfile.TemporaryDirectory() as out:
        wall_time([*RENDER, out])  # warm-up: writes the bytecode
    renders, floors = [], []
    for _ in range(RUNS):
        floors.append(wall_time(FLOOR))
        with tempfile.TemporaryDirectory() as out:
            renders.append(wall_time([*RENDER, out]))
    return statistics.median(renders), statistics.median(floors)


def seconds_per_service(count: int) -> float:
    from fargate_private_templates import NetworkConfig, ServiceConfig, build_stacks, render_yaml

    services = [ServiceConfig(name=f"service{n}") for n in range(count)]
    start = time.perf_counter()
    for template in build_stacks(NetworkConfig(), services).values():
        render_yaml(template)
    return (time.perf_counter() - start) / count


def references(node: Any) -> Iterator[str]:
    """Logical IDs a part of a template refers to (pseudo parameters and parameters filtered out later)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                yield value
            elif key == "Fn::GetAtt" and isinstance(value, list) and value and isinstance(value[0], str):
                yield value[0]
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                if isinstance(text, str):
                    yield from (name.split(".")[0] for name in _sub_variables(text))
                yield from references(value)
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def _sub_variables(text: str) -> Iterator[str]:
    start = text.find("${")
    while start >= 0:
        end = text.find("}", start)
        if end < 0:
            return
        if not text.startswith("${!", start):
            yield text[start + 2 : end]
        start = text.find("${", end)


def longest_chain(template: dict[str, Any]) -> list[str]:
    """The longest path of resources each waiting for the next (a DAG: CloudFormation refuses cycles)."""
    resources = template.get("Resources", {})
    needs: dict[str, set[str]] = {}
    for name, body in resources.items():
        depends = body.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        found = set(references({k: v for k, v in body.items() if k != "DependsOn"})) | set(depends)
        needs[name] = {other for other in found if other in resources and other != name}

    @cache
    def chain(name: str) -> tuple[str, ...]:
        longest = max((chain(other) for other in sorted(needs[name])), key=len, default=())
        return (name, *longest)

    return list(max((chain(name) for name in sorted(resources)), key=len, default=()))


def main() -> int:
    from fargate_private_templates import CATALOGUE
    from fargate_private_templates.render import ordered_dict, render_yaml

    print(f"machine: {platform.processor() or platform.machine()}, {_cpu_model()}, Python {platform.python_version()}")
    render, floor = render_and_floor()
    print(f"floor (python -c 'import troposphere, awacs, yaml'): {floor * 1000:.0f} ms (median of {RUNS})")
    print(f"catalogue render (render --out <empty folder>): {render * 1000:.0f} ms (median of {RUNS})")
    print(f"render / floor: {render / floor:.2f}")
    for count in SERVICE_COUNTS:
        print(f"build + render, {count} service(s): {seconds_per_service(count) * 1000:.1f} ms per service")
    print(f"{'template':34} {'bytes':>7} {'chain':>5}  longest dependency chain")
    for entry in CATALOGUE:
        template = entry.build()
        chain = longest_chain(ordered_dict(template))
        size = len(render_yaml(template).encode())
        print(f"{entry.filename:34} {size:>7} {len(chain):>5}  {' -> '.join(chain)}")
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ({_cpus()} CPUs)"
    except OSError:
        pass
    return f"{_cpus()} CPUs"


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
