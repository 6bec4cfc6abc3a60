"""Giving memory back to the system after a big piece of work (a PDF, an export)."""

import ctypes
import functools


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def return_freed_memory():
    """Hand the memory a finished job freed back to the system.

    A render allocates and frees tens of megabytes in small pieces (boxes, Pango layouts,
    PDF objects), a streamed export 80,000 rows a chunk at a time; glibc keeps the freed
    pages in its heaps for the next allocation, and a worker child that had rendered once
    held a third more than before. ``malloc_trim(0)`` returns them; it takes a few
    milliseconds.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
