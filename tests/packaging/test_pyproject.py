"""pyproject.toml stays in the form current setuptools reads without deprecation warnings."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_licence_is_an_spdx_string_with_its_files_present() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(project["license"], str)  # a TOML table is deprecated (setuptools >= 77)
    assert "OFL-1.1" in project["license"]
    assert project["license-files"] and all((ROOT / f).is_file() for f in project["license-files"])


def test_the_cli_entry_point_names_the_cli_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["krukhor-cli"] == "desktop.cli:main"
    assert (ROOT / "desktop" / "cli" / "__init__.py").is_file() and (
        ROOT / "desktop" / "cli" / "__main__.py"
    ).is_file()
