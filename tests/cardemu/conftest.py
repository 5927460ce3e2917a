"""The emulated Thai ID card behind the real PC/SC stack (pcscd + vpcd); skipped with the reason when missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

EMULATOR = Path(__file__).with_name("thai_card.py")
SYSTEM_PYTHON = "/usr/bin/python3"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
VIRTUALSMARTCARD = "/usr/lib/python3/site-packages/virtualsmartcard/virtualsmartcard"
READER = "Virtual PCD 00 00"  # vpcd's first slot listens on port 35963
SECOND_READER = "Virtual PCD 00 01"  # and its second on 35964 (the emulated cards connect to 127.0.0.1 only)
READERS = (READER, SECOND_READER)
CARD = {
    "cid": "1101700203450",
    "name_th": "นาย#สมชาย##ใจดี",
    "name_en": "Mr.#Somchai##Jaidee",
    "birth": "25100615",
    "sex": "1",
    "issuer": "อำเภอเมืองขอนแก่น/ขอนแก่น",
    "issued": "25650101",
    "expires": "25740614",
    "address": "99/1#หมู่ที่ 5###ถนนมิตรภาพ#ตำบลในเมือง#อำเภอเมืองขอนแก่น#จังหวัดขอนแก่น",
}


def _missing() -> str | None:
    try:
        import smartcard  # noqa: F401
    except ImportError:
        return "pyscard is not installed (Linux: apt install swig libpcsclite-dev, then pip install pyscard)"
    if not shutil.which("pcscd") and not os.path.exists("/usr/sbin/pcscd"):
        return "pcscd is not installed (apt install pcscd)"
    if not os.path.exists(VPCD_DRIVER):
        return "the vpcd virtual reader is not installed (apt install vsmartcard-vpcd)"
    if not os.path.exists(SYSTEM_PYTHON) or not os.path.isdir(VIRTUALSMARTCARD):
        return "virtualsmartcard is not installed (apt install python3-virtualsmartcard)"
    return None


def _readers() -> list[str]:
    from desktop.core.cardreader import reader
    from desktop.core.cardreader.thaiid import CardError

    try:
        h = reader._context()
    except CardError:
        return []
    try:
        return reader.list_readers(h)
    finally:
        reader.scard.SCardReleaseContext(h)


class PcscService:
    """The pcscd these tests run on; ``stop()`` and ``start()`` only when the tests started it themselves."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def ours(self) -> bool:
        return self.proc is not None

    def start(self) -> bool:
        pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
        self.proc = subprocess.Popen(
            [pcscd, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(50):
            if READER in _readers():
                return True
            time.sleep(0.1)
        self.stop()
        return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=5)
        for _ in range(50):
            if not _readers():
                return
            time.sleep(0.1)


@pytest.fixture(scope="session")
def pcsc() -> Iterator[PcscService]:
    """pcscd with vpcd's reader: the running one, or one started for the tests (and stopped after them)."""
    why = _missing()
    if why:
        pytest.skip(why)
    service = PcscService()
    if READER not in _readers() and not service.start():
        service.proc = None
        pytest.skip("pcscd did not show vpcd's reader (is another pcscd running without vpcd?)")
    try:
        yield service
    finally:
        if service.ours:
            service.stop()


def _card_present(name: str = READER) -> bool:
    from desktop.core.cardreader import reader
    from desktop.core.cardreader.thaiid import CardError

    try:
        h = reader._context()
    except CardError:  # pcscd stopped by a test: no card anywhere
        return False
    try:
        _hr, states = reader.scard.SCardGetStatusChange(h, 0, [(name, reader.scard.SCARD_STATE_UNAWARE)])
        return bool(states and states[0][1] & reader.scard.SCARD_STATE_PRESENT)
    finally:
        reader.scard.SCardReleaseContext(h)


@pytest.fixture
def insert_card(pcsc: PcscService, tmp_path: Path) -> Iterator[Callable[..., object]]:
    """insert_card(kind=..., atr=..., **fields) as a context manager: the card is in the reader inside it."""
    procs: list[subprocess.Popen[str]] = []

    @contextmanager
    def insert(
        *, kind: str = "thai", atr: str = "new", pull_after: int = 4, slot: int = 0, **fields: str
    ) -> Iterator[None]:
        path = tmp_path / f"card{len(procs)}.json"
        path.write_text(json.dumps({**CARD, **fields}, ensure_ascii=False), encoding="utf-8")
        cmd = [
            SYSTEM_PYTHON,
            str(EMULATOR),
            str(path),
            "--kind",
            kind,
            "--atr",
            atr,
            "--pull-after",
            str(pull_after),
            "--slot",
            str(slot),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "inserted"
        try:
            yield
        finally:
            remove(proc, READERS[slot])

    def remove(proc: subprocess.Popen[str], name: str = READER) -> None:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=5)
        for _ in range(50):  # vpcd notices the card gone within its polling interval
            if not _card_present(name):
                return
            time.sleep(0.05)

    try:
        yield insert
    finally:
        for proc in procs:
            remove(proc)


@pytest.fixture
def python() -> str:
    return sys.executable
