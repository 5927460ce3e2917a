"""The PC/SC card reader (pyscard): reader status, card inserted/removed watched off the GUI thread, timed reads."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop.core.cardreader import thaiid
from desktop.core.cardreader.thaiid import REMOVED, CardData, CardError

try:
    from smartcard import scard
except ImportError:  # pyscard missing: typing and scanning IDs still work
    scard = None

STATUS_LABELS = {
    "unavailable": "ใช้เครื่องอ่านบัตรไม่ได้",
    "no_reader": "ไม่พบเครื่องอ่านบัตร",
    "ready": "พร้อม",
    "reading": "กำลังอ่าน",
}
NO_PYSCARD = (
    "เครื่องนี้ไม่ได้ติดตั้งส่วนอ่านบัตรของโปรแกรม จึงอ่านบัตรประชาชนไม่ได้ พิมพ์หรือสแกนเลขประจำตัวแทน"  # pyscard missing
)
NO_SERVICE = "บริการเครื่องอ่านบัตรของระบบ (PC/SC) ไม่ทำงาน จึงอ่านบัตรประชาชนไม่ได้ พิมพ์หรือสแกนเลขประจำตัวแทน"
NO_READER = "ไม่พบเครื่องอ่านบัตร กรุณาเสียบเครื่องอ่านบัตรเข้ากับเครื่อง (พิมพ์หรือสแกนเลขประจำตัวได้ตามปกติ)"
READER_GONE = "เครื่องอ่านบัตรถูกถอดออกระหว่างอ่าน กรุณาเสียบเครื่องอ่านกลับแล้วเสียบบัตรใหม่ (ไม่มีการบันทึกใด ๆ จากบัตรนี้)"
READ_TIMEOUT_S = 5.0


def timeout_message(seconds: float) -> str:
    return f"อ่านบัตรไม่เสร็จภายใน {seconds:g} วินาที กรุณาดึงบัตรออกแล้วเสียบใหม่"


@dataclass(frozen=True)
class ReaderEvent:
    # "status" (status changed), "card" (read), "error" (read failed), "removed" (card out),
    # "reader_added" / "reader_removed" (a reader plugged in or unplugged; ``reader`` names it)
    kind: str
    status: str  # a key of STATUS_LABELS
    reader: str = ""
    card: CardData | None = None
    error: CardError | None = None
    readers: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The reader status in Thai, with how many readers when there is more than one."""
        text = STATUS_LABELS[self.status]
        if self.status in ("ready", "reading") and len(self.readers) > 1:
            text += f" ({len(self.readers)} เครื่อง)"
        return text

    @property
    def message(self) -> str:
        """What happened, in Thai, for the events that are not a card read (empty otherwise)."""
        if self.kind == "reader_removed":
            if self.readers:
                return f"ถอดเครื่องอ่านบัตร {self.reader} ออกแล้ว ใช้เครื่องอ่านที่เหลือได้ ({len(self.readers)} เครื่อง)"
            return f"ถอดเครื่องอ่านบัตร {self.reader} ออกแล้ว เสียบกลับเพื่ออ่านบัตรต่อ (พิมพ์หรือสแกนเลขประจำตัวได้ตามปกติ)"
        if self.kind == "reader_added":
            return f"พบเครื่องอ่านบัตร {self.reader} พร้อมอ่านบัตร"
        if self.error is not None and self.status in ("no_reader", "unavailable"):
            return self.error.message
        return ""


def _removed_codes() -> set[int]:
    return {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_RESET_CARD}


def _reader_gone_codes() -> set[int]:
    """The reader itself went away (unplugged, or the PC/SC service stopped with it), not just the card."""
    return {
        scard.SCARD_E_READER_UNAVAILABLE,
        scard.SCARD_E_UNKNOWN_READER,
        scard.SCARD_E_NO_SERVICE,
        scard.SCARD_E_SERVICE_STOPPED,
        scard.SCARD_E_INVALID_HANDLE,
        scard.SCARD_F_COMM_ERROR,  # pcsc-lite: the connection to pcscd broke
    }


