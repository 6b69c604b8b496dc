"""The Guard Hook: it targets every resource type the shipped guard rules read."""

from __future__ import annotations

from conftest import GUARD_RULES as RULES
from conftest import TEMPLATES

from fargate_private_templates.layers.guard_hook import GUARDED_TYPES
from fargate_private_templates.render.loader import load_template


def test_the_hook_targets_every_type_the_rules_read() -> None:
    read = {t for t in GUARDED_TYPES if f"'{t}'" in RULES}
    assert read == set(GUARDED_TYPES) - {"AWS::EC2::SecurityGroup"}
    hook = load_template(TEMPLATES / "guard-hook.yaml")["Resources"]["GuardHook"]["Properties"]
    assert hook["TargetFilters"]["TargetNames"] == list(GUARDED_TYPES)
    assert hook["FailureMode"] == {"Ref": "FailureMode"}
    assert load_template(TEMPLATES / "guard-hook.yaml")["Parameters"]["FailureMode"]["Default"] == "FAIL"
