"""The Guard Hook: it targets every resource type the shipped guard rules read."""

from __future__ import annotations

from conftest import GUARD_RULES as RULES
from conftest import TEMPLATES

from fargate_private_templates.layers.guard_hook import GUARDED_TYPES, build_guard_hook
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import load_template


def test_the_hook_targets_every_type_the_rules_read() -> None:
    read = {t for t in GUARDED_TYPES if f"'{t}'" in RULES}
    assert read == set(GUARDED_TYPES) - {"AWS::EC2::SecurityGroup"}
    hook = load_template(TEMPLATES / "guard-hook.yaml")["Resources"]["GuardHook"]["Properties"]
    assert hook["TargetFilters"]["TargetNames"] == list(GUARDED_TYPES)
    assert hook["FailureMode"] == {"Ref": "FailureMode"}
    assert load_template(TEMPLATES / "guard-hook.yaml")["Parameters"]["FailureMode"]["Default"] == "FAIL"


def test_a_stack_level_hook_without_target_names_and_a_filtered_resource_level_hook() -> None:
    """The Hooks guide documents TargetNames only as resource type names; whether they filter STACK invocations is
    not documented, so the stack-level Hook carries no TargetNames at all."""
    template = ordered_dict(build_guard_hook())
    hooks = {name: r["Properties"] for name, r in template["Resources"].items() if r["Type"].endswith("GuardHook")}
    assert set(hooks) == {"StackGuardHook", "GuardHook"}
    stack, resource = hooks["StackGuardHook"], hooks["GuardHook"]
    assert stack["TargetOperations"] == ["STACK"]
    assert stack["TargetFilters"] == {"Actions": ["CREATE", "UPDATE"]}
    assert resource["TargetOperations"] == ["RESOURCE"]
    assert resource["TargetFilters"] == {"Actions": ["CREATE", "UPDATE"], "TargetNames": list(GUARDED_TYPES)}
    assert (stack["Alias"], resource["Alias"]) == ({"Ref": "StackHookAlias"}, {"Ref": "HookAlias"})
    for key in ("ExecutionRole", "FailureMode", "RuleLocation", "HookStatus"):
        assert stack[key] == resource[key], key
    parameters = template["Parameters"]
    assert parameters["StackHookAlias"]["Default"] != parameters["HookAlias"]["Default"]
    assert parameters["StackHookAlias"]["AllowedPattern"] == parameters["HookAlias"]["AllowedPattern"]
    assert list(template["Outputs"]) == ["GuardHookArn", "GuardHookExecutionRoleArn", "StackGuardHookArn"]
    assert template["Outputs"]["StackGuardHookArn"]["Value"] == {"Ref": "StackGuardHook"}
