"""Listener rule priorities on a shared front door: unique, kept as services come and go, specific ones first."""

from __future__ import annotations

import dataclasses
import zlib
from pathlib import Path

import pytest
from conftest import CERTIFICATE, EXAMPLES, example_copy, shared

from fargate_private_templates.cli import main
from fargate_private_templates.config.deployment import DeploymentOptions
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
    has_test_rule,
    priority_lock,
    specificity,
)
from fargate_private_templates.config.priority_lock import LockedRule, PriorityLock
from fargate_private_templates.config.routing import RoutingOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.errors import ConfigError
from fargate_private_templates.render.loader import load_template

FRONT_DOOR = "fargate-ingress"


def _priorities(services: list[ServiceConfig]) -> dict[str, int | None]:
    return {s.name: s.routing.priority for s in services}


def _tested(service: ServiceConfig, test_priority: int | None = None) -> ServiceConfig:
    """The service rolled out blue/green with a test rule for requests carrying X-Release: green."""
    deployment = DeploymentOptions(strategy="blue_green", test_header_name="X-Release", test_priority=test_priority)
    return dataclasses.replace(service, deployment=deployment)


def _lock(**rules: LockedRule) -> PriorityLock:
    return PriorityLock({FRONT_DOOR: rules})


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


def test_without_a_lock_a_service_keeps_the_priority_its_name_and_routing_give() -> None:
    services = [shared("a", paths=("/a/*",)), shared("b", hosts=("b.example.com",))]
    assert _priorities(assign_priorities(services)) == {s.name: computed_priority(s) for s in services}
    rank, step = specificity(services[0].routing)
    slot = zlib.crc32(b"a") % SLOTS
    assert (
        computed_priority(services[0])
        == 1 + rank * BAND_WIDTH + step * SLOTS + slot
        == 1 + 3 * BAND_WIDTH + 96 * 100 + slot
    )


def test_forty_services_of_equal_specificity_get_distinct_priorities_where_the_hash_collides() -> None:
    services = [shared(f"svc{i:03d}", hosts=(f"svc{i:03d}.example.com",)) for i in range(40)]
    by_name = {s.name: s for s in services}
    # The measured collision of issue 22: the hash gives these two the same priority, and render refused.
    assert computed_priority(by_name["svc003"]) == computed_priority(by_name["svc017"])
    assigned = _priorities(assign_priorities(services))
    assert len(set(assigned.values())) == 40
    moved = {name: priority - computed_priority(by_name[name]) for name, priority in assigned.items()}
    moved = {name: offset for name, offset in moved.items() if offset}
    assert "svc003" not in moved and "svc017" in moved
    assert all(abs(offset) <= 3 for offset in moved.values()), moved


def _same_slot_as(name: str) -> str:
    """Another service name, sorting before ``name``, whose hash slot is ``name``'s."""
    slot = zlib.crc32(name.encode()) % SLOTS
    return next(f"a{i}" for i in range(1000) if zlib.crc32(f"a{i}".encode()) % SLOTS == slot)


def test_with_the_lock_adding_or_removing_a_service_moves_no_other_rule() -> None:
    unassigned = [shared("m", paths=("/m/*",)), shared("b", hosts=("b.example.com",))]
    first = assign_priorities(unassigned)
    lock = priority_lock(first)
    # The newcomer hashes onto m's priority and sorts first: without the lock it would take it and "m" would move.
    newcomer = shared(_same_slot_as("m"), paths=("/c/*",))
    assert computed_priority(newcomer) == first[0].routing.priority
    unlocked = _priorities(assign_priorities([unassigned[0], newcomer]))
    assert unlocked[newcomer.name] == first[0].routing.priority != unlocked["m"]
    grown = _priorities(assign_priorities([newcomer, *unassigned], lock))
    assert (grown["m"], grown["b"]) == (first[0].routing.priority, first[1].routing.priority)
    assert grown[newcomer.name] == first[0].routing.priority - 1
    fewer = assign_priorities(unassigned[1:], lock)
    assert fewer[0].routing.priority == first[1].routing.priority
    elsewhere = PriorityLock({"other-ingress": lock.on(FRONT_DOOR)})
    assert _priorities(assign_priorities([unassigned[0], newcomer], elsewhere)) == unlocked


def test_a_locked_priority_outside_the_hash_is_kept() -> None:
    (service,) = assign_priorities([shared("a", paths=("/a/*",))], _lock(a=LockedRule(7, paths=("/a/*",))))
    assert service.routing.priority == 7


def test_duplicate_explicit_priorities_name_both_services() -> None:
    with pytest.raises(ConfigError) as caught:
        assign_priorities([shared("one", paths=("/a",), priority=10), shared("two", paths=("/b",), priority=10)])
    assert str(caught.value) == (
        "routing.priority: services 'one' and 'two' both take listener rule priority 10 on front door "
        "'fargate-ingress'; give them different priorities"
    )


