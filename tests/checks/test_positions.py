"""Line and column of a finding, read with cfn-lint's decoder: the deepest key of its path the file has."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from types import SimpleNamespace

from cfnlint.decode.mark import Mark
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
    assert position(decoded, ("Resources", "Service", "Properties", "Subnets", 2)) == (5, 7)  # one past the end
    assert position(decoded, ("Resources", "Service", "Properties", "Subnets", -1)) == (5, 7)
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


def test_cfn_lint_logging_is_silenced_while_decoding_and_its_level_restored(monkeypatch) -> None:
    from fargate_private_templates.checks import positions

    cfnlint_logger = logging.getLogger("cfnlint")
    monkeypatch.setattr(cfnlint_logger, "level", 17)
    levels_seen: list[int] = []

    def decode(text: str) -> tuple[None, list]:
        levels_seen.append(logging.getLogger("cfnlint").level)
        return None, []

    monkeypatch.setattr(positions, "decode_str", decode)
    assert positions.decode_positions(YAML) is None
    assert levels_seen == [logging.CRITICAL] and cfnlint_logger.level == 17


class _Node(str):
    """A key as a decoder builds it: a string with a start mark."""

    def __new__(cls, text: str, mark: object) -> _Node:
        node = super().__new__(cls, text)
        node.start_mark = mark
        return node


def test_a_key_whose_mark_is_a_placeholder_or_has_no_line_has_no_position() -> None:
    placeholder = Mark(line=4, column=2)
    no_line = SimpleNamespace(line=None, column=3)
    real = SimpleNamespace(line=4, column=2)
    for mark, expected in ((placeholder, None), (no_line, None), (real, (5, 3))):
        assert position({_Node("Resources", mark): {}}, ("Resources",)) == expected
