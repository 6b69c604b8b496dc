"""cfn-lint rules for one template, run with ``cfn-lint -a <this directory>``: see ``checks.cfnlint_rules_path()``.

Each file holds rules that report the checker's findings of their own rule ID; the logic lives in ``checks``.
cfn-lint skips files starting with an underscore, so ``_adapter.py`` is shared code, not a rule.
"""
