"""The idle lock: after the set minutes without a key or a click, the lock screen opens over everything.

It is a modal dialog on top of whatever was open (a half-filled form, an unsaved grid), so nothing typed is lost;
the same account's password closes it, or another account signs in there (เปลี่ยนผู้ใช้, see LoginDialog): then
`switched` tells the window (its status bar and pages follow the new person; the audit does through ctx).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop.core.context import AppContext
from desktop.ui.accounts.login_dialog import LoginDialog

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleLock(QObject):
    switched = Signal(object)  # the SignedIn now at the keyboard, after another account signed in on the lock

    def __init__(self, ctx: AppContext, window: QWidget, *, minutes: float) -> None:
        super().__init__(window)
        self.ctx, self.window = ctx, window
        if callable(follow := getattr(window, "account_changed", None)):
            self.switched.connect(follow)
        self.screen: LoginDialog | None = None
        self.covers: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.screen is None:
            self.timer.start()
        return False

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def lock(self) -> None:
        if self.screen is not None or self.ctx.account is None:
            return
        # Whatever is open stays open (a dialog hidden would end its exec() and lose what was typed), but an opaque
        # cover lies over each window while locked: personal data on screen is not for whoever walks by.
        self.covers = []
        for top in QApplication.topLevelWidgets():
            if top.isVisible():
                cover = QWidget(top)
                cover.setObjectName("idle_lock_cover")
                cover.setAutoFillBackground(True)
                cover.setGeometry(top.rect())
                cover.raise_()
                cover.show()
                self.covers.append(cover)
        self.screen = LoginDialog(self.ctx, locked=self.ctx.account, parent=self.window)
        self.screen.accepted.connect(self._unlocked)
        self.screen.setWindowModality(
            Qt.WindowModality.ApplicationModal
        )  # over any form or dialog already open
        self.screen.show()

    def _unlocked(self) -> None:
        before = self.screen.locked if self.screen is not None else None
        for cover in self.covers:
            cover.hide()  # at once: deleteLater waits for the event loop, and the window must show now
            cover.deleteLater()
        self.covers = []
        if self.screen is not None:
            self.screen.deleteLater()
        self.screen = None
        self.timer.start()
        now = self.ctx.account
        if now is not None and (before is None or now.account_id != before.account_id):
            self.switched.emit(now)
