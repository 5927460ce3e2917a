"""The rule of the house: db and desktop/core never import PySide6; server never imports desktop."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute module named by an import or from-import anywhere in the file (functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _offenders(files: list[Path], forbidden: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line} imports {name}"
        for path in files
        for line, name in _imported_modules(path)
        if name == forbidden or name.startswith(forbidden + ".")
    ]


def test_the_walker_sees_nested_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from PySide6.QtWidgets import QWidget\n"
        "class C:\n    import PySide6\n"
        "import importlib\nimportlib.import_module('PySide6.QtCore')\n",
        encoding="utf-8",
    )
    assert sorted(name for _, name in _imported_modules(sample)) == [
        "PySide6",
        "PySide6.QtCore",
        "PySide6.QtWidgets",
        "importlib",
    ]
    assert len(_offenders([sample], "PySide6")) == 3


def test_db_and_core_never_import_pyside6() -> None:
    files = _python_files("db", "desktop/core")
    assert len(files) > 20  # the walk found the code
    assert ROOT / "desktop" / "core" / "rounds" / "rounds.py" in files
    assert ROOT / "db" / "migrations" / "versions" / "0001_initial_schema.py" in files
    assert _offenders(files, "PySide6") == []


def test_server_never_imports_desktop() -> None:
    files = _python_files("server")
    assert ROOT / "server" / "app.py" in files and ROOT / "server" / "migrations" / "env.py" in files
    assert _offenders(files, "desktop") == []
    assert _offenders(files, "PySide6") == []


def test_the_sync_protocol_is_shared_code_without_either_end() -> None:
    files = _python_files("db/sync")
    assert ROOT / "db" / "sync" / "merge.py" in files
    assert _offenders(files, "desktop") == [] and _offenders(files, "server") == []


def test_importing_the_server_loads_neither_qt_nor_the_desktop() -> None:
    code = (
        "import sys\n"
        "import server.app, server.cli, server.admin\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'desktop'))\n"
        "print('loaded:', bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "loaded: []"


def test_importing_the_core_loads_no_qt() -> None:
    code = (
        "import sys\n"
        "import db.models, desktop.core.people.people, desktop.core.rounds.rounds, desktop.core.demo.province\n"
        "import desktop.core.rounds.enrolment, desktop.core.exports.dashboard, desktop.cli\n"
        "qt = sorted(m for m in sys.modules if m == 'PySide6' or m.startswith('PySide6.'))\n"
        "print('loaded:', qt)\n"
        "assert 'desktop.core.demo.province' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "loaded: []"
