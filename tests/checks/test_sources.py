"""The templates a check reads: files, a folder's templates in name order, and children a nested stack names by a
relative path; what is not a template in a folder is listed as skipped, never silently dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, TEMPLATES

from fargate_private_templates.checks import check_templates
from fargate_private_templates.checks.sources import MAX_NESTED_FILES, read_sources
from fargate_private_templates.render.loader import TemplateLoadError

NESTED = FIXTURES / "nested"


def test_a_folder_is_read_in_name_order_and_its_other_files_are_skipped(tmp_path: Path) -> None:
    for name in ("b.yml", "a.template", "c.json"):
        shutil.copy(FIXTURES / "E9001-good.yaml", tmp_path / name)
    (tmp_path / "exports.json").write_text('{"NetworkStack": ["VpcId"]}')
    (tmp_path / "notes.txt").write_text("not read")
    (tmp_path / "sub").mkdir()
    shutil.copy(FIXTURES / "E9002-bad.yaml", tmp_path / "sub" / "deeper.yaml")
    sources = read_sources([tmp_path])
    assert list(sources.templates) == [str(tmp_path / n) for n in ("a.template", "b.yml", "c.json")]
    assert sources.skipped == [f"{tmp_path / 'exports.json'}: not a CloudFormation template (no Resources mapping)"]
    assert set(sources.texts) == set(sources.templates)


def test_a_folder_without_a_template_is_refused_and_a_broken_template_in_it_is_not_skipped(tmp_path: Path) -> None:
    with pytest.raises(TemplateLoadError) as caught:
        read_sources([tmp_path])
    assert (
        str(caught.value) == f"{tmp_path}: a folder with no CloudFormation template (*.yaml, *.yml, *.json, *.template)"
    )
    (tmp_path / "broken.yaml").write_text("Resources: [\n")
    with pytest.raises(TemplateLoadError, match="broken.yaml: not valid YAML or JSON"):
        read_sources([tmp_path])


def test_the_committed_templates_folder_checks_as_a_whole() -> None:
    report = check_templates([TEMPLATES])
    assert report.skipped == [f"{TEMPLATES / 'exports.json'}: not a CloudFormation template (no Resources mapping)"]
    assert report.format_text().splitlines()[0] == f"skipped: {report.skipped[0]}"
    assert report.errors == [] and report.proven == len(report.launchers) > 0


def test_nested_children_are_read_once_each_and_missing_ones_are_left_to_the_warning(tmp_path: Path) -> None:
    for name in ("parent-local.yaml", "network.yaml"):
        shutil.copy(NESTED / name, tmp_path / name)
    sources = read_sources([tmp_path / "parent-local.yaml", tmp_path / "network.yaml"])
    assert list(sources.templates) == [str(tmp_path / "parent-local.yaml"), str(tmp_path / "network.yaml")]
    report = check_templates([tmp_path / "parent-local.yaml"])
    (warning,) = [f for f in report.findings if f.logical_id == "ServiceStack"]
    assert warning.message.startswith("cannot read nested stack ServiceStack: its template (./service.yaml)")


def test_a_chain_of_nested_stacks_is_read_up_to_its_bound(tmp_path: Path) -> None:
    stack = "Resources:\n  Next:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: {}\n"
    for number in range(MAX_NESTED_FILES + 5):
        (tmp_path / f"t{number}.yaml").write_text(stack.format(f"t{number + 1}.yaml"))
    (tmp_path / "loop.yaml").write_text(stack.format("loop.yaml"))
    assert len(read_sources([tmp_path / "t0.yaml"]).templates) == MAX_NESTED_FILES + 1
    assert list(read_sources([tmp_path / "loop.yaml"]).templates) == [str(tmp_path / "loop.yaml")]


def test_an_empty_file_is_refused_saying_what_was_expected(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("\n")
    with pytest.raises(TemplateLoadError) as caught:
        read_sources([tmp_path / "empty.yaml"])
    assert str(caught.value) == f"{tmp_path / 'empty.yaml'}: the file is empty; expected a YAML or JSON template"


def test_a_parent_with_more_children_than_the_bound_reads_up_to_it(tmp_path: Path) -> None:
    child = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
    resources = []
    for number in range(MAX_NESTED_FILES + 5):
        (tmp_path / f"c{number}.yaml").write_text(child)
        stack = f"    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: c{number}.yaml\n"
        resources.append(f"  Child{number}:\n{stack}")
    (tmp_path / "parent.yaml").write_text("Resources:\n" + "".join(resources))
    assert len(read_sources([tmp_path / "parent.yaml"]).templates) == MAX_NESTED_FILES + 1


def test_only_a_nested_stack_names_a_template_to_read(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
    (tmp_path / "parent.yaml").write_text(
        "Resources:\n  Custom:\n    Type: Custom::Thing\n    Properties:\n      ServiceToken: x\n"
        "      TemplateURL: other.yaml\n"
    )
    assert list(read_sources([tmp_path / "parent.yaml"]).templates) == [str(tmp_path / "parent.yaml")]
