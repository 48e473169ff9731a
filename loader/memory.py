"""Handing memory the build has freed back to the system, between stages.

Python's objects larger than 512 bytes (a document's text, a list or dict of a whole corpus, a batch of
rows, a worker's reading as it arrives pickled) come from the C library's allocator. When they are
freed, glibc keeps their pages: only the top of its heap goes back by itself, and a freed block below a
block still in use stays resident. At the start of the taxonomy stage of a build of corpus-1000000, glibc
held 212.5 MB of heap of which 125.8 MB was free (`python -m bench.census ... --stage taxonomy`): room
no later stage was sure to reuse, counted in the build's peak all the same. `malloc_trim(0)` returns
every whole free page of that heap (madvise), wherever it lies; it changes no object and no result.
"""
from __future__ import annotations

import ctypes
import sys
from typing import Callable, Optional


def _malloc_trim() -> Optional[Callable[[int], int]]:
    """glibc's malloc_trim, or None where the C library has none (macOS, musl, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the C library this process already uses
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def can_give_back() -> bool:
    """Whether `give_back` does anything on this system."""
    return _TRIM is not None


def give_back() -> None:
    """Return the C allocator's free pages to the system (glibc's malloc_trim); elsewhere, nothing."""
    if _TRIM is not None:
        _TRIM(0)
