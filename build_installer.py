"""Builds the app bundle (PyInstaller, one folder: krukhor + krukhor-cli) and the Windows installer (NSIS).

    python build_installer.py                  # bundle in dist/krukhor/, its self-test, then the installer
    python build_installer.py --installer-only # only compile packaging/krukhor.nsi against a placeholder
    python build_installer.py --no-installer   # only the bundle (and its self-test)

On Windows the installer is dist/krukhor-VERSION-setup.exe, made from the bundle. Elsewhere the bundle is
built the same way, and the NSIS script is compiled (when makensis is installed) against a small
placeholder folder into build/nsis-check/, so the script is tested on every platform.
The pieces (what to keep in the bundle, the checks, the makensis command) are plain functions that
packaging/krukhor.spec and the tests import.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "krukhor.spec"
NSIS_SCRIPT = PACKAGING / "krukhor.nsi"
APP_NAME = "krukhor"
GUI_NAME = "krukhor"
CLI_NAME = "krukhor-cli"
CONTENTS_DIR = "_internal"  # PyInstaller 6's default: everything but the executables goes there
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""

# Python modules the app never uses that hooks or optional imports would drag in.
EXCLUDED_MODULES = (
    "tkinter",
    "_tkinter",
    "unittest",
    "pydoc_data",
    "IPython",
    "pytest",
    "hypothesis",
    "pdfplumber",
    "pdfminer",
    "pypdfium2",
    # The server's PostgreSQL drivers (SQLAlchemy's hook lists every dialect's driver).
    "psycopg",
    "psycopg2",
    "psycopg_binary",
    "psycopg_c",
    "asyncpg",
    "pymysql",
    # Syntax colouring someone's optional import pulls in (cryptography stays: it seals the device token).
    "pygments",
    "numpy",
    "pandas",
    "matplotlib",
    "scipy",
    "torch",
    "onnxruntime",
    "sklearn",
    "PyQt5",
    "PyQt6",
    "PySide2",
)
# Qt modules we do not use (QtPdf, QtCharts and QtPrintSupport stay: print preview and dashboard need them).
EXCLUDED_QT_MODULES = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtDataVisualization",
    "QtDesigner",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetworkAuth",
    "QtNfc",
    "QtPositioning",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
)
# Shared-library name fragments of those modules, dropped if a plugin's dependency scan pulls them in anyway.
EXCLUDED_QT_LIBRARIES = (
    "Qt6WebEngine",
    "Qt6Quick",
    "Qt6Qml",
    "Qt63D",
    "Qt6Multimedia",
    "Qt6Designer",
    "Qt6VirtualKeyboard",
    "Qt6Location",
    "Qt6Positioning",
    "Qt6Sensors",
    "Qt6Bluetooth",
    "Qt6Nfc",
    "Qt6SerialPort",
    "Qt6SerialBus",
    "Qt6ShaderTools",
    "Qt6SpatialAudio",
    "Qt6TextToSpeech",
    "Qt6Graphs",
    "Qt6DataVisualization",
    "Qt6RemoteObjects",
    "Qt6Scxml",
    "Qt6Sql",
    "Qt6Test",
    "Qt6WebChannel",
    "Qt6WebSockets",
    "Qt6HttpServer",
    "Qt6PdfQuick",
    "avcodec",
    "avformat",
    "avutil",
    "swresample",
    "swscale",
)
# Qt plugin folders that serve modules we do not ship (the platforms, image formats, styles, printing and
# icon engines stay).
EXCLUDED_QT_PLUGIN_DIRS = (
    "multimedia",
    "qmltooling",
    "scenegraph",
    "sqldrivers",
    "position",
    "sensors",
    "texttospeech",
    "virtualkeyboard",
    "renderers",
    "sceneparsers",
    "geometryloaders",
    "renderplugins",
    "3dinputdevices",
    "webview",
    "designer",
)
# Qt's own translations: only Thai and English (the UI is Thai; Qt's standard dialogs follow it).
KEPT_QT_TRANSLATION_LANGS = ("th", "en")
# pythainlp ships 60 MB of corpora and models; the app needs the newmm word list (line breaking), the stop
# words (read when the tokenizer loads), the corpus catalogue and the corpus licence.
PYTHAINLP_CORPUS_FILES = ("words_th.txt", "stopwords_th.txt", "default_db.json", "corpus_license.md")


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    with pyproject.open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def windows_file_version(version: str) -> str:
    """'0.1.0' → '0.1.0.0': Windows version resources want four numbers (a suffix like 'rc1' is dropped)."""
    numbers = []
    for part in version.split(".")[:4]:
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        numbers.append(str(int(digits or "0")))
    while len(numbers) < 4:
        numbers.append("0")
    return ".".join(numbers)


def _parts(dest: str) -> tuple[str, ...]:
    return PurePosixPath(dest.replace("\\", "/")).parts


def keep_data(dest: str) -> bool:
    """Whether a data file (its path inside the bundle) belongs in the bundle."""
    parts = _parts(dest)
    if parts[:2] == ("pythainlp", "corpus"):
        return len(parts) == 3 and parts[2] in PYTHAINLP_CORPUS_FILES
    if len(parts) >= 3 and parts[0] == "PySide6" and "translations" in parts:
        name = parts[-1]
        if name.endswith(".qm"):
            lang = name[:-3].split("_", 1)[-1]
            return lang.split("_")[0] in KEPT_QT_TRANSLATION_LANGS
        return True
    return keep_binary(dest)


def keep_binary(dest: str) -> bool:
    """Whether a shared library or Qt plugin (its path inside the bundle) belongs in the bundle."""
    parts = _parts(dest)
    name = parts[-1] if parts else ""
    if "plugins" in parts:
        after = parts[parts.index("plugins") + 1 :]
        if after and after[0] in EXCLUDED_QT_PLUGIN_DIRS:
            return False
    return not any(fragment in name for fragment in EXCLUDED_QT_LIBRARIES)


def excluded_modules() -> list[str]:
    return [*EXCLUDED_MODULES, *(f"PySide6.{m}" for m in EXCLUDED_QT_MODULES)]


# ------------------------------------------------------------------------------------------ checks


def required_bundle_files(*, windows: bool = sys.platform == "win32") -> list[str]:
    """Paths (relative to the bundle folder) without which the installed app cannot work."""
    exe = ".exe" if windows else ""
    inner = CONTENTS_DIR
    platform_plugin = "qwindows.dll" if windows else "libqxcb.so"
    offscreen = "qoffscreen.dll" if windows else "libqoffscreen.so"
    plugins = f"{inner}/PySide6/plugins" if windows else f"{inner}/PySide6/Qt/plugins"
    return [
        f"{GUI_NAME}{exe}",
        f"{CLI_NAME}{exe}",
        f"{inner}/VERSION",
        f"{inner}/resources/fonts/Sarabun-Regular.ttf",
        f"{inner}/resources/fonts/Sarabun-Bold.ttf",
        f"{inner}/resources/fonts/OFL.txt",
        f"{inner}/resources/reference/provinces.csv",
        f"{inner}/resources/forms/paylist.json",
        f"{inner}/resources/reference/districts.csv",
        f"{inner}/resources/reference/subdistricts.csv",
        f"{inner}/resources/translations/qtbase_th.qm",  # Qt's buttons and dialogs in Thai
        f"{inner}/db/migrations/env.py",
        f"{inner}/db/migrations/versions",
        f"{inner}/pythainlp/corpus/words_th.txt",
        f"{inner}/reportlab/fonts/Vera.ttf",
        f"{plugins}/platforms/{platform_plugin}",
        f"{plugins}/platforms/{offscreen}",
    ]


def check_bundle(folder: Path, *, windows: bool = sys.platform == "win32") -> list[str]:
    """What is missing from a built bundle (empty when it is complete)."""
    problems = [
        f"missing {rel}" for rel in required_bundle_files(windows=windows) if not (folder / rel).exists()
    ]
    versions = folder / CONTENTS_DIR / "db" / "migrations" / "versions"
    source_revisions = sorted(p.name for p in (ROOT / "db" / "migrations" / "versions").glob("*.py"))
    bundled = sorted(p.name for p in versions.glob("*.py")) if versions.is_dir() else []
    if bundled != source_revisions:
        problems.append(f"migrations in the bundle {bundled} differ from the source {source_revisions}")
    unwanted = [
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and not keep_binary(str(p.relative_to(folder)))
    ]
    problems.extend(f"should have been left out: {rel}" for rel in unwanted[:10])
    return problems


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


# ------------------------------------------------------------------------------------------ NSIS


def find_makensis() -> str | None:
    found = shutil.which("makensis")
    if found:
        return found
    for env in ("ProgramFiles(x86)", "ProgramFiles"):
        base = os.environ.get(env)
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(Path(base) / "NSIS" / "makensis.exe")
    return None


def makensis_command(*, makensis: str, version: str, bundle: Path, out_file: Path) -> list[str]:
    return [
        makensis,
        "-V2",
        "-INPUTCHARSET",
        "UTF8",
        f"-DVERSION={version}",
        f"-DFILE_VERSION={windows_file_version(version)}",
        f"-DBUNDLE_DIR={bundle}",
        f"-DOUT_FILE={out_file}",
        str(NSIS_SCRIPT),
    ]


def make_placeholder_bundle(folder: Path) -> Path:
    """A stand-in for the bundle folder (two 'executables' and one file inside) to compile the script on Linux."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / CONTENTS_DIR).mkdir(parents=True)
    for name in (f"{GUI_NAME}.exe", f"{CLI_NAME}.exe"):
        (folder / name).write_bytes(b"MZ placeholder, not a program\n")
    (folder / CONTENTS_DIR / "VERSION").write_text(project_version() + "\n", encoding="utf-8")
    return folder


