"""Where a finding sits in its file: line and column, read with cfn-lint's own template decoder, which keeps the
position of every key for YAML and JSON alike.

Our loader (render/loader.py) reads the template first and refuses hostile input; only a template it accepted is
decoded here. A position is found the way cfn-lint finds one for a rule match: the deepest key of the finding's path
that the file has.
"""

from __future__ import annotations

import logging
from typing import Any

from cfnlint.decode import decode_str
from cfnlint.decode.mark import Mark

Position = tuple[int, int]


def decode_positions(text: str) -> Any:
    """The template as cfn-lint decodes it (nodes that know their position); None when it cannot."""
    # cfn-lint logs what it cannot parse; our loader has already said whether the file is usable.
    logger = logging.getLogger("cfnlint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        template, _ = decode_str(text)
    except (RecursionError, ValueError):
        template = None
    finally:
        logger.setLevel(level)
    return template


def position(decoded: Any, path: tuple[str | int, ...]) -> Position | None:
    """1-based (line, column) of the deepest node of ``path`` in the decoded template."""
    found: Position | None = None
    node = decoded
    for step in path:
        if isinstance(node, dict):
            key = next((k for k in node if k == step), None)
            if key is None:
                break
            found = _mark(key) or found
            node = node[key]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            found = _mark(node) or found
        else:
            break
    return found


def _mark(node: Any) -> Position | None:
    mark = getattr(node, "start_mark", None)
    # cfn-lint's own Mark is the placeholder of a node built without a position.
    if mark is None or isinstance(mark, Mark) or not isinstance(getattr(mark, "line", None), int):
        return None
    return mark.line + 1, mark.column + 1
