"""The GUI entry point: krukhor [--db PATH] [--demo]."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from db.migrate import DatabaseTooNewError, MigrationError
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.people import places
from desktop.core.people.reference_places import load_reference_places
from desktop.paths import default_db_path
from desktop.selftest import add_self_test_arguments, run_and_report


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="krukhor", description="ระบบบริหารการฝึกอบรมครู ข")
    parser.add_argument("--db", type=Path, default=None, help=f"database file (default: {default_db_path()})")
    parser.add_argument(
        "--demo", action="store_true", help="on an empty database, create the demo province first"
    )
    parser.add_argument("--demo-people", type=int, default=2000)
    parser.add_argument(
        "--user", default=None, metavar="NAME", help="sign in as this account, password from KRUKHOR_PASSWORD"
    )
    parser.add_argument(
        "--quit-after", type=float, default=None, help=argparse.SUPPRESS
    )  # benchmarks, screenshots
    add_self_test_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    if args.self_test:
        from desktop.ui.selftest_qt import QT_STEPS

        return run_and_report(extra_steps=QT_STEPS, report_path=args.self_test_report)
    missing = no_screen_message()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop.core.accounts import idle
    from desktop.ui.accounts.idle_lock import IdleLock
    from desktop.ui.accounts.start import sign_in_at_start
    from desktop.ui.app_setup import prepare_app

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("krukhor")
    prepare_app(app)  # font, Qt's texts in Thai, windows kept on the screen
    db_path = args.db or default_db_path()
    try:
        ctx = _open_with_recovery(db_path)
    except (DatabaseTooNewError, MigrationError, CoreError) as exc:
        QMessageBox.critical(None, "เปิดฐานข้อมูลไม่ได้", str(exc))
        return 3
    if ctx is None:
        return 0
    if args.quit_after is not None:  # also out of the setup and login dialogs
        QTimer.singleShot(int(args.quit_after * 1000), lambda: _quit_now(app))
    if args.demo and office.get_office(ctx) is None:
        from desktop.core.demo import province as demo  # only with --demo: a fifth of the start otherwise
        from desktop.core.demo.accounts import create_demo_accounts

        demo.generate_demo(ctx, people=args.demo_people)
        create_demo_accounts(ctx)  # passwords in the README
    own = office.get_office(ctx)
    if own is None:
        from desktop.ui.dialogs.setup import SetupDialog  # a new PC only: it brings the network client

        dialog = SetupDialog(office.list_provinces(ctx), ctx=ctx)
        if not dialog.exec():
            return 0
        if (
            dialog.joined is not None
        ):  # another PC of a working office: its data and accounts pulled, no admin made
            own = dialog.joined.office
        else:
            own = office.setup_office(ctx, province_code=dialog.chosen_code() or "")
            load_reference_places(
                ctx
            )  # the province's districts, so a first round can name them before a roster
        if ctx.db_path is not None:  # shown once, at setup, for the head of office to print and keep
            from desktop.core.keys.opening import recovery_key_text
            from desktop.ui.dialogs.recovery_key import RecoveryKeyDialog

            RecoveryKeyDialog(
                recovery_key_text(ctx.db_path), office_name=own.name_th, db_path=ctx.db_path
            ).exec()
    elif not places.list_districts(
        ctx
    ):  # an office set up before the DOPA list shipped, still without a roster
        load_reference_places(ctx)
    if not sign_in_at_start(ctx, office_name=own.name_th, user=args.user, started=started):
        ctx.close()
        return 0
    from desktop.ui.main_window import MainWindow  # after the login: the dialog does not wait for every page

    window = MainWindow(ctx, own)
    window.idle_lock = IdleLock(ctx, window, minutes=idle.lock_minutes(ctx))
    # The modules and widgets made so far live as long as the program: moved out of the collector's reach,
    # so its first full collection (~50 ms with PySide6, SQLAlchemy and pythainlp loaded) does not walk them
    # while the dashboard loads.
    gc.freeze()
    window.show()
    print(
        f"main window shown in {time.perf_counter() - started:.2f} s (CPU {time.process_time():.2f} s)",
        file=sys.stderr,
    )
    code = app.exec()
    ctx.close()
    for widget in app.topLevelWidgets():  # a restore from the settings page reopened the file in a new window
        if isinstance(widget, MainWindow):
            widget.ctx.close()
    return code


def _quit_now(app: object) -> None:
    """--quit-after: close an open dialog (its exec() then returns) and leave the event loop."""
    from PySide6.QtWidgets import QApplication, QDialog

    assert isinstance(app, QApplication)
    for widget in app.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    app.quit()


NO_SCREEN = (
    "โปรแกรมนี้ต้องมีหน้าจอ แต่ไม่พบจอภาพ (ไม่ได้ตั้ง DISPLAY หรือ WAYLAND_DISPLAY) / "
    "A screen is needed: run it on the desktop, or under `xvfb-run -a bash scripts/run-app.sh`, "
    "or with QT_QPA_PLATFORM=offscreen to run without showing anything."
)


def no_screen_message(environ: dict[str, str] | None = None, platform: str = sys.platform) -> str:
    """On Linux without a display (SSH, a container), the sentence to print instead of Qt's xcb crash."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return ""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return ""
    return NO_SCREEN


def _open_with_recovery(db_path: Path) -> AppContext | None:
    """Open the database; when this user has no key for it, ask for the recovery key until it opens or Cancel."""
    from desktop.core.keys.opening import RecoveryKeyRequiredError
    from desktop.core.keys.recovery import BadRecoveryKeyError
    from desktop.ui.dialogs.recovery_key import RecoveryPromptDialog

    try:
        return AppContext.open(db_path)
    except RecoveryKeyRequiredError as exc:
        dialog = RecoveryPromptDialog(exc.message)
    while dialog.exec():
        try:
            return AppContext.open(db_path, recovery_key=dialog.key.text())
        except BadRecoveryKeyError as exc:
            dialog.show_error(exc.message)
    return None


if __name__ == "__main__":
    raise SystemExit(main())
