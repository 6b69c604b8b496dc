"""Listener rule priorities on a shared front door: unique, stable as services come and go, specific ones first."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import CERTIFICATE, ROOT, shared

from fargate_private_templates.cli import main
from fargate_private_templates.config.load_balancer import LoadBalancerOptions
from fargate_private_templates.config.priorities import (
    BAND_WIDTH,
    CERTIFICATES_PER_LOAD_BALANCER,
    PATH_ONLY,
    RULES_PER_LOAD_BALANCER,
    SLOTS,
    assign_priorities,
    band,
    computed_priority,
)
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render.loader import load_template


def test_more_specific_rules_get_lower_priorities() -> None:
    services = assign_priorities(
        [
            shared("wild", hosts=("*.example.com",)),
            shared("docs", paths=("/docs/*",)),
            shared("deep", paths=("/docs/v2/*",)),
            shared("web", hosts=("www.example.com",)),
            shared("api", hosts=("www.example.com",), paths=("/api/*",)),
            shared("wild-api", hosts=("*.example.com",), paths=("/api/*",)),
        ]
    )
    order = [s.name for s in sorted(services, key=lambda s: s.routing.priority)]
    assert order == ["api", "web", "wild-api", "deep", "docs", "wild"]
    assert [band(s.routing) for s in services] == [4, 3, 3, 1, 0, 2]


def test_priorities_are_stable_when_services_come_and_go() -> None:
    first = {
        s.name: s.routing.priority
        for s in assign_priorities([shared("a", paths=("/a/*",)), shared("b", hosts=("b.example.com",))])
    }
    more = assign_priorities(
        [shared("c", paths=("/c/*",)), shared("a", paths=("/a/*",)), shared("b", hosts=("b.example.com",))]
    )
    assert {s.name: s.routing.priority for s in more if s.name in first} == first
    fewer = assign_priorities([shared("b", hosts=("b.example.com",))])
    assert fewer[0].routing.priority == first["b"]


def test_duplicate_explicit_priorities_name_both_services() -> None:
    with pytest.raises(ConfigError, match="services 'one' and 'two' both take listener rule priority 10"):
        assign_priorities([shared("one", paths=("/a",), priority=10), shared("two", paths=("/b",), priority=10)])


def test_a_computed_priority_landing_on_an_explicit_one_is_refused() -> None:
    (computed,) = assign_priorities([shared("web", paths=("/web/*",))])
    taken = computed.routing.priority
    with pytest.raises(ConfigError, match=f"'pinned' and 'web' both take listener rule priority {taken}.*set routing"):
        assign_priorities([shared("web", paths=("/web/*",)), shared("pinned", paths=("/p",), priority=taken)])


def test_front_doors_are_counted_apart_and_quotas_named() -> None:
    many = [shared(f"s{i}", paths=(f"/s{i}/*",), priority=i + 1) for i in range(RULES_PER_LOAD_BALANCER + 1)]
    with pytest.raises(ConfigError, match="quota 'rules per Application Load Balancer' is 100"):
        assign_priorities(many)
    other = [dataclasses.replace(s, routing=dataclasses.replace(s.routing, front_door="other")) for s in many[:50]]
    assert len(assign_priorities(many[50:] + other)) == len(many)
    certificates = [
        dataclasses.replace(
            s,
            load_balancer=LoadBalancerOptions(
                kind="shared", certificate_arn=CERTIFICATE.replace("12345678-1234", f"{i:08d}-1234")
            ),
        )
        for i, s in enumerate(many[: CERTIFICATES_PER_LOAD_BALANCER + 1])
    ]
    with pytest.raises(ConfigError, match="quota 'certificates per Application Load Balancer' is 25"):
        assign_priorities(certificates)


def test_shared_alb_example_renders_one_load_balancer_and_distinct_priorities(tmp_path: Path, capsys) -> None:
    assert main(["render", "--config", str(ROOT / "examples" / "shared-alb.toml"), "--out", str(tmp_path)]) == 0
    templates = {p.name: load_template(p) for p in sorted(tmp_path.glob("*.yaml"))}
    balancers = [
        n for n, t in templates.items() for r in t["Resources"].values() if r["Type"].endswith("::LoadBalancer")
    ]
    assert balancers == ["ingress.yaml"]
    priorities = [
        t["Parameters"]["ListenerRulePriority"]["Default"] for n, t in templates.items() if n.startswith("service-")
    ]
    assert len(priorities) == 3 == len(set(priorities))
    assert main(["check", *map(str, sorted(tmp_path.glob("*.yaml")))]) == 0


def test_a_very_long_literal_path_takes_the_most_specific_step() -> None:
    path = "/" + "a" * 127
    service = ServiceConfig(
        name="web", load_balancer=LoadBalancerOptions(kind="shared"), routing=RoutingOptions(paths=(path,))
    )
    priority = computed_priority(service)
    base = 1 + PATH_ONLY * BAND_WIDTH
    # Step 0: the slot alone above the band's first priority.
    assert base <= priority < base + SLOTS