def test_a_computed_priority_landing_on_an_explicit_one_moves_to_the_nearest_free_one() -> None:
    (computed,) = assign_priorities([shared("web", paths=("/web/*",))])
    taken = computed.routing.priority
    services = assign_priorities(
        [
            shared("web", paths=("/web/*",)),
            shared("pinned", paths=("/p",), priority=taken),
            shared("x", priority=taken - 1, paths=("/x",)),
        ]
    )
    assert _priorities(services) == {"web": taken + 1, "pinned": taken, "x": taken - 1}


def test_a_rule_goes_before_a_less_specific_one_it_shares_requests_with() -> None:
    # "api" is broad and pinned at 5; "v1" is narrower and would hash to ~39,000, where "api" would swallow it.
    services = assign_priorities([shared("api", paths=("/api/*",), priority=5), shared("v1", paths=("/api/v1/*",))])
    assert _priorities(services) == {"api": 5, "v1": 4}
    # A rule it cannot share a request with does not bound it.
    services = assign_priorities([shared("api", paths=("/api/*",), priority=5), shared("v1", paths=("/docs/v1/*",))])
    assert _priorities(services)["v1"] == computed_priority(shared("v1", paths=("/docs/v1/*",)))


def test_a_rule_goes_after_a_more_specific_one_it_shares_requests_with() -> None:
    pinned = shared("v1", paths=("/api/v1/*",), priority=45_000)
    services = assign_priorities([pinned, shared("api", paths=("/api/*",))])
    assert _priorities(services) == {"v1": 45_000, "api": 45_001}


def test_a_rule_with_no_room_between_the_rules_it_must_follow_and_precede_is_refused() -> None:
    services = [
        shared("v1", paths=("/api/v1/*",), priority=10),
        shared("api", paths=("/api/*",), priority=11),
        shared("v1x", paths=("/api/v1*",)),
    ]
    with pytest.raises(ConfigError) as caught:
        assign_priorities(services)
    assert str(caught.value) == (
        "routing.priority: no free listener rule priority for 'v1x' on front door 'fargate-ingress': it must come "
        "after 'v1' (10) and before 'api' (11), rules that can match the same requests; set routing.priority on it "
        "or them to make room"
    )
    with pytest.raises(ConfigError, match="it must come after 'v1' \\(50000\\), rules that"):
        assign_priorities([shared("v1", paths=("/api/v1/*",), priority=50_000), shared("api", paths=("/api/*",))])
    with pytest.raises(ConfigError, match="it must come before 'api' \\(1\\), rules that"):
        assign_priorities([shared("api", paths=("/api/*",), priority=1), shared("v1", paths=("/api/v1/*",))])


def test_a_test_rule_goes_just_before_its_service_and_is_locked_with_it() -> None:
    (service,) = assign_priorities([_tested(shared("api", hosts=("api.example.com",)))])
    assert has_test_rule(service) and service.deployment.test_priority == service.routing.priority - 1
    lock = priority_lock([service])
    assert lock.on(FRONT_DOOR)["api"] == LockedRule(
        service.routing.priority, service.deployment.test_priority, ("api.example.com",)
    )
    with pytest.raises(
        ConfigError, match="no free listener rule priority for 'api' \\(test rule\\).*before 'api' \\(1\\)"
    ):
        assign_priorities([_tested(shared("api", hosts=("api.example.com",), priority=1))])


def test_a_rolling_service_has_no_test_rule() -> None:
    rolling = shared("web", hosts=("www.example.com",))
    canary = dataclasses.replace(rolling, deployment=DeploymentOptions(strategy="canary"))
    assert not has_test_rule(rolling) and not has_test_rule(canary)
    (service,) = assign_priorities([canary])
    assert (
        service.deployment.test_priority is None
        and priority_lock([service]).on(FRONT_DOOR)["web"].test_priority is None
    )


def test_the_lock_holds_only_shared_services_with_priorities() -> None:
    services = [ServiceConfig(name="own"), shared("web", hosts=("b.example.com", "a.example.com"), paths=("/z", "/y"))]
    assert priority_lock(services) == PriorityLock()
    lock = priority_lock(assign_priorities(services))
    assert list(lock.front_doors) == [FRONT_DOOR] and list(lock.on(FRONT_DOOR)) == ["web"]
    assert lock.on(FRONT_DOOR)["web"].hosts == ("a.example.com", "b.example.com")
    assert lock.on(FRONT_DOOR)["web"].paths == ("/y", "/z")