def compile_installer(*, bundle: Path, out_file: Path, version: str, makensis: str) -> Path:
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.unlink(missing_ok=True)
    cmd = makensis_command(makensis=makensis, version=version, bundle=bundle, out_file=out_file)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out_file.is_file():
        raise BuildError(f"makensis failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return out_file


# ------------------------------------------------------------------------------------------ building


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


@dataclass(frozen=True)
class BuildResult:
    bundle: Path | None
    bundle_bytes: int
    build_seconds: float
    installer: Path | None
    installer_bytes: int


def build_bundle(*, dist: Path, work: Path, clean: bool = False) -> Path:
    """Run PyInstaller on packaging/krukhor.spec; returns dist/krukhor."""
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    if clean:
        cmd.append("--clean")
    done = subprocess.run(cmd, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise BuildError(f"PyInstaller failed with exit code {done.returncode}")
    bundle = dist / APP_NAME
    problems = check_bundle(bundle)
    if problems:
        raise BuildError("the bundle is incomplete:\n  " + "\n  ".join(problems))
    return bundle


def run_bundle_self_test(bundle: Path, *, gui: bool = False, timeout: float = 300) -> tuple[int, str]:
    """Run an executable's --self-test offscreen; returns its exit code and its report.

    The report is read from --self-test-report: a windowed Windows executable has no stdout.
    """
    exe = bundle / f"{GUI_NAME if gui else CLI_NAME}{EXE_SUFFIX}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)  # the bundle must not lean on a checkout
    with tempfile.TemporaryDirectory(prefix="krukhor-build-") as folder:
        report = Path(folder) / "report.txt"
        done = subprocess.run(
            [str(exe), "--self-test", "--self-test-report", str(report)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=timeout,
            check=False,
        )
        text = report.read_text(encoding="utf-8") if report.is_file() else done.stdout + done.stderr
    return done.returncode, text


def build(
    *,
    dist: Path = ROOT / "dist",
    work: Path = ROOT / "build",
    bundle: bool = True,
    installer: bool = True,
    self_test: bool = True,
    clean: bool = False,
) -> BuildResult:
    version = project_version()
    started = time.perf_counter()
    folder = None
    if bundle:
        folder = build_bundle(dist=dist, work=work, clean=clean)
    build_seconds = time.perf_counter() - started
    if folder is not None and self_test:
        for gui in (False, True):
            code, report = run_bundle_self_test(folder, gui=gui)
            print(report, end="")
            if code != 0:
                raise BuildError(f"the bundle's self-test failed ({'GUI' if gui else 'CLI'}, exit {code})")
    setup = None
    if installer:
        makensis = find_makensis()
        if makensis is None:
            if sys.platform == "win32":
                raise BuildError("makensis not found: install NSIS (choco install nsis)")
            print("makensis not found: the installer script was not compiled (apt-get install nsis)")
        elif sys.platform == "win32":
            if folder is None:
                raise BuildError("the Windows installer needs the bundle: run without --installer-only")
            setup = compile_installer(
                bundle=folder,
                out_file=dist / f"{APP_NAME}-{version}-setup.exe",
                version=version,
                makensis=makensis,
            )
        else:
            placeholder = make_placeholder_bundle(work / "nsis-check" / "bundle")
            setup = compile_installer(
                bundle=placeholder,
                out_file=work / "nsis-check" / f"{APP_NAME}-{version}-setup-check.exe",
                version=version,
                makensis=makensis,
            )
    return BuildResult(
        bundle=folder,
        bundle_bytes=folder_size(folder) if folder else 0,
        build_seconds=build_seconds if folder else 0.0,
        installer=setup,
        installer_bytes=setup.stat().st_size if setup else 0,
    )


def describe(result: BuildResult) -> Iterable[str]:
    if result.bundle is not None:
        yield f"bundle: {result.bundle} ({result.bundle_bytes / 2**20:.0f} MB) built in {result.build_seconds:.0f} s"
    if result.installer is not None:
        what = "installer" if sys.platform == "win32" else "installer script compiled (placeholder payload)"
        yield f"{what}: {result.installer} ({result.installer_bytes / 2**20:.1f} MB)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--installer-only", action="store_true", help="only compile the NSIS script")
    mode.add_argument("--no-installer", action="store_true", help="only build the bundle")
    parser.add_argument("--no-self-test", action="store_true", help="do not run the bundle's self-test")
    parser.add_argument("--clean", action="store_true", help="rebuild from scratch (PyInstaller --clean)")
    args = parser.parse_args(argv)
    try:
        result = build(
            dist=args.dist.resolve(),
            work=args.work.resolve(),
            bundle=not args.installer_only,
            installer=not args.no_installer,
            self_test=not args.no_self_test,
            clean=args.clean,
        )
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    for line in describe(result):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
