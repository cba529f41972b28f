"""Pausing Python's cyclic garbage collector around work that makes many small objects at once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused(*, collect_after: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while the block runs; reference counting still frees memory.

    Making hundreds of thousands of small objects in one go (a portfolio's facts and findings, PyThaiNLP's
    word trie) makes the collector run again and again over everything made so far, for nothing: those
    objects hold no reference cycles. Uses may nest and may run in several threads at once: the first one
    pauses the collector, and the last one to end puts it back as the first found it.

    With ``collect_after``, the last one to end runs one full collection when the collector is back on:
    the objects made meanwhile would otherwise make the next few collections (in whatever runs next, such
    as a one-client assessment that should take milliseconds) scan the whole heap.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            resumed = _depth == 0 and _was_enabled
            if resumed:
                gc.enable()
        if resumed and collect_after:
            gc.collect()
