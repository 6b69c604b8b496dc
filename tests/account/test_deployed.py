"""The values a deployed template's expressions had, as audit evaluates them to compare with what is live."""

from __future__ import annotations

from fargate_private_templates.account.deployed import NO_VALUE, UNKNOWN, DeployedStack

TEMPLATE = {
    "Parameters": {"Env": {"Type": "String"}, "Cidrs": {"Type": "CommaDelimitedList"}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "NotProd"}]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "NotProd"}]},
        "Loop": {"Fn::Not": [{"Condition": "Loop"}]},
    },
    "Resources": {
        "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}},
        "Extra": {"Type": "AWS::EC2::SecurityGroup", "Condition": "IsProd", "Properties": {}},
    },
}


def _stack() -> DeployedStack:
    return DeployedStack(
        name="app",
        template=TEMPLATE,
        physical_ids={"Group": "sg-1", "Extra": "sg-2"},
        types={"Group": "AWS::EC2::SecurityGroup", "Extra": "AWS::EC2::SecurityGroup"},
        parameters={"Env": "dev", "Cidrs": "10.0.0.0/8,192.168.0.0/16"},
        exports={"net-VpcId": "vpc-1"},
        account="123456789012",
        region="eu-west-1",
    )


def test_references_and_text_functions_evaluate_to_what_was_deployed() -> None:
    stack = _stack()
    assert stack.value({"Ref": "Group"}) == "sg-1"
    assert stack.value({"Fn::GetAtt": ["Group", "GroupId"]}) == "sg-1" == stack.value({"Fn::GetAtt": "Group.GroupId"})
    assert stack.value({"Ref": "Cidrs"}) == ["10.0.0.0/8", "192.168.0.0/16"]
    assert stack.value({"Fn::Select": ["1", {"Ref": "Cidrs"}]}) == "192.168.0.0/16"
    assert stack.value({"Fn::ImportValue": {"Fn::Sub": "net-VpcId"}}) == "vpc-1"
    assert stack.value({"Fn::Sub": "${AWS::StackName}-${AWS::Region}-${Group.GroupId}"}) == "app-eu-west-1-sg-1"
    assert stack.value({"Fn::Sub": ["${X}/32", {"X": {"Ref": "Env"}}]}) == "dev/32"
    assert stack.value({"Fn::Join": ["-", ["a", {"Ref": "Env"}]]}) == "a-dev"
    assert stack.value({"Fn::Split": [",", "a,b"]}) == ["a", "b"]
    assert stack.value({"Ref": "AWS::NoValue"}) is NO_VALUE and stack.value(True) == "true"
    assert stack.value([{"Ref": "AWS::NoValue"}, "x"]) == ["x"]


def test_what_cannot_be_told_is_unknown() -> None:
    stack = _stack()
    assert stack.value({"Ref": "Missing"}) is UNKNOWN
    assert stack.value({"Fn::ImportValue": "other-Export"}) is UNKNOWN
    assert stack.value({"Fn::GetStackOutput": {"StackName": "x", "OutputName": "y"}}) is UNKNOWN
    assert stack.value({"Fn::Sub": "${Missing}"}) is UNKNOWN
    assert stack.value({"Fn::Join": ["-", {"Ref": "Missing"}]}) is UNKNOWN
    assert stack.value({"Fn::Select": ["5", ["a"]]}) is UNKNOWN


def test_conditions_pick_branches_and_resources() -> None:
    stack = _stack()
    assert stack.condition("IsProd") is False and stack.condition("NotProd") is True
    assert stack.condition("Both") is False and stack.condition("Either") is True
    assert stack.condition("Loop") is UNKNOWN and stack.condition("Absent") is UNKNOWN
    assert stack.value({"Fn::If": ["IsProd", "big", "small"]}) == "small"
    assert stack.value({"Fn::If": ["Loop", "a", "b"]}) is UNKNOWN
    assert [name for name, _ in stack.resources("AWS::EC2::SecurityGroup")] == ["Group"]
    assert stack.of_type("AWS::EC2::SecurityGroup") == ["sg-1", "sg-2"]
