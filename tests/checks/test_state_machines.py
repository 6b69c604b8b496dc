"""Step Functions state machines: their ecs:runTask states are launchers, read from every form a definition takes, and
what is read only at run time (or kept in S3) is a warning, never a pass."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from conftest import finding_ids as ids

from fargate_private_templates.checks import check_dicts, check_templates
from fargate_private_templates.checks.state_machines import _Text, read_definition, task_states
from fargate_private_templates.render.loader import load_template

LAUNCHERS = FIXTURES / "launchers"
NETWORK = LAUNCHERS / "network.yaml"
PRIVATE, PUBLIC = "state-machine-private.yaml", "state-machine-public.yaml"
PRIVATE_PATHS = [
    f"PrivateSubnet{n} -> PrivateRouteTable -> NatGateway (in PublicSubnet1) -> InternetGateway" for n in (1, 2)
]


def pair(name: str) -> dict[str, dict]:
    return {"network.yaml": load_template(NETWORK), name: copy.deepcopy(load_template(LAUNCHERS / name))}


def definition_string(templates: dict[str, dict]) -> list:
    """The [body, variables] of the private fixture's DefinitionString."""
    return templates[PRIVATE]["Resources"]["ReportStateMachine"]["Properties"]["DefinitionString"]["Fn::Sub"]


def test_a_state_machine_running_tasks_with_public_ips_in_public_subnets_fails_naming_it() -> None:
    report = check_templates([NETWORK, LAUNCHERS / PUBLIC])
    assert (
        ids(report) == [(PUBLIC, "ThumbnailStateMachine", "E9001")] + [(PUBLIC, "ThumbnailStateMachine", "E9002")] * 2
    )
    assert report.findings[0].message == (
        "state Each image > Make thumbnail: AssignPublicIp is ENABLED: its tasks get public IPs"
    )
    assert report.exit_code == 1
    assert report.summary().startswith("1 state machine: 0 proven private, 1 not proven; 2 subnets checked")


def test_the_same_in_private_subnets_behind_nat_passes_with_a_path_for_each_subnet() -> None:
    report = check_templates([NETWORK, LAUNCHERS / PRIVATE])
    assert report.findings == [] and report.exit_code == 0
    assert [p.text for p in report.paths] == PRIVATE_PATHS
    assert report.summary() == (
        "1 state machine: 1 proven private, 0 not proven; 2 subnets checked: 0 errors, 0 warnings"
    )


def test_findings_point_into_the_definition_or_at_the_definition_string() -> None:
    public = check_templates([NETWORK, LAUNCHERS / PUBLIC]).findings[0]
    assert public.location[:9] == (
        "Resources",
        "ThumbnailStateMachine",
        "Properties",
        "Definition",
        "States",
        "Each image",
        "ItemProcessor",
        "States",
        "Make thumbnail",
    )
    assert public.location[9:] == ("Parameters", "NetworkConfiguration", "AwsvpcConfiguration", "AssignPublicIp")
    templates = pair(PRIVATE)
    body = definition_string(templates)
    body[0] = body[0].replace('"DISABLED"', '"ENABLED"')
    (finding,) = check_dicts(templates).findings
    assert finding.location == ("Resources", "ReportStateMachine", "Properties", "DefinitionString")


def public_private(templates: dict[str, dict], text: str) -> dict[str, dict]:
    """The private fixture's definition body replaced by ``text`` (its Fn::Sub variables kept)."""
    definition_string(templates)[0] = text
    return templates


