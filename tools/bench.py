"""make bench: how long rendering and checking take, how both scale with the number of services, and what the
templates look like.

Prints, from one run:
- the catalogue render (`fargate-private-templates render` into an empty folder, a fresh process): the median of
  several runs, CPU time (user + system, which other work on a shared machine barely moves) and wall time;
- build + render time per service with 1, 10 and 100 services in one config;
- the checker's time per service for 10 and 100 services on one shared front door, and their ratio (it should stay
  near 1: the checker indexes what it looks up, so a service costs the same however many others there are);
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

from fargate_private_templates import (
    CATALOGUE,
    FrontDoorConfig,
    LoadBalancerOptions,
    NetworkConfig,
    RoutingOptions,
    ServiceConfig,
    build_stacks,
    check_dicts,
    render_yaml,
)
from fargate_private_templates.render import ordered_dict

RUNS = 7
SERVICE_COUNTS = (1, 10, 100)
CHECKED_SERVICE_COUNTS = (10, 100)
# The installed command, as the README runs it.
RENDER = [str(Path(sys.executable).with_name("fargate-private-templates")), "render", "--out"]


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU time is the child's user + system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def catalogue_render() -> tuple[float, float]:
    """Median (wall, CPU) seconds of a catalogue render into an empty folder."""
    with tempfile.TemporaryDirectory() as out:
        run([*RENDER, out])  # warm-up: writes the bytecode
    runs = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as out:
            runs.append(run([*RENDER, out]))
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def seconds_per_service(count: int) -> float:
    services = [ServiceConfig(name=f"service{n}") for n in range(count)]
    start = time.perf_counter()
    for template in build_stacks(NetworkConfig(), services).values():
        render_yaml(template)
    return (time.perf_counter() - start) / count


def front_door_templates(count: int) -> dict[str, dict]:
    """A network, a front door and ``count`` services on it, one host each, priorities set by hand."""
    services = [
        ServiceConfig(
            name=f"svc{n:03d}",
            load_balancer=LoadBalancerOptions(kind="shared"),
            routing=RoutingOptions(hosts=(f"svc{n:03d}.example.com",), priority=n + 1),
        )
        for n in range(count)
    ]
    stacks = build_stacks(NetworkConfig(), services, FrontDoorConfig())
    return {name: ordered_dict(template) for name, template in stacks.items()}


def checker_seconds_per_service(count: int) -> float:
    """The best of a few runs of the checker over a front door with ``count`` services, per service."""
    templates = front_door_templates(count)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        report = check_dicts(templates)
        times.append(time.perf_counter() - start)
    if report.errors:
        raise SystemExit(f"the checker found errors in the bench's own front door: {report.summary()}")
    return min(times) / count


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
    print(f"machine: {platform.processor() or platform.machine()}, {_cpu_model()}, Python {platform.python_version()}")
    wall, cpu = catalogue_render()
    print(
        f"catalogue render ({len(CATALOGUE)} templates, `fargate-private-templates render --out <empty folder>`): "
        f"{cpu * 1000:.0f} ms CPU, {wall * 1000:.0f} ms wall; medians of {RUNS} runs"
    )
    for count in SERVICE_COUNTS:
        print(f"build + render, {count} service(s): {seconds_per_service(count) * 1000:.1f} ms per service")
    checked = {count: checker_seconds_per_service(count) for count in CHECKED_SERVICE_COUNTS}
    for count, seconds in checked.items():
        print(f"check, {count} services on one front door: {seconds * 1000:.2f} ms per service")
    low, high = CHECKED_SERVICE_COUNTS
    print(f"check, per service at {high} / per service at {low}: {checked[high] / checked[low]:.2f}")
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
