"""environment.yml stays in step with pyproject.toml (same packages, same lower bounds)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$")


def parse(requirement: str) -> tuple[str, str]:
    match = REQUIREMENT.match(requirement)
    assert match, requirement
    name, _, spec = match.groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = dict(parse(r) for r in project["dependencies"])
    for extra in ("test", "lab", "dask"):
        for r in project["optional-dependencies"].get(extra, []):
            name, spec = parse(r)
            if name != "iae-eval":
                requirements[name] = spec
    return requirements


def environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for item in env["dependencies"]:
        entries = item["pip"] if isinstance(item, dict) else [item]
        for entry in entries:
            if entry.startswith("-e") or entry == "pip":
                continue
            name, spec = parse(entry)
            found[name] = spec
    return found


def test_every_dependency_is_in_both_files_with_the_same_lower_bound():
    py = pyproject_requirements()
    env = environment_requirements()
    env_python = env.pop("python")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert env_python == project["requires-python"]
    assert py == env  # conda-forge uses the PyPI names for every package we need


def test_every_dependency_has_a_lower_bound():
    for name, spec in pyproject_requirements().items():
        assert spec.startswith(">="), f"{name} has no lower bound"
