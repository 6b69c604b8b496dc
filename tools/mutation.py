"""`make mutation`: mutation testing of the checker and the config validation with mutmut 3, sampled, scored per module.

mutmut has no sampling, so this script has it generate every mutant, draws SAMPLE of them per module with a new
seed each run (printed; --seed repeats a run's draw), runs those, re-runs each survivor not accepted in
tools/mutation-survivors.txt against the tests of its module and then the whole suite (mutmut runs only the tests it
saw calling the mutated function), and prints a score per module. A module passes at 90% killed, its accepted
survivors left out of the count. It all happens in a copy of the project under build/mutation.

    .venv-mutation/bin/python tools/mutation.py [--modules checks/route_tables.py ...] [--sample N] [--seed S] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "src/fargate_private_templates"
# What is mutated, relative to PACKAGE: the one list to change when modules move.
MODULES = (
    "checks/batch.py",
    "checks/capacity.py",
    "checks/checker.py",
    "checks/cloudfront.py",
    "checks/exports.py",
    "checks/intrinsics.py",
    "checks/launchers.py",
    "checks/listeners.py",
    "checks/needs.py",
    "checks/nested_stacks.py",
    "checks/network_acls.py",
    "checks/outputs.py",
    "checks/positions.py",
    "checks/proof.py",
    "checks/queries.py",
    "checks/report.py",
    "checks/resolve.py",
    "checks/resolve_parts.py",
    "checks/route_tables.py",
    "checks/rulebook.py",
    "checks/rules.py",
    "checks/security_groups.py",
    "checks/sources.py",
    "checks/state_machines.py",
    "checks/task_paths.py",
    "checks/values.py",
    "checks/workloads.py",
    "config/capacity.py",
    "config/cloudfront.py",
    "config/deployment.py",
    "config/file.py",
    "config/front_door.py",
    "config/image.py",
    "config/load_balancer.py",
    "config/network.py",
    "config/patterns.py",
    "config/priorities.py",
    "config/priority_board.py",
    "config/priority_lock.py",
    "config/reachability.py",
    "config/registry.py",
    "config/routing.py",
    "config/rule_overlap.py",
    "config/service.py",
    "config/settings.py",
    "config/sidecars.py",
    "config/task_size.py",
    "config/validators.py",
    "contract.py",
    "regions/availability.py",
    "regions/fargate_zones.py",
    "regions/features.py",
    "regions/partitions.py",
)
# The checker's and the config's modules that are not mutated, and why; a test holds MODULES and this list to every
# module of checks/ and config/, so a new module is mutated unless it says here why not.
NOT_MUTATED = {
    "checks/__init__.py": "re-exports only",
    "config/__init__.py": "re-exports only",
    "config/reference.py": "writes the reference page and the JSON schema; tests/test_docs.py holds them to the code",
    "config/references.py": "two constants, no code",
    "config/starters.py": "writes `init`'s starter configs, which the tests load through the validation",
}
# Per module: enough that the score answers the tests, not one lucky sample.
SAMPLE = 20
THRESHOLD = 0.90
ACCEPTED = ROOT / "tools" / "mutation-survivors.txt"
WORK = ROOT / "build" / "mutation"
COPIED = (
    "src",
    "tests",
    "templates",
    "examples",
    "tools",
    "docs",
    "schema",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "Makefile",
    "pyproject.toml",
)
# What the tests read besides the package (mutmut copies src itself).
ALSO_COPIED = [name for name in COPIED if name not in ("src", "tests", "pyproject.toml")]
# Imported once by mutmut's fork server, so each mutant's worker starts with them loaded. Never the package
# itself: it must be imported from mutmut's mutated copy.
PRELOADED = ("pytest", "yaml", "troposphere", "awacs", "cfnlint.api", "boto3", "moto")
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
SURVIVED = {"survived", "no tests", "suspicious"}
# mutmut's exit codes of a mutant's test run (mutmut/stats.py). 255 is also a test module that fails to import
# under the mutant (a module-level call fails): pytest cannot collect it, so the mutant is seen, hence killed.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious"}
STATUS |= {36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault"}
STATUS |= {-9: "segfault", 37: "caught by type check", None: "not checked"}


@dataclass
class ModuleScore:
    module: str
    sampled: list[str]
    killed: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    # Drawn but never run: a run stopped early (--report scores what it ran, and says how much that is).
    unrun: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        counted = len(self.sampled) - len(self.accepted) - len(self.unrun)
        return len(self.killed) / counted if counted else 1.0


def dotted(module: str) -> str:
    """``checks/routing.py`` -> ``fargate_private_templates.checks.routing``, as mutmut names mutants."""
    return f"{Path(PACKAGE).name}.{module.removesuffix('.py').replace('/', '.')}"


def mutmut(*arguments: str) -> str:
    """Run mutmut in the copy; its progress goes to build/mutation/mutmut.log, what it prints is returned."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    command = [str(Path(sys.executable).parent / "mutmut"), *arguments]
    result = subprocess.run(command, cwd=WORK, env=environment, text=True, capture_output=True)
    with (WORK / "mutmut.log").open("a") as log:
        log.write(f"$ mutmut {' '.join(arguments)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        sys.exit(f"mutmut {arguments[0]} failed with exit code {result.returncode}: see {WORK / 'mutmut.log'}")
    return result.stdout


def prepare(keep: bool) -> None:
    """A copy of the project with mutmut's configuration; kept (``--keep``) it reuses mutants and test links.

    Every module is mutated even when only some are sampled, so a kept copy's test links cover them all.
    """
    if not keep and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, WORK / name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, WORK / name)
    (WORK / "preload.txt").write_text("\n".join(PRELOADED) + "\n")
    lines = "\n    ".join
    (WORK / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = src\n"
        f"only_mutate =\n    {lines(f'{PACKAGE}/{module}' for module in MODULES)}\n"
        f"also_copy =\n    {lines(ALSO_COPIED)}\n"
        # Forked workers would keep what mutmut's main process cached while it ran the unmutated suite.
        "process_isolation = forkserver\n"
        "forkserver_warmup = import\n"
        "preload_modules_file = preload.txt\n"
        # The structure test measures source files, which mutmut's trampolines lengthen: not behaviour.
        "pytest_add_cli_args =\n    -p\n    mutation_plugin\n    -p\n    no:cacheprovider\n    -p\n    no:xdist\n"
        "    --ignore=tests/test_structure.py\n"
        "pytest_add_cli_args_test_selection =\n    tests\n"
        "use_git_change_detection = false\n"
    )


