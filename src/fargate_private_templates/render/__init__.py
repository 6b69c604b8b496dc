"""Templates out and in: deterministic YAML/JSON rendering, a loader for anyone's templates, atomic file writing."""

from .renderer import ordered_dict, render_json, render_yaml

__all__ = ["ordered_dict", "render_json", "render_yaml"]
