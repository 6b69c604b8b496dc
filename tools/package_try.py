"""`make package`'s last step: the wheel, installed into a new virtual environment, works as a user's project uses it.

    python tools/package_try.py build/package-try

Checks the wheel holds the cfn-lint rules and the guard rules, then runs the installed command (never this
checkout's): render a config, check what it rendered, print where the rules are, and start a config with init that
renders and checks clean. Exit 1 on the first failure.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> str:
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, capture_output=True, text=True)
    print(result.stdout + result.stderr, end="", flush=True)
    if result.returncode != 0:
        sys.exit(f"exit {result.returncode}: {' '.join(command)}")
    return result.stdout


def main(try_dir: Path) -> int:
    (wheel,) = sorted((ROOT / "dist").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for wanted in ("fargate_private_templates/guard/private_fargate.guard", "fargate_private_templates/py.typed"):
        if wanted not in names:
            sys.exit(f"{wheel.name} lacks {wanted}")
    rules = [n for n in names if n.startswith("fargate_private_templates/cfnlint_rules/") and n.endswith(".py")]
    if len(rules) < 10:
        sys.exit(f"{wheel.name} holds {len(rules)} cfn-lint rule files")
    print(f"{wheel.name}: {len(names)} files, {len(rules)} cfn-lint rule files, the guard rules")
    cli = str(try_dir / "venv" / "bin" / "fargate-private-templates")
    out = try_dir / "shop"
    run(cli, "--version")
    run(cli, "render", "--config", str(ROOT / "examples" / "shared-alb.toml"), "--out", str(out))
    run(cli, "check", *sorted(str(p) for p in out.glob("*.yaml")))
    rules_path = Path(run(cli, "rules-path").strip())
    if not (rules_path / "TaskPublicIp.py").is_file() or "site-packages" not in str(rules_path):
        sys.exit(f"rules-path gave {rules_path}, not the installed rules")
    run(cli, "guard-path")
    starter = try_dir / "starter" / "shop.toml"
    starter.parent.mkdir(parents=True, exist_ok=True)
    run(cli, "init", str(starter), "--shape", "no-nat")
    run(cli, "render", "--config", str(starter), "--out", str(try_dir / "starter" / "build"))
    run(cli, "check", str(try_dir / "starter" / "build"))
    print("the installed package works")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
