"""E9020: listener rules on one listener, across the given templates, have distinct priorities."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, shared

from fargate_private_templates.checks import check_dicts
from fargate_private_templates.cli import main
from fargate_private_templates.layers import build_service
from fargate_private_templates.render import ordered_dict, render_yaml


def test_two_attached_services_with_one_priority_fail_the_check_naming_both(tmp_path: Path, capsys) -> None:
    for name, path in (("web", "/web/*"), ("shop", "/shop/*")):
        config = shared(name, paths=(path,), priority=100)
        (tmp_path / f"service-{name}.yaml").write_text(render_yaml(build_service(config)))
    files = [
        ROOT / "templates" / "network.yaml",
        ROOT / "templates" / "ingress-alb.yaml",
        *sorted(tmp_path.glob("*.yaml")),
    ]
    capsys.readouterr()
    assert main(["check", *map(str, files)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"service-shop\.yaml:\d+:\d+: ListenerRule: E9020 has priority 100 on a listener where ", out)
    assert "service-web.yaml:ListenerRule" in out.split("ListenerRule: E9020")[1]


def test_without_the_front_door_template_rules_on_the_same_imported_listener_still_clash() -> None:
    templates = {
        f"{name}.yaml": ordered_dict(build_service(shared(name, paths=(f"/{name}",), priority=5)))
        for name in ("a", "b")
    }
    clashes = [f for f in check_dicts(templates).findings if f.rule_id == "E9020"]
    assert {(f.template, f.rule_id) for f in clashes} == {("a.yaml", "E9020"), ("b.yaml", "E9020")}
    assert {f.message for f in clashes} == {
        f"has priority 5 on a listener where {other}.yaml:ListenerRule has it too: CloudFormation refuses the rule "
        "deployed second"
        for other in ("a", "b")
    }
    other = ordered_dict(build_service(shared("b", paths=("/b",), priority=5, front_door="another-front-door")))
    assert not [
        f for f in check_dicts({"a.yaml": templates["a.yaml"], "b.yaml": other}).findings if f.rule_id == "E9020"
    ]


def test_a_priority_that_cannot_be_resolved_is_a_warning() -> None:
    template = ordered_dict(build_service(shared("web", paths=("/web",))))
    assert "Default" not in template["Parameters"]["ListenerRulePriority"]
    findings = [f for f in check_dicts({"web.yaml": template}).findings if "priority" in f.message]
    assert [(f.rule_id, f.logical_id) for f in findings] == [("W9009", "ListenerRule")]
    assert findings[0].location == ("Resources", "ListenerRule", "Properties", "Priority")
    template["Resources"]["ListenerRule"]["Properties"]["Priority"] = "first"
    findings = [f for f in check_dicts({"web.yaml": template}).findings if "priority" in f.message]
    assert [f.message for f in findings] == [
        "cannot resolve the priority of this listener rule: 'first', not a whole number"
    ]
    template["Resources"]["ListenerRule"]["Properties"]["Priority"] = {"Ref": "ListenerRulePriority"}
    del template["Parameters"]
    findings = [f for f in check_dicts({"web.yaml": template}).findings if "priority" in f.message]
    assert [f.message for f in findings] == [
        "cannot resolve the priority of this listener rule: ListenerRulePriority, which web.yaml does not define"
    ]


def test_two_rules_of_one_template_with_one_priority_name_each_other_by_logical_id() -> None:
    template = ordered_dict(build_service(shared("web", paths=("/web",), priority=5)))
    template["Resources"]["SecondRule"] = template["Resources"]["ListenerRule"]
    clashes = [f for f in check_dicts({"web.yaml": template}).findings if f.rule_id == "E9020"]
    assert [(f.logical_id, f.message, f.location) for f in clashes] == [
        (
            own,
            f"has priority 5 on a listener where {other} has it too: CloudFormation refuses the rule deployed second",
            ("Resources", own, "Properties", "Priority"),
        )
        for own, other in (("ListenerRule", "SecondRule"), ("SecondRule", "ListenerRule"))
    ]
