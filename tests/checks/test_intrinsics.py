"""Readers of long-form intrinsic functions: texts, string parts, GetAtt and endpoint service names."""

from __future__ import annotations

from fargate_private_templates.checks.intrinsics import (
    MAX_TEXTS,
    Opaque,
    Variable,
    endpoint_service,
    getatt_parts,
    render_parts,
    string_parts,
    texts,
)


def test_string_parts_and_sub_parts() -> None:
    assert string_parts("") == [] and string_parts("a") == ["a"]
    assert string_parts({"Fn::Sub": "${!Literal}-${Stack}"}) == ["${Literal}-", Variable("Stack")]
    assert string_parts({"Fn::Sub": ["${A}-${B}", {"A": "prod", "B": {"Ref": "X"}}]}) == ["prod-", Variable("X")]
    assert string_parts({"Fn::Sub": ["${Stack}-VpcId", {"Stack": "prod"}]}) == ["prod-VpcId"]
    assert render_parts(["a", Variable("X"), "b"]) == "a${X}b"
    assert render_parts([Variable("X"), "-b"], placeholder="x") == "x-b"


def test_endpoint_service_reads_only_endpoint_names() -> None:
    assert endpoint_service({"Fn::Sub": "com.amazonaws.${AWS::Region}.ecr.dkr"}) == "ecr.dkr"
    assert endpoint_service("com.amazonaws.eu-west-1.s3") == "s3"
    assert endpoint_service("ecr.dkr") is None
    assert endpoint_service({"Ref": "ServiceName"}) is None


def test_getatt_of_a_nested_attribute_splits_at_the_first_dot() -> None:
    assert getatt_parts("Database.Endpoint.Address") == ("Database", "Endpoint.Address")
    assert getatt_parts(["Database", "Endpoint.Address"]) == ("Database", "Endpoint.Address")
    assert getatt_parts(["Database"]) is None


def test_join_with_a_malformed_argument_is_unreadable() -> None:
    assert string_parts({"Fn::Join": 5}) is None
    assert string_parts({"Fn::Join": [","]}) is None
    assert string_parts({"Fn::Join": ["-", ["a", {"Ref": "B"}]]}) == ["a-", Variable("B")]


def test_getatt_reads_as_a_variable_like_sub() -> None:
    assert texts({"Fn::GetAtt": ["Bucket", "Arn"]}) == [[Variable("Bucket.Arn")]]
    assert texts({"Fn::GetAtt": "Bucket.Arn"}) == [[Variable("Bucket.Arn")]]


def test_sub_list_form_needs_exactly_two_items_and_a_string_first() -> None:
    assert texts({"Fn::Sub": ["a-${X}", {}, "extra"]}) == [[Opaque("Fn::Sub")]]
    assert texts({"Fn::Sub": [1, {}]}) == [[Opaque("Fn::Sub")]]
    assert texts({"Fn::Sub": ["a-${X}"]}) == [[Opaque("Fn::Sub")]]
    # Variables that are not a mapping define nothing: the names stay variables of the stack.
    assert texts({"Fn::Sub": ["a-${X}", ["X"]]}) == [["a-", Variable("X")]]
    assert texts({"Fn::Sub": ["a-${X}", "X"]}) == [["a-", Variable("X")]]


def test_endpoint_service_reads_past_a_dotted_variable_in_the_region() -> None:
    joined = {"Fn::Join": ["", ["com.amazonaws.", {"Fn::GetAtt": ["Region", "Name"]}, ".ecr.api"]]}
    assert endpoint_service(joined) == "ecr.api"
    assert endpoint_service({"Fn::Sub": "com.amazonaws.${Region.Name}.ecr.dkr"}) == "ecr.dkr"


def test_branches_past_the_cap_read_as_one_opaque_piece_saying_why() -> None:
    def choices(prefix: str) -> dict:
        # Six two-way Fn::If in one join: exactly MAX_TEXTS strings.
        items = [{"Fn::If": [f"C{n}", f"{prefix}{n}", f"{prefix.upper()}{n}"]} for n in range(6)]
        return {"Fn::Join": ["", items]}

    assert len(texts(choices("a"))) == MAX_TEXTS
    # Two such joins as the branches of a Fn::If: twice the cap.
    assert texts({"Fn::If": ["Either", choices("a"), choices("b")]}) == [
        [Opaque(f"more than {MAX_TEXTS} Fn::If combinations")]
    ]
