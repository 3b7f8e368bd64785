"""Work that grows with the size of a pack grows in proportion to it: counted in lines run, never timed.

A pack of twice as many exercises must cost about twice the work to check,
whatever its ladders look like. The work is counted as the lines of the
ladder modules that run (a trace), which no machine's speed changes.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def _shaped(exercises: int, shape: str) -> dict[str, object]:
    """Minimal exercises whose next (and previous) links make one *shape*: a star, a chain or a ring."""
    document = _pack(exercises, exercises + 1, back_links=shape == "two-way chain")
    for index, exercise in enumerate(document["exercises"]):  # type: ignore[attr-defined]
        if shape == "star":
            exercise["progression"] = {"next_exercise": "e0"} if index else {}
        elif shape == "ring":
            exercise["progression"] = {"next_exercise": f"e{(index + 1) % exercises}"}
    if shape == "two-way chain, top first":  # round 23: the quick proof that a pack is clean walked the chain
        chain = list(reversed(_pack(exercises, exercises + 1, back_links=True)["exercises"]))  # type: ignore[call-overload]
        for exercise in chain:  # as clean as a pack can be: the quick proof must see it through
            exercise.update({"movements": ["spinal-extension", "prone"], "sources": ["src"]})
            exercise["steps"] = [{"text": "t", "cue": "c"}]
        document.update(
            {
                "exercises": chain,
                "sources": [{"id": "src", "citation": "c"}],
                "default_locale": "en",
                "schema_version": 1,
            }
        )
    return document


@pytest.mark.parametrize("shape", ["star", "one-way chain", "two-way chain", "ring", "two-way chain, top first"])
def test_checking_one_way_links_grows_in_proportion_to_the_exercises(shape):
    # Found by a black-box attack (round 22): 8,000 exercises all leading to one with no previous link took two
    # minutes, a one-way chain of 8,000 a minute and a half, a two-way chain 11 s (each link retraced the way
    # down, or walked up the next links, from its own place).
    # With the default limits, a pack is first tried by the quick proof that it is clean (_clean), where the
    # chain with side steps down was quadratic (round 23); the other shapes, by the full checks.
    limits = backext.Limits() if shape == "two-way chain, top first" else backext.Limits(max_problems=10)

    def work(exercises: int) -> int:
        document = _shaped(exercises, shape)
        if shape == "two-way chain, top first":  # loaded: a clean pack is proven clean quickly (_clean)
            text = json.dumps(document)
            return _lines_run(lambda: backext.load_pack(text, format="json"))
        return _lines_run(lambda: backext.validate_pack(document, limits=limits))

    small, large = work(300), work(600)
    assert large < 2.5 * small, (small, large)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["beginner", "intermediate", "advanced"]),
            st.one_of(st.none(), st.integers(0, 7)),
            st.one_of(st.none(), st.integers(0, 7)),
        ),
        min_size=1,
        max_size=7,
    )
)
def test_the_checks_ways_up_and_down_are_the_engines(links):
    # The checks answer ahead() and previous_exercise() for every link at once (Reach, retraced_all), so that a
    # pack of thousands of exercises is checked in linear time: they must answer as the engine's own functions do.
    exercises = []
    for index, (level, up, down) in enumerate(links):
        progression = {}
        if up is not None:
            progression["next_exercise"] = f"e{up}"  # an exercise of the pack, itself, or none (past the end)
        if down is not None:
            progression["previous_exercise"] = f"e{down}"
        document = _pack(1, 2, back_links=False)["exercises"][0]  # type: ignore[index]
        exercises.append({**document, "id": f"e{index}", "level": level, "progression": progression})
    pack = backext.converter.structure(
        {"id": "p", "title": "t", "version": "1", "disclaimer": "d", "exercises": exercises}, backext.Pack
    )
    next_of, leading = _ladder.next_links(pack), _ladder.leading_links(pack)
    reach = _ladder.Reach(next_of)
    ids = [e.id for e in pack.exercises] + ["e9"]
    for exercise in pack.exercises:
        for target in ids:
            assert reach.ahead(exercise.id, target) == _ladder.ahead(pack, exercise, target), (exercise.id, target)
    retraced = _ladder.retraced_all(pack, leading, reach)
    for exercise in pack.exercises:
        if exercise.progression.previous_exercise is None:
            assert retraced[exercise.id] == _ladder.previous_exercise(pack, exercise), exercise.id
    # Round 23 (found by a black-box attack): steps down that, followed, climb to an exercise ahead.
    below = _ladder.steps_down(pack, leading, reach)
    climbing = _ladder.climbing_down(pack, below, reach)
    for exercise in pack.exercises:
        step, seen, ahead_found = below.get(exercise.id), {exercise.id}, None
        while step is not None and step.id not in seen:
            if step.id not in reach._loop and _ladder.ahead(pack, exercise, step.id):  # a loop: its own error
                ahead_found = step.id
                break
            seen.add(step.id)
            step = below.get(step.id)
        # An exercise whose steps down go round a loop is its own error (progression-cycle), and the engine takes
        # no step down from it (endless): climbing_down leaves it out.
        if exercise.id not in reach._loop and exercise.id not in _ladder.endless(below):
            assert climbing.get(exercise.id) == ahead_found, exercise.id


@pytest.mark.parametrize(
    "links",
    [
        # a's next is b; a steps down to d, d to b: a step down from a climbs to b.
        {"a": ("b", "d"), "b": (None, "z"), "d": (None, "b"), "z": (None, None)},
        # a, b, c up the ladder; a steps down to d, d to c, the top.
        {"a": ("b", "d"), "b": ("c", "a"), "c": (None, None), "d": (None, "c")},
    ],
)
def test_steps_down_that_climb_the_ladder_are_an_error(links):
    # Found by a black-box attack (round 23): validate --strict passed these, and a person in pain at a was stepped
    # down to an exercise harder than a.
    exercises = []
    for name, (up, down) in links.items():
        progression = {key: value for key, value in (("next_exercise", up), ("previous_exercise", down)) if value}
        exercise = _pack(1, 2, back_links=False)["exercises"][0]  # type: ignore[index]
        exercises.append({**exercise, "id": name, "progression": progression})
    document = {"id": "p", "title": "t", "version": "1", "disclaimer": "d", "exercises": exercises}
    assert "progression-cycle" in {p.code for p in backext.validate_pack(document) if p.severity == "error"}
