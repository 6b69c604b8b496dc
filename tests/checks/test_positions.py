"""Line and column of a finding, read with cfn-lint's decoder: the deepest key of its path the file has."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import FIXTURES

from fargate_private_templates.checks import check_templates
from fargate_private_templates.checks.positions import decode_positions, position


def line_of_text(path: Path, text: str) -> int:
    """1-based number of the only line of ``path`` containing ``text``."""
    (number,) = [n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line]
    return number


YAML = """Resources:
  Service:
    Type: AWS::ECS::Service
    Properties:
      Subnets:
        - subnet-1
        - !Ref Two
"""


def test_the_deepest_key_of_the_path_is_the_position() -> None:
    decoded = decode_positions(YAML)
    assert position(decoded, ("Resources", "Service")) == (2, 3)
    assert position(decoded, ("Resources", "Service", "Properties", "Subnets")) == (5, 7)
    # A list item that is a node has its own position; past what the file has, the last found stands.
    assert position(decoded, ("Resources", "Service", "Properties", "Subnets", 1)) == (7, 11)
    assert position(decoded, ("Resources", "Service", "Properties", "Subnets", 0)) == (6, 11)
    assert position(decoded, ("Resources", "Service", "Properties", "Missing", "Deeper")) == (4, 5)
    assert position(decoded, ("Resources", "Service", "Properties", "Subnets", 9)) == (5, 7)
    assert position(decoded, ("Resources", "Service", "Type", "x")) == (3, 5)
    assert position(decoded, ("Nowhere",)) is None


def test_json_templates_have_positions_too() -> None:
    text = json.dumps({"Resources": {"Service": {"Type": "AWS::ECS::Service", "Properties": {"Cluster": 5}}}}, indent=2)
    decoded = decode_positions(text)
    assert position(decoded, ("Resources", "Service", "Properties", "Cluster")) == (6, 9)


def test_a_text_the_decoder_cannot_read_has_no_positions() -> None:
    assert decode_positions("Resources: [") is None
    assert decode_positions("[" * 100_000) is None
    assert position(None, ("Resources", "Service")) is None


def test_text_findings_start_with_file_line_and_column_like_cfn_lint() -> None:
    path = FIXTURES / "E9001-bad.yaml"
    report = check_templates([path])
    lines = [line for line in report.format_text().splitlines() if " E9001 " in line]
    expected = line_of_text(path, "AssignPublicIp: !If [IsProduction, DISABLED, ENABLED]")
    assert re.match(rf"^{re.escape(str(path))}:{expected}:\d+: Service: E9001 AssignPublicIp is ENABLED", lines[0])
    assert json.loads(report.format_json())["findings"][0]["line"] == expected


def test_a_decoder_that_gives_up_leaves_no_positions(monkeypatch) -> None:
    from fargate_private_templates.checks import positions

    for error in (RecursionError, ValueError):

        def refuse(text: str, error: type[Exception] = error) -> None:
            raise error("refused")

        monkeypatch.setattr(positions, "decode_str", refuse)
        assert positions.decode_positions(YAML) is None
