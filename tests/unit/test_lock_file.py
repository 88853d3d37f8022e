"""The lock file pins every dependency the project declares, within its declared range.

CI and the image install with `-c requirements.lock`; a dependency added to
pyproject.toml without re-running `bash .ci/lock` would install unpinned.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith((" ", "#")) and "==" in line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name.split("[")[0])] = version.split(";")[0].strip()
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"]) + list(project["optional-dependencies"]["dev"])
    return [Requirement(line) for line in lines]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run bash .ci/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement.specifier}"
        )


def test_extras_pull_in_their_packages() -> None:
    pins = locked()
    for package in ("psycopg-binary", "psycopg-pool", "cryptography", "uvloop", "httptools"):
        assert package in pins, package
