"""make bench: how long rendering takes against the floor, how building scales, and what the templates look like.

Prints, from one run:
- the catalogue render (`fargate-private-templates render` into an empty folder, a fresh process) against the floor:
  a fresh process that only imports troposphere, awacs and PyYAML; the median of several runs of each, and their
  ratio (the README's promise: at most 2.0). The ratio is taken on CPU time (user + system), which other work on
  a shared machine barely moves; wall time is printed beside it (on an idle machine the two agree);
- build + render time per service with 1, 10 and 50 services in one config;
- each catalogue template's size and its longest resource dependency chain (Ref, GetAtt, Sub and DependsOn): the
  number of resources CloudFormation must create one after another.

Not a test: timings depend on the machine, so they are printed, never asserted.
"""

from __future__ import annotations

import os
import platform
import resource
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
# The installed command, as the README runs it.
RENDER = [str(Path(sys.executable).with_name("fargate-private-templates")), "render", "--out"]


# Compiled bytecode, as after any normal install: the floor's libraries have theirs from pip, and a shell that
# sets PYTHONDONTWRITEBYTECODE would otherwise make the package recompile itself on every run.
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU time is the child's user + system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENVIRONMENT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def render_and_floor() -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of a catalogue render and of the floor, runs interleaved so load hits both alike."""
    with tempfile.TemporaryDirectory() as out:
        run([*RENDER, out])  # warm-up: writes the bytecode
    runs: dict[str, list[tuple[float, float]]] = {"render": [], "floor": []}
    for _ in range(RUNS):
        runs["floor"].append(run(FLOOR))
        with tempfile.TemporaryDirectory() as out:
            runs["render"].append(run([*RENDER, out]))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in runs.items()
    }


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
    times = render_and_floor()
    (render_wall, render_cpu), (floor_wall, floor_cpu) = times["render"], times["floor"]
    print(
        f"floor (python -c 'import troposphere, awacs, yaml'): {floor_cpu * 1000:.0f} ms CPU, "
        f"{floor_wall * 1000:.0f} ms wall"
    )
    print(
        f"catalogue render (fargate-private-templates render --out <empty folder>): {render_cpu * 1000:.0f} ms CPU, "
        f"{render_wall * 1000:.0f} ms wall"
    )
    print(
        f"render / floor: {render_cpu / floor_cpu:.2f} (CPU time), {render_wall / floor_wall:.2f} (wall time); "
        f"medians of {RUNS} runs each"
    )
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
