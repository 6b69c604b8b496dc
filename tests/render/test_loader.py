"""Reading templates back: YAML (short-form tags included) into long-form dicts, and what is not a template."""

from __future__ import annotations

import sys

import pytest
from conftest import catalogue_yaml

from fargate_private_templates.render import loader
from fargate_private_templates.render.loader import TemplateLoadError, parse_template


def test_loader_reads_the_rendered_yaml_back_to_the_same_template(catalogue_file: str) -> None:
    from conftest import catalogue_dict

    from fargate_private_templates.render.loader import parse_template

    assert parse_template(catalogue_yaml()[catalogue_file]) == catalogue_dict(catalogue_file)


def test_loader_refuses_what_is_not_a_template(tmp_path) -> None:
    import pytest

    from fargate_private_templates.render.loader import TemplateLoadError, load_template

    for name, text in {"a.yaml": "Resources: [1", "b.json": "{}", "c.yaml": "just text"}.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(TemplateLoadError, match=name):
            load_template(tmp_path / name)
    with pytest.raises(TemplateLoadError, match="missing.yaml"):
        load_template(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "Resources:\n  X:\n    Type: T\n    Properties:\n      A: " + "1" * 5_000 + "\n",
        '{"Resources": {"X": {"Type": "T", "Properties": {"A": ' + "1" * 5_000 + "}}}}",
    ],
    ids=["yaml", "json"],
)
def test_an_integer_past_pythons_limit_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(TemplateLoadError) as caught:
        parse_template(text, "t.yaml")
    limit = sys.get_int_max_str_digits()
    assert str(caught.value) == f"t.yaml: not a usable template (an integer of more than {limit} digits)"


def test_any_other_value_error_of_a_reader_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    for message, shown in (("first\nsecond", "first"), ("  ", "a value Python cannot read")):

        def refuse(*_: object, message: str = message, **__: object) -> None:
            raise ValueError(message)

        monkeypatch.setattr(loader.yaml, "load", refuse)
        with pytest.raises(TemplateLoadError) as caught:
            parse_template("Resources: {}\n", "t.yaml")
        assert str(caught.value) == f"t.yaml: not a usable template ({shown})"
