"""The program's version: pyproject.toml in a checkout, the VERSION file the build writes into a bundle."""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

VERSION_FILE = "VERSION"  # at the root of a frozen bundle, written by build_installer.py


def app_version() -> str:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        stamped = Path(frozen_root) / VERSION_FILE
        if stamped.is_file():
            return stamped.read_text(encoding="utf-8").strip()
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    try:
        return metadata.version("krukhor")
    except metadata.PackageNotFoundError:
        return "unknown"
