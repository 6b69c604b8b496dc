"""Reading templates back: YAML (short-form tags included) into long-form dicts, and what is not a template."""

from __future__ import annotations

from conftest import catalogue_yaml


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