def test_an_explicit_priority_on_a_locked_one_is_refused_naming_both() -> None:
    lock = _lock(a=LockedRule(500, hosts=("a.example.com",)))
    services = [shared("a", hosts=("a.example.com",)), shared("b", hosts=("b.example.com",), priority=500)]
    with pytest.raises(ConfigError) as caught:
        assign_priorities(services, lock)
    assert str(caught.value) == (
        "routing.priority: 'b' takes listener rule priority 500 on front door 'fargate-ingress', which the lock file "
        "keeps for 'a'; give 'b' another routing.priority, or none to have one assigned"
    )


@pytest.mark.parametrize(
    "changed",
    [{"hosts": ("a2.example.com",)}, {"paths": ("/a/*",)}],
    ids=["hosts", "paths"],
)
def test_a_service_whose_routing_changed_may_move_off_its_locked_priority(changed: dict) -> None:
    lock = _lock(a=LockedRule(500, hosts=("a.example.com",)))
    a = shared("a", **{"hosts": ("a.example.com",), **changed})
    (moved, _) = assign_priorities([a, shared("b", hosts=("b.example.com",), priority=500)], lock)
    assert moved.routing.priority == computed_priority(a)
    (kept,) = assign_priorities([a], lock)
    assert kept.routing.priority == 500


def test_an_explicit_priority_other_than_the_locked_one_frees_the_locked_test_rule() -> None:
    lock = _lock(a=LockedRule(100, 99, ("a.example.com",)))
    others = [shared("c", hosts=("c.example.com",), priority=99)]
    a = _tested(shared("a", hosts=("a.example.com",), priority=300))
    (assigned, _) = assign_priorities([a, *others], lock)
    assert (assigned.routing.priority, assigned.deployment.test_priority) == (300, 299)
    same = _tested(shared("a", hosts=("a.example.com",), priority=100))
    with pytest.raises(ConfigError, match="'c' takes listener rule priority 99 .* keeps for 'a' \\(test rule\\)"):
        assign_priorities([same, *others], lock)


def test_an_explicit_test_priority_other_than_the_locked_one_frees_the_locked_rule() -> None:
    lock = _lock(a=LockedRule(100, 99, ("a.example.com",)))
    others = [shared("c", hosts=("c.example.com",), priority=100)]
    a = _tested(shared("a", hosts=("a.example.com",)), test_priority=50)
    (assigned, _) = assign_priorities([a, *others], lock)
    assert (assigned.routing.priority, assigned.deployment.test_priority) == (computed_priority(a), 50)
    same = _tested(shared("a", hosts=("a.example.com",)), test_priority=99)
    with pytest.raises(ConfigError, match="'c' takes listener rule priority 100 .* keeps for 'a'; give 'c'"):
        assign_priorities([same, *others], lock)


def test_a_new_test_rule_of_a_locked_service_goes_below_its_kept_rule() -> None:
    lock = _lock(a=LockedRule(100, hosts=("a.example.com",)))
    (assigned,) = assign_priorities([_tested(shared("a", hosts=("a.example.com",)))], lock)
    assert (assigned.routing.priority, assigned.deployment.test_priority) == (100, 99)


def test_two_services_holding_one_priority_in_the_lock_are_refused() -> None:
    lock = _lock(a=LockedRule(100, hosts=("a.example.com",)), b=LockedRule(100, hosts=("b.example.com",)))
    with pytest.raises(ConfigError) as caught:
        assign_priorities([shared("a", hosts=("a.example.com",)), shared("b", hosts=("b.example.com",))], lock)
    assert str(caught.value) == (
        "lock file: services 'a' and 'b' both hold listener rule priority 100 on front door 'fargate-ingress'; "
        "correct the file or delete their entries"
    )


def test_a_kept_priority_in_the_wrong_order_against_an_explicit_one_is_refused_saying_which_way() -> None:
    broad = shared("api", paths=("/api/*",))
    narrow = shared("v1", paths=("/api/v1/*",))
    with pytest.raises(ConfigError) as caught:
        assign_priorities(
            [broad, dataclasses.replace(narrow, routing=RoutingOptions(paths=("/api/v1/*",), priority=600))],
            _lock(api=LockedRule(500, paths=("/api/*",))),
        )
    assert str(caught.value) == (
        "routing.priority: 'v1' (600) and 'api' (500) can match the same request on front door 'fargate-ingress', "
        "and 'v1', the more specific, must come first; the lock file keeps 'api' at 500: give 'v1' a "
        "routing.priority below 500, or none to have one assigned"
    )
    with pytest.raises(ConfigError) as caught:
        assign_priorities(
            [dataclasses.replace(broad, routing=RoutingOptions(paths=("/api/*",), priority=400)), narrow],
            _lock(v1=LockedRule(500, paths=("/api/v1/*",))),
        )
    assert str(caught.value) == (
        "routing.priority: 'v1' (500) and 'api' (400) can match the same request on front door 'fargate-ingress', "
        "and 'v1', the more specific, must come first; the lock file keeps 'v1' at 500: give 'api' a "
        "routing.priority above 500, or none to have one assigned"
    )