@pytest.mark.parametrize(
    "definition",
    [
        # Fn::Sub of a string alone: its own placeholders are the template's, ${!Name} leaves one to the
        # DefinitionSubstitutions.
        lambda body, variables: (
            {"Fn::Sub": body.replace("${SubnetA}", "${!SubnetA}").replace("${SubnetB}", "${!SubnetB}")},
            {"SubnetA": variables["SubnetA"], "SubnetB": variables["SubnetB"]},
        ),
        # A literal string, placeholders filled from DefinitionSubstitutions only.
        lambda body, variables: (body.replace("${AWS::Partition}", "aws"), variables),
        # Fn::Join of pieces, the subnets Fn::ImportValue items between them.
        lambda body, variables: (
            {
                "Fn::Join": [
                    "",
                    [
                        body.split('"${SubnetA}"')[0].replace("${AWS::Partition}", "aws"),
                        '"',
                        variables["SubnetA"],
                        '", "',
                        variables["SubnetB"],
                        '"',
                        body.split('"${SubnetB}"')[1].replace("${AWS::Partition}", "aws"),
                    ],
                ]
            },
            {key: value for key, value in variables.items() if not key.startswith("Subnet")},
        ),
        # Fn::Join of a Fn::Sub piece: read as text, placeholders and all, not as one value.
        lambda body, variables: ({"Fn::Join": ["", [{"Fn::Sub": [body, variables]}]]}, {}),
    ],
    ids=["sub-string", "literal-string", "join", "join-of-sub"],
)
def test_every_form_of_definition_string_is_read(definition) -> None:
    templates = pair(PRIVATE)
    body, variables = definition_string(templates)
    substitutions = {
        "Cluster.Arn": {"Fn::GetAtt": ["Cluster", "Arn"]},
        "TaskDefinition": {"Ref": "TaskDefinition"},
        "TaskSecurityGroup": {"Ref": "TaskSecurityGroup"},
        **variables,
    }
    properties = templates[PRIVATE]["Resources"]["ReportStateMachine"]["Properties"]
    properties["DefinitionString"], properties["DefinitionSubstitutions"] = definition(body, substitutions)
    report = check_dicts(templates)
    assert report.findings == []
    assert [p.text for p in report.paths] == PRIVATE_PATHS
    text = json.dumps(templates[PRIVATE]).replace("PrivateSubnet", "PublicSubnet").replace("DISABLED", "ENABLED")
    public = {**templates, PRIVATE: json.loads(text)}
    assert [f.rule_id for f in check_dicts(public).findings] == ["E9001", "E9002", "E9002"]


def test_an_escaped_placeholder_is_left_to_the_definition_substitutions() -> None:
    templates = pair(PRIVATE)
    body, variables = definition_string(templates)
    definition_string(templates)[0] = body.replace("${SubnetB}", "${!Second}")
    properties = templates[PRIVATE]["Resources"]["ReportStateMachine"]["Properties"]
    properties["DefinitionSubstitutions"] = {"Second": variables["SubnetB"]}
    assert [p.subnet for p in check_dicts(templates).paths] == ["PrivateSubnet1", "PrivateSubnet2"]


