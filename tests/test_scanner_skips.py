"""checkov skips: every finding accepted on purpose names its check and says why."""

from __future__ import annotations

import pytest
from conftest import catalogue_dict
from troposphere import Template, logs

from fargate_private_templates.layers.blocks.scanner_skips import CHECKOV_ID, checkov_skips, skip_checkov
from fargate_private_templates.render import ordered_dict


def test_every_skip_in_the_catalogue_names_a_check_and_a_reason(catalogue_file: str) -> None:
    for resource, skip in checkov_skips(catalogue_dict(catalogue_file)):
        assert set(skip) == {"id", "comment"}, f"{catalogue_file} {resource}: unexpected skip keys {sorted(skip)}"
        assert CHECKOV_ID.match(skip["id"]), f"{catalogue_file} {resource}: {skip['id']!r} is not a checkov id"
        assert isinstance(skip["comment"], str), f"{catalogue_file} {resource}: reason must be text"
        assert skip["comment"].strip(), f"{catalogue_file} {resource}: {skip['id']} has no reason"


def test_skips_reach_the_rendered_resource_metadata() -> None:
    template = Template()
    group = template.add_resource(logs.LogGroup("Group", Metadata={"Owner": "team"}))
    skip_checkov(group, "CKV_AWS_158", "first reason")
    skip_checkov(group, "CKV_AWS_66", "retention is a parameter")
    skip_checkov(group, "CKV_AWS_158", "replaced reason")
    metadata = ordered_dict(template)["Resources"]["Group"]["Metadata"]
    assert metadata["Owner"] == "team", "other metadata is kept"
    assert metadata["checkov"]["skip"] == [
        {"id": "CKV_AWS_66", "comment": "retention is a parameter"},
        {"id": "CKV_AWS_158", "comment": "replaced reason"},
    ]


@pytest.mark.parametrize(
    ("check_id", "reason"), [("CKV_AWS_158", ""), ("CKV_AWS_158", "   "), ("AWS_158", "why"), ("ckv_aws_1", "why")]
)
def test_a_skip_without_a_check_id_or_a_reason_is_refused(check_id: str, reason: str) -> None:
    with pytest.raises(ValueError, match="Group"):
        skip_checkov(logs.LogGroup("Group"), check_id, reason)
