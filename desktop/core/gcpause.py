"""Holding Python's cyclic garbage collector off while bulk work allocates hundreds of thousands of objects.

A national roster makes ~75,000 row tuples, dicts and outcomes that all stay alive: each collection then walks
them all again for nothing, a quarter of the import's Python time. Nothing in that work makes reference
cycles worth collecting, and the collector is switched back on when the last bulk job ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; nested or concurrent blocks keep it off until the last ends."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