def test_a_yaml_definition_with_substitutions_in_a_parallel_branch_is_read() -> None:
    templates = pair(PUBLIC)
    definition = templates[PUBLIC]["Resources"]["ThumbnailStateMachine"]["Properties"]["Definition"]
    inner = definition["States"]["Each image"]["ItemProcessor"]
    definition["States"] = {"Both": {"Type": "Parallel", "Branches": [inner, copy.deepcopy(inner)], "End": True}}
    inner["States"]["Make thumbnail"]["Parameters"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = (
        "DISABLED"
    )
    report = check_dicts(templates)
    messages = [f.message for f in report.findings if f.rule_id == "E9001"]
    assert messages == ["state Both > Make thumbnail: AssignPublicIp is ENABLED: its tasks get public IPs"]
    # Two states in one state machine: one launcher.
    assert report.summary().startswith("1 state machine: 0 proven private, 1 not proven")


def test_a_legacy_map_iterator_and_the_aws_sdk_integration_are_read() -> None:
    templates = pair(PUBLIC)
    state = templates[PUBLIC]["Resources"]["ThumbnailStateMachine"]["Properties"]["Definition"]["States"]["Each image"]
    state["Iterator"] = state.pop("ItemProcessor")
    state["Iterator"]["States"]["Make thumbnail"]["Resource"] = "arn:aws:states:::aws-sdk:ecs:runTask"
    assert [f.rule_id for f in check_dicts(templates).findings] == ["E9001", "E9002", "E9002"]


def test_a_state_that_runs_no_task_is_no_launcher() -> None:
    templates = pair(PUBLIC)
    definition = templates[PUBLIC]["Resources"]["ThumbnailStateMachine"]["Properties"]["Definition"]
    definition["States"]["Each image"]["ItemProcessor"]["States"]["Make thumbnail"]["Resource"] = (
        "arn:aws:states:::lambda:invoke"
    )
    report = check_dicts(templates)
    assert report.findings == [] and report.launchers == []


RUN_TIME = {
    "a JSONPath path": (
        ("Parameters", "NetworkConfiguration", "AwsvpcConfiguration"),
        {"Subnets.$": "$.subnets", "AssignPublicIp": "DISABLED"},
        "cannot resolve a subnet of its tasks: Subnets.$ '$.subnets', a path the state reads at run time",
    ),
    "a JSONPath network configuration": (
        ("Parameters",),
        {"LaunchType": "FARGATE", "NetworkConfiguration.$": "$.network"},
        "cannot read NetworkConfiguration: NetworkConfiguration.$ '$.network', a path the state reads at run time; "
        "AssignPublicIp is not proven DISABLED",
    ),
    "parameters that are not an object": (
        ("Parameters",),
        ["not", "an", "object"],
        "cannot read NetworkConfiguration: the Parameters of state Each image > Make thumbnail, not an object; "
        "AssignPublicIp is not proven DISABLED",
    ),
}


@pytest.mark.parametrize("case", sorted(RUN_TIME))
def test_what_a_state_reads_at_run_time_is_a_warning_and_leaves_it_unproven(case: str) -> None:
    where, value, message = RUN_TIME[case]
    templates = pair(PUBLIC)
    state = templates[PUBLIC]["Resources"]["ThumbnailStateMachine"]["Properties"]["Definition"]["States"]["Each image"]
    node = state["ItemProcessor"]["States"]["Make thumbnail"]
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    report = check_dicts(templates)
    assert [f.rule_id for f in report.findings] == ["E9017", "W9009", "W9016"]
    assert report.findings[1].message == f"state Each image > Make thumbnail: {message}"
    assert report.exit_code == 1


def jsonata(arguments: object) -> dict[str, dict]:
    templates = pair(PUBLIC)
    definition = templates[PUBLIC]["Resources"]["ThumbnailStateMachine"]["Properties"]["Definition"]
    definition["QueryLanguage"] = "JSONata"
    state = definition["States"]["Each image"]["ItemProcessor"]["States"]["Make thumbnail"]
    state["Arguments"] = arguments if arguments is not None else state.pop("Parameters")
    state.pop("Parameters", None)
    return templates


def test_jsonata_arguments_are_read_and_their_expressions_are_not() -> None:
    templates = jsonata(None)
    assert [f.rule_id for f in check_dicts(templates).findings] == ["E9001", "E9002", "E9002"]
    state = templates[PUBLIC]["Resources"]["ThumbnailStateMachine"]["Properties"]["Definition"]
    arguments = state["States"]["Each image"]["ItemProcessor"]["States"]["Make thumbnail"]["Arguments"]
    arguments["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = "{% $states.input.publicIp %}"
    arguments["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"] = ["${SubnetA}"]
    findings = check_dicts(templates).findings
    assert [f.rule_id for f in findings] == ["E9002", "W9009"]
    assert findings[1].message == (
        "state Each image > Make thumbnail: cannot read AssignPublicIp: {% $states.input.publicIp %}, a JSONata "
        "expression the state evaluates at run time"
    )
    # A JSONPath state (the default) takes the same text literally: not an expression.
    state["QueryLanguage"] = "JSONPath"
    arguments_state = state["States"]["Each image"]["ItemProcessor"]["States"]["Make thumbnail"]
    arguments_state["Parameters"] = arguments_state.pop("Arguments")
    assert "E9001" in [f.rule_id for f in check_dicts(templates).findings]


def test_jsonata_arguments_built_whole_at_run_time_are_a_warning() -> None:
    report = check_dicts(jsonata("{% $states.input.request %}"))
    assert [f.rule_id for f in report.findings] == ["E9017", "W9009", "W9016"]
    assert report.findings[1].message == (
        "state Each image > Make thumbnail: cannot read NetworkConfiguration: the Arguments of state Each image > "
        "Make thumbnail, {% $states.input.request %}, a JSONata expression the state evaluates at run time; "
        "AssignPublicIp is not proven DISABLED"
    )


UNREADABLE = {
    "DefinitionS3Location": ({"Bucket": "b", "Key": "k.asl.json"}, "its definition is in S3 (DefinitionS3Location)"),
    "DefinitionUri": ("statemachine/flow.asl.json", "its definition is in a file (DefinitionUri)"),
    "DefinitionString": ({"Ref": "Definition"}, "its DefinitionString is not a string, a Fn::Sub or a Fn::Join of"),
    "Broken": ("{not json", "its DefinitionString is not JSON (Expecting property name"),
    "Deep": ("[" * 100_000 + "]" * 100_000, "its definition is nested too deeply"),
    "None": (None, "it has no Definition or DefinitionString"),
    "Join of a list function": ({"Fn::Join": ["", {"Ref": "Pieces"}]}, "its DefinitionString is not a string, a"),
    "Join by a variable": ({"Fn::Join": [{"Ref": "Comma"}, ["{}"]]}, "its DefinitionString is not a string, a Fn::Sub"),
    "Sub malformed": ({"Fn::Sub": [1, 2]}, "its DefinitionString is not a string, a Fn::Sub or a Fn::Join of"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_a_definition_that_cannot_be_read_is_a_warning(case: str) -> None:
    value, reason = UNREADABLE[case]
    templates = pair(PRIVATE)
    properties = templates[PRIVATE]["Resources"]["ReportStateMachine"]["Properties"]
    del properties["DefinitionString"]
    key = case if case in ("DefinitionS3Location", "DefinitionUri", "None") else "DefinitionString"
    if value is not None:
        properties[key] = value
    (finding,) = check_dicts(templates).findings
    assert (finding.logical_id, finding.rule_id) == ("ReportStateMachine", "W9009")
    assert finding.message.startswith(f"cannot read the state machine: {reason}")
    assert finding.message.endswith("; the ECS tasks it may run are not checked")


def test_a_definition_string_nested_too_deeply_for_the_reader_is_a_warning() -> None:
    # Deep enough that reading the parsed JSON, not parsing it, runs out of stack; the loader's bound on nesting
    # does not reach into a string.
    parameters = '{"a": ' * 900 + "1" + "}" * 900
    state = '"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask"'
    body = f'{{"StartAt": "x", "States": {{"x": {{{state}, "Parameters": {parameters}}}}}}}'
    templates = pair(PRIVATE)
    templates[PRIVATE]["Resources"]["ReportStateMachine"]["Properties"]["DefinitionString"] = body
    (finding,) = [f for f in check_dicts(templates).findings if f.logical_id == "ReportStateMachine"]
    assert finding.message.startswith("cannot read the state machine: its definition is nested too deeply")


def test_task_states_follow_the_query_language_down_the_tree() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "States": {
            "P": {"Type": "Parallel", "QueryLanguage": "JSONPath", "Branches": [{"States": {"A": {"Type": "Task"}}}]},
            "B": {"Type": "Task"},
            "Junk": "not a state",
        },
    }
    found = [(state.names, state.path, state.language) for state in task_states(definition)]
    assert found == [
        (("B",), ("States", "B"), "JSONata"),
        (("P", "A"), ("States", "P", "Branches", 0, "States", "A"), "JSONPath"),
    ]
    assert list(task_states("not a definition")) == []
    assert list(task_states({"StartAt": "A"})) == list(task_states({"States": ["A"]})) == []


def test_read_definition_keeps_the_template_expressions_in_place(tmp_path: Path) -> None:
    from fargate_private_templates.checks.resolve import Resolver

    template = load_template(LAUNCHERS / PRIVATE)
    resolver = Resolver({"t.yaml": template})
    from fargate_private_templates.checks.values import ResourceRef

    definition = read_definition(resolver, ResourceRef("t.yaml", "ReportStateMachine"))
    assert not isinstance(definition, str) and definition.inside_string
    parameters = definition.tree["States"]["Run report"]["Parameters"]
    assert parameters["Cluster"] == {"Fn::GetAtt": ["Cluster", "Arn"]}
    assert parameters["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"][0] == {
        "Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-PrivateSubnet1"}
    }
    assert definition.tree["States"]["Run report"]["Resource"] == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":states:::ecs:runTask.sync"]]
    }