def exit_codes() -> dict[str, int | None]:
    """Every generated mutant's last result (None: not run), from mutmut's meta files."""
    codes: dict[str, int | None] = {}
    for meta in (WORK / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def sample(names: list[str], modules: list[str], size: int, seed: str) -> dict[str, list[str]]:
    """``size`` mutants per module, drawn with a seed of their own so one module's sample ignores the others."""
    drawn = {}
    for module in modules:
        population = sorted(n for n in names if n.rpartition(".")[0] == dotted(module))
        drawn[module] = sorted(random.Random(f"{seed}:{module}").sample(population, min(size, len(population))))
    return drawn


def diff(name: str) -> str:
    """The mutant's diff, as mutmut shows it, without its header lines."""
    text = mutmut("show", name)
    return "\n".join(line for line in text.splitlines() if not line.startswith(("#", "---", "+++", "@@")))


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def accepted() -> dict[str, tuple[str, str]]:
    """Mutant ID -> (fingerprint of its diff, reason), from the committed list."""
    entries = {}
    for line in ACCEPTED.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, digest, reason = line.split(maxsplit=2)
            entries[name] = (digest, reason)
    return entries


def module_of(name: str) -> str:
    """``checks/route_tables.py`` for a mutant of ``fargate_private_templates.checks.route_tables``."""
    return name.split(".", 1)[1].rpartition(".")[0].replace(".", "/") + ".py"


def mirrored_tests(module: str) -> list[str]:
    """The test file of a module (tests/ mirrors src/): ``tests/checks/test_route_tables.py``."""
    folder, _, file = module.rpartition("/")
    path = Path("tests") / folder / f"test_{file}"
    return [str(path)] if (WORK / "mutants" / path).is_file() else []


def survives_whole_suite(name: str) -> bool:
    """Whether the mutant survives every test, not only those mutmut linked to its function. The tests of its own
    module run first, in one process, so a mutant they kill costs seconds, not a suite."""
    environment = {**os.environ, "MUTANT_UNDER_TEST": name, "PYTHONPATH": str(WORK / "mutants" / "src")}
    focused = mirrored_tests(module_of(name))
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    if focused:
        quick = subprocess.run(
            [*pytest, "-p", "no:xdist", *focused], cwd=WORK / "mutants", env=environment, capture_output=True
        )
        if quick.returncode != 0:
            return False
    # The structure test measures source lengths, which the mutants change: not behaviour.
    command = [*pytest, "-n", "2", "tests", "--ignore=tests/test_structure.py"]
    result = subprocess.run(command, cwd=WORK / "mutants", env=environment, capture_output=True, text=True)
    return result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", nargs="+", choices=MODULES, default=list(MODULES), metavar="MODULE")
    parser.add_argument("--sample", type=int, default=SAMPLE, help=f"mutants per module (default {SAMPLE})")
    parser.add_argument("--seed", help="the seed of an earlier run, to draw the same mutants (default: a new one)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse build/mutation's mutants, test links and results: drawn mutants already run are not run again, "
        "so a stopped run goes on where it stopped (survivors are still rechecked with today's tests)",
    )
    parser.add_argument("--no-recheck", dest="recheck", action="store_false", help="trust mutmut's test links")
    parser.add_argument(
        "--report",
        action="store_true",
        help="score the last run in build/mutation again: its mutants' results, survivors rechecked with today's "
        "tests; a run stopped early is scored on what it ran, and fails",
    )
    options = parser.parse_args()
    seed = options.seed or secrets.token_hex(4)

    if options.report:
        shutil.copytree(ROOT / "tests", WORK / "mutants" / "tests", dirs_exist_ok=True)
        drawn = sample(sorted(exit_codes()), options.modules, options.sample, seed)
    else:
        prepare(options.keep)
        print(f"mutating {', '.join(MODULES)} in {WORK} (mutmut's output: mutmut.log there)", flush=True)
        # mutmut generates every mutant and links tests to functions on any run: run one mutant to get there.
        mutmut("run", "--max-children", "2", f"{dotted(MODULES[0])}.*__mutmut_1")
        codes = exit_codes()
        drawn = sample(sorted(codes), options.modules, options.sample, seed)
        # mutmut runs every mutant it is named again: a kept copy names only those without a result yet. A result
        # stands while the mutated function is unchanged (mutmut forgets those of a function whose source changed).
        pending = [name for names in drawn.values() for name in names if not (options.keep and codes[name] is not None)]
        print(
            f"running {len(pending)} of {sum(map(len, drawn.values()))} drawn mutants ({options.sample} per module, "
            f"seed {seed})",
            flush=True,
        )
        if pending:
            mutmut("run", "--max-children", "2", *pending)

    codes, known = exit_codes(), accepted()
    scores, stale, unexplained = [], [], []
    for module, names in drawn.items():
        score = ModuleScore(module, names)
        for name in names:
            status = STATUS.get(codes[name], "suspicious")
            if status == "not checked" and options.report:
                score.unrun.append(name)
                continue
            if status in KILLED:
                score.killed.append(name)
                continue
            if status not in SURVIVED:
                sys.exit(f"{name}: {status}")
            text = diff(name)
            if name in known and known[name][0] == fingerprint(text):
                score.accepted.append(name)
            elif not options.recheck or survives_whole_suite(name):
                if name in known:
                    stale.append(name)
                score.survived.append(name)
                unexplained.append((name, fingerprint(text), status, text))
            else:
                score.killed.append(name)
        scores.append(score)

    for name, digest, status, text in unexplained:
        print(f"\n{name} {digest} ({status})\n{text}")
    for name in stale:
        print(f"\n{name}: accepted in {ACCEPTED.name}, but its diff changed: look at it again")
    print(f"\n{'module':<24} {'sampled':>7} {'unrun':>5} {'killed':>6} {'survived':>8} {'accepted':>8} {'score':>6}")
    for s in scores:
        row = f"{s.module:<24} {len(s.sampled):>7} {len(s.unrun):>5} {len(s.killed):>6} {len(s.survived):>8}"
        row += f" {len(s.accepted):>8}"
        print(f"{row} {s.score:>6.0%}{'' if s.score >= THRESHOLD else '  < 90%'}")
    unrun = sum(len(s.unrun) for s in scores)
    if unrun:
        print(f"{unrun} of {sum(len(s.sampled) for s in scores)} drawn mutants were never run: an incomplete run fails")
    print(f"seed {seed} (repeat this draw with --seed {seed})")
    return 0 if all(s.score >= THRESHOLD for s in scores) and not unrun else 1


if __name__ == "__main__":
    sys.exit(main())
