"""Tags on every taggable resource: a Name from the stack and logical ID, plus the configured tags."""

from __future__ import annotations

from troposphere import Sub, Tags, Template


def apply_tags(template: Template, tags: tuple[tuple[str, str], ...]) -> None:
    """Called once a layer is built, so no resource can be forgotten."""
    for logical_id, resource in template.resources.items():
        if "Tags" not in resource.props:
            continue
        # The Name tag reads like the logical ID so the console lists match the template.
        resource.Tags = Tags(Name=Sub(f"${{AWS::StackName}}-{logical_id}")) + Tags(**dict(tags))