COMMENT = '"Comment": "Run the nightly report on Fargate and wait for it",'


@pytest.mark.parametrize(
    ("piece", "replacement"),
    [
        # A placeholder outside a JSON string is quoted, so the text still parses.
        ('"LaunchType": "FARGATE",', '"LaunchType": "FARGATE", "Count": ${Count},'),
        # Escaped quotes do not end a string: the placeholder inside it stays text.
        (COMMENT, '"Comment": "Run the \\"nightly\\" report: ${Count} is not read here",'),
        # "C:\\" ends in one backslash: the quote after it closes the string, so ${Count} is bare.
        (COMMENT, '"Comment": "C:\\\\", "Count": ${Count},'),
    ],
    ids=["bare-placeholder", "escaped-quotes", "escaped-backslash"],
)
def test_placeholders_inside_and_outside_json_strings_are_read(piece: str, replacement: str) -> None:
    templates = pair(PRIVATE)
    body, variables = definition_string(templates)
    assert piece in body
    definition_string(templates)[0] = body.replace(piece, replacement)
    variables["Count"] = 1
    assert check_dicts(templates).findings == []


def test_a_task_resource_from_a_mapping_is_read() -> None:
    templates = pair(PUBLIC)
    templates[PUBLIC]["Mappings"] = {"Integrations": {"Ecs": {"Sync": "arn:aws:states:::ecs:runTask.sync"}}}
    definition = templates[PUBLIC]["Resources"]["ThumbnailStateMachine"]["Properties"]["Definition"]
    state = definition["States"]["Each image"]["ItemProcessor"]["States"]["Make thumbnail"]
    state["Resource"] = {"Fn::FindInMap": ["Integrations", "Ecs", "Sync"]}
    assert [f.rule_id for f in check_dicts(templates).findings] == ["E9001", "E9002", "E9002"]


def test_a_definition_without_a_query_language_uses_jsonpath() -> None:
    # Step Functions' default query language is JSONPath.
    (state,) = task_states({"States": {"A": {"Type": "Task"}}})
    assert state.language == "JSONPath"


def test_adjacent_substitutions_in_one_string_join_without_empty_pieces() -> None:
    text = _Text({"A": {"Ref": "A"}, "B": {"Ref": "B"}})
    assert text.expression(text.literal("${A}${B}")) == {"Fn::Join": ["", [{"Ref": "A"}, {"Ref": "B"}]]}
    assert text.expression(text.literal("x${A}-${B}")) == {"Fn::Join": ["", ["x", {"Ref": "A"}, "-", {"Ref": "B"}]]}
