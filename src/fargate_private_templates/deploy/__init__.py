"""Deploying a config: every stack in dependency order with its parameters (``plan``), the scripts that deploy and tear
them down (``scripts``), and everything ``render --config`` writes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..render.renderer import render_yaml
from ..stacks import build_config
from .plan import DeployPlan, StackPlan, build_plan, plan_for_config
from .scripts import deployment_files


@dataclass(frozen=True)
class ConfigFiles:
    """What ``render --config`` writes: the templates, and beside them the deploy files (a parameter file per stack,
    deploy and teardown scripts); and the priority lock beside the config, when it has one."""

    out_dir: str
    templates: dict[str, str] = field(hash=False)
    deploy_files: dict[str, str] = field(hash=False)
    lock_dir: str = ""
    lock: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def scripts(self) -> tuple[str, ...]:
        """The deploy files written executable."""
        return tuple(name for name in self.deploy_files if name.endswith(".sh"))

    @property
    def sets(self) -> list[tuple[str, dict[str, str]]]:
        """(folder, name -> text) of every file, the output folder first."""
        return [(self.out_dir, self.templates | self.deploy_files)] + (
            [(self.lock_dir, self.lock)] if self.lock else []
        )


def config_files(path: str | Path, out_dir: str) -> ConfigFiles:
    """Everything a config file renders to, built once: templates, deploy files and the priority lock."""
    built = build_config(path)
    templates = {name: render_yaml(template) for name, template in built.templates.items()}
    deploy_files = deployment_files(build_plan(built.deployment, built.templates))
    if built.lock is None:
        return ConfigFiles(out_dir, templates, deploy_files)
    lock = {built.lock_path.name: built.lock.to_json()}
    return ConfigFiles(out_dir, templates, deploy_files, os.fspath(built.lock_path.parent), lock)


__all__ = ["ConfigFiles", "DeployPlan", "StackPlan", "build_plan", "config_files", "plan_for_config"]
