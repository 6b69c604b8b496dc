"""Write the documentation generated from the code (`make templates` runs it): the checker's rule reference, the
config reference and the config file's JSON Schema.

    .venv/bin/python tools/docs.py [--check]

With --check nothing is written; the pages that would change are listed and the exit status is 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fargate_private_templates.checks.rulebook import rules_markdown
from fargate_private_templates.config.reference import reference_markdown, schema_json

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "docs/rules.md": rules_markdown,
    "docs/configuration-reference.md": reference_markdown,
    "schema/config.schema.json": schema_json,
}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, render in PAGES.items():
        path, text = ROOT / name, render()
        if not path.exists() or path.read_text() != text:
            stale.append(name)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    for name in stale:
        print(f"{'would change' if check else 'wrote'}: {name}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