def _context() -> int:
    if scard is None:
        raise CardError("unavailable", NO_PYSCARD)
    hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise CardError("unavailable", NO_SERVICE)
    return hcontext


def list_readers(hcontext: int) -> list[str]:
    hresult, readers = scard.SCardListReaders(hcontext, [])
    if hresult != scard.SCARD_S_SUCCESS:
        return []  # SCARD_E_NO_READERS_AVAILABLE and the like
    return list(readers)


def _read_now(reader: str) -> CardData:
    """Connect to the card in this reader and read it (in the calling thread, its own PC/SC context)."""
    hcontext = _context()
    try:
        hresult, hcard, protocol = scard.SCardConnect(
            hcontext, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        )
        if hresult in _removed_codes():
            raise CardError("removed", REMOVED)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardError("not_thai_id", f"อ่านบัตรนี้ไม่ได้ ({scard.SCardGetErrorMessage(hresult)})")
        try:
            hresult, _name, _state, _proto, atr = scard.SCardStatus(hcard)
            if hresult != scard.SCARD_S_SUCCESS:
                raise CardError("removed", REMOVED)

            def transmit(apdu: list[int]) -> tuple[list[int], int, int]:
                code, response = scard.SCardTransmit(hcard, protocol, apdu)
                if code in _reader_gone_codes():
                    raise CardError("reader_removed", READER_GONE)
                if code != scard.SCARD_S_SUCCESS or len(response) < 2:
                    raise CardError("removed", REMOVED)
                return response[:-2], response[-2], response[-1]

            return thaiid.read_card(transmit, atr)
        finally:
            scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)
    finally:
        scard.SCardReleaseContext(hcontext)


def read_reader(reader: str, *, timeout: float = READ_TIMEOUT_S) -> CardData:
    """Read the card in this reader; a read that takes longer than ``timeout`` is abandoned (CardError)."""
    out: queue.Queue[CardData | BaseException] = queue.Queue(maxsize=1)

    def work() -> None:
        try:
            out.put(_read_now(reader))
        except BaseException as exc:  # handed to the waiting thread as it is
            out.put(exc)

    threading.Thread(target=work, name="card-read", daemon=True).start()
    try:
        result = out.get(timeout=timeout)
    except queue.Empty:
        raise CardError("timeout", timeout_message(timeout)) from None
    if isinstance(result, BaseException):
        if isinstance(result, CardError):
            raise result
        raise CardError("reader_error", f"อ่านบัตรไม่สำเร็จ: {result}") from result
    return result