@pytest.mark.parametrize("reverse", [False, True])
def test_kept_priorities_in_the_wrong_order_against_each_other_are_refused(reverse: bool) -> None:
    lock = _lock(api=LockedRule(400, paths=("/api/*",)), v1=LockedRule(500, paths=("/api/v1/*",)))
    services = [shared("api", paths=("/api/*",)), shared("v1", paths=("/api/v1/*",))]
    with pytest.raises(ConfigError) as caught:
        assign_priorities(services[::-1] if reverse else services, lock)
    assert str(caught.value) == (
        "lock file: 'v1' (500) and 'api' (400) can match the same request on front door 'fargate-ingress', and "
        "'v1', the more specific, must come first; correct the file or delete their entries"
    )


def test_explicit_priorities_keep_the_order_they_are_given() -> None:
    services = [shared("api", paths=("/api/*",), priority=1), shared("v1", paths=("/api/v1/*",), priority=2)]
    assert _priorities(assign_priorities(services)) == {"api": 1, "v1": 2}


@pytest.mark.parametrize(
    ("first", "second", "answers"),
    [
        (
            {"hosts": ("www.example.com",), "paths": ("/api/*",)},
            {"hosts": ("WWW.example.com",), "paths": ("/api/*",)},
            "host 'WWW.example.com' and path '/api/*'",
        ),
        (
            {"hosts": ("www.example.com",)},
            {"hosts": ("b.example.com", "www.example.com")},
            "host 'www.example.com' and any path",
        ),
        ({"paths": ("/a", "/b")}, {"paths": ("/b",)}, "any host and path '/b'"),
    ],
)
def test_two_services_answering_the_same_host_and_path_are_refused_naming_both(
    first: dict, second: dict, answers: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        assign_priorities([shared("c", hosts=("c.example.com",)), shared("a", **first), shared("b", **second)])
    assert str(caught.value) == (
        f"routing: services 'a' and 'b' both answer {answers} on front door 'fargate-ingress'; the ALB sends those "
        "requests to the rule it evaluates first, so the other never receives them: give one of them another host "
        "or path"
    )
    apart = shared("b", **second, front_door="other-ingress")
    assert len(assign_priorities([shared("a", **first), apart])) == 2


def test_front_doors_are_counted_apart_and_quotas_named() -> None:
    many = [shared(f"s{i}", paths=(f"/s{i}/*",), priority=i + 1) for i in range(RULES_PER_LOAD_BALANCER + 1)]
    with pytest.raises(ConfigError) as caught:
        assign_priorities(many)
    assert str(caught.value) == (
        "load_balancer.kind: 101 listener rules (101 services, 0 test rules) on front door 'fargate-ingress'; the "
        "ALB quota 'rules per Application Load Balancer' is 100 by default"
    )
    other = [dataclasses.replace(s, routing=dataclasses.replace(s.routing, front_door="other")) for s in many[:50]]
    assert len(assign_priorities(many[50:] + other)) == len(many)
    tested = [_tested(shared(f"t{i}", paths=(f"/t{i}/*",))) for i in range(2)]
    with pytest.raises(ConfigError, match="^load_balancer.kind: 101 listener rules \\(99 services, 2 test rules\\)"):
        assign_priorities([*tested, *many[:97]])
    assert len(assign_priorities([*tested[:1], *many[:98]])) == 99
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
    config = example_copy(tmp_path, EXAMPLES / "shared-alb.toml")
    assert main(["render", "--config", str(config), "--out", str(tmp_path / "out")]) == 0
    templates = {p.name: load_template(p) for p in sorted((tmp_path / "out").glob("*.yaml"))}
    balancers = [
        n for n, t in templates.items() for r in t["Resources"].values() if r["Type"].endswith("::LoadBalancer")
    ]
    assert balancers == ["ingress.yaml"]
    priorities = [
        t["Parameters"]["ListenerRulePriority"]["Default"] for n, t in templates.items() if n.startswith("service-")
    ]
    assert len(priorities) == 3 == len(set(priorities))
    assert main(["check", *map(str, sorted((tmp_path / "out").glob("*.yaml")))]) == 0


def test_a_very_long_literal_path_takes_the_most_specific_step() -> None:
    path = "/" + "a" * 127
    service = ServiceConfig(
        name="web", load_balancer=LoadBalancerOptions(kind="shared"), routing=RoutingOptions(paths=(path,))
    )
    priority = computed_priority(service)
    base = 1 + PATH_ONLY * BAND_WIDTH
    # Step 0: the slot alone above the band's first priority.
    assert base <= priority < base + SLOTS
