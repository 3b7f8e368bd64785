"""How much memory a call holds at once: the one measure the tests of bounded memory use (never a time)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import TypeVar


T = TypeVar("T")


def peak(call: Callable[[], T]) -> tuple[T, int]:
    """What *call* returns, and the most memory, in bytes, that Python allocated at once while it ran."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
