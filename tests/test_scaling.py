"""Work that grows with the size of a pack grows in proportion to it: counted in lines run, never timed.

A pack of twice as many exercises must cost about twice the work to check,
whatever its ladders look like. The work is counted as the lines of the
ladder modules that run (a trace), which no machine's speed changes.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

import pytest

import backext
from backext import _checks, _clean, _ladder


_COUNTED = {module.__file__ for module in (_checks, _clean, _ladder)}


def _lines_run(work: Callable[[], object]) -> int:
    count = 0

    def trace(frame: types.FrameType, event: str, arg: object) -> object:
        nonlocal count
        if frame.f_code.co_filename not in _COUNTED:
            return None
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()  # a coverage tracer, say: put back afterwards
    sys.settrace(trace)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


def _pack(exercises: int, chain: int, *, back_links: bool) -> dict[str, object]:
    """*exercises* minimal exercises in ladders of *chain*, linked both ways or by next links only."""
    found = []
    for index in range(exercises):
        progression: dict[str, str] = {}
        if index + 1 < exercises and index % chain != chain - 1:
            progression["next_exercise"] = f"e{index + 1}"
        if back_links and index % chain:
            progression["previous_exercise"] = f"e{index - 1}"
        found.append(
            {
                "id": f"e{index}",
                "name": "n",
                "level": "beginner",
                "purpose": "p",
                "starting_position": "s",
                "steps": [{"text": "t"}],
                "hold": {"start_seconds": 1, "target_seconds": 2},
                "repetitions": {"minimum": 1, "maximum": 1},
                "progression": progression,
                "movements": ["prone"],
            }
        )
    return {"id": "p", "title": "t", "version": "1", "disclaimer": "d", "exercises": found}


@pytest.mark.parametrize("back_links", [True, False], ids=["two-way", "one-way"])
def test_checking_long_ladders_grows_in_proportion_to_the_exercises(back_links):
    # Found by a black-box attack: each previous link walked the whole pack (and each one-way link did, to retrace
    # it), so 10,000 exercises in ladders of 20 took 11 s to check, and 40,000 took five minutes.
    limits = backext.Limits(max_problems=10)  # the one-way warnings, counted past the limit, are not the work here

    def work(exercises: int) -> int:
        document = _pack(exercises, 20, back_links=back_links)
        return _lines_run(lambda: backext.validate_pack(document, limits=limits))

    small, large = work(300), work(600)
    assert large < 2.5 * small, (small, large)