class ReaderWatch:
    """Watches every reader in a thread of its own and calls ``on_event`` (from that thread) on each change.

    A card is read once when it arrives; removing it and inserting the next is the whole workflow.
    Readers plugged in or out are picked up on the next poll, each with a Thai message; two readers are watched
    alike. When the PC/SC service goes away (Windows stops it when the last reader is unplugged; pcscd
    restarted) the context is dropped and made again every ``retry_s``, so plugging a reader back is enough.
    """

    def __init__(
        self,
        on_event: Callable[[ReaderEvent], None],
        *,
        read_timeout: float = READ_TIMEOUT_S,
        poll_s: float = 0.2,
        retry_s: float = 1.0,
    ) -> None:
        self.on_event, self.read_timeout, self.poll_s, self.retry_s = on_event, read_timeout, poll_s, retry_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.status = ""
        self.readers: tuple[str, ...] = ()
        self._listed = False  # the first listing is the starting point, not a change

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="card-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _status(self, status: str, readers: tuple[str, ...] = (), error: CardError | None = None) -> None:
        if status != self.status:
            self.status = status
            self.on_event(ReaderEvent("status", status, error=error, readers=readers))

    def _readers_changed(self, readers: tuple[str, ...]) -> None:
        """Tell which readers were plugged in or unplugged (not at the first listing)."""
        before, self.readers = self.readers, readers
        if not self._listed:
            self._listed = True
            return
        for name in before:
            if name not in readers:
                self.on_event(
                    ReaderEvent("reader_removed", "ready" if readers else "no_reader", name, readers=readers)
                )
        for name in readers:
            if name not in before:
                self.on_event(ReaderEvent("reader_added", "ready", name, readers=readers))

    def _run(self) -> None:
        if scard is None:
            self._status("unavailable", error=CardError("unavailable", NO_PYSCARD))
            return
        while not self._stop.is_set():
            try:
                hcontext = _context()
            except CardError as exc:  # no service (yet): Windows starts it when a reader is plugged in
                if self._listed:
                    self._readers_changed(())
                self._status("unavailable", error=exc)
                self._stop.wait(self.retry_s)
                continue
            try:
                self._watch(hcontext)
            finally:
                scard.SCardReleaseContext(hcontext)
            self._stop.wait(self.poll_s)

    def _watch(self, hcontext: int) -> None:
        """Watch with one context until stopped or until the service breaks it (then the caller makes another)."""
        present: set[str] = set()
        states: dict[str, int] = {}
        while not self._stop.is_set():
            hresult, found = scard.SCardListReaders(hcontext, [])
            if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_NO_READERS_AVAILABLE):
                return  # the service went away or restarted: this context is dead
            readers = tuple(found) if hresult == scard.SCARD_S_SUCCESS else ()
            self._readers_changed(readers)
            if not readers:
                present.clear()
                states.clear()
                self._status("no_reader", error=CardError("no_reader", NO_READER))
                self._stop.wait(self.poll_s * 2)
                continue
            states = {r: states.get(r, scard.SCARD_STATE_UNAWARE) for r in readers}
            present &= set(readers)
            self._status("ready", readers)
            hresult, changed = scard.SCardGetStatusChange(
                hcontext, int(self.poll_s * 1000), [(r, s) for r, s in states.items()]
            )
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                if hresult not in (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE):
                    return  # no service, invalid handle, comm error: make a new context
                states.clear()  # a reader went away: list again
                self._stop.wait(self.poll_s)
                continue
            for reader, event_state, _atr in changed:
                states[reader] = event_state & ~scard.SCARD_STATE_CHANGED
                inserted = bool(event_state & scard.SCARD_STATE_PRESENT) and not (
                    event_state & (scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_UNKNOWN)
                )
                if inserted and reader not in present:
                    present.add(reader)
                    self._read(reader, readers)
                elif not inserted and reader in present:
                    present.discard(reader)
                    self.on_event(ReaderEvent("removed", "ready", reader, readers=readers))

    def _read(self, reader: str, readers: tuple[str, ...]) -> None:
        self._status("reading", readers)
        try:
            card = read_reader(reader, timeout=self.read_timeout)
        except CardError as exc:
            self.on_event(ReaderEvent("error", "reading", reader, error=exc, readers=readers))
        else:
            self.on_event(ReaderEvent("card", "reading", reader, card=card, readers=readers))
        self._status("ready", readers)


def wait_for_card(*, timeout: float, read_timeout: float = READ_TIMEOUT_S) -> CardData:
    """Block until a card is read from any reader (or raise CardError: no reader, bad card, nothing inserted)."""
    events: queue.Queue[ReaderEvent] = queue.Queue()
    watch = ReaderWatch(events.put, read_timeout=read_timeout)
    watch.start()
    try:
        while True:
            try:
                event = events.get(timeout=timeout)
            except queue.Empty:
                raise CardError("timeout", f"ไม่มีการเสียบบัตรภายใน {timeout:g} วินาที") from None
            if event.kind == "card" and event.card is not None:
                return event.card
            if event.error is not None and (
                event.kind == "error" or event.status in ("unavailable", "no_reader")
            ):
                raise event.error
    finally:
        watch.stop()
