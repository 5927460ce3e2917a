"""The rules of the house: db and desktop/core never import PySide6; server never imports desktop; no import circles."""

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


def _module_names(root: Path, folders: tuple[str, ...]) -> dict[str, Path]:
    names = {}
    for folder in folders:
        for path in (root / folder).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            names[".".join(parts)] = path
    return names


def _import_graph(root: Path, folders: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the modules of these folders it imports (anywhere in the file, relative imports too).

    ``from package import name`` counts as importing the module ``package.name`` when that is a module,
    else the package itself; a package is not counted as imported by the modules inside it.
    """
    modules = _module_names(root, folders)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                deps.update(filter(None, (known(a.name) for a in node.names)))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    target = f"{source}.{alias.name}"
                    deps.add(target if target in modules else known(source) or "")
        deps.discard("")
        deps.discard(name)
        graph[name] = {d for d in deps if not name.startswith(d + ".")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_circle_through_a_function_level_import(tmp_path: Path) -> None:
    pkg = tmp_path / "app"
    (pkg / "core").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "core" / "a.py").write_text("from app.core import b\n")
    (pkg / "core" / "b.py").write_text("def f():\n    from .c import g\n")
    (pkg / "core" / "c.py").write_text("import app.core.a\n")
    (pkg / "core" / "d.py").write_text("from app.core.a import x\n")
    graph = _import_graph(tmp_path, ("app",))
    assert graph["app.core.b"] == {"app.core.c"}
    assert _cycles(graph) == [["app.core.a", "app.core.b", "app.core.c"]]
    (pkg / "core" / "c.py").write_text(
        "import os\n"
    )  # the circle broken: d still imports a, a circle no more
    assert _cycles(_import_graph(tmp_path, ("app",))) == []


def test_no_import_circle_between_modules() -> None:
    graph = _import_graph(ROOT, ("db", "desktop", "server"))
    assert "desktop.core.rounds.marks" in graph["desktop.core.rounds.completion"]  # the walk found the code
    assert _cycles(graph) == []
