"""What the engine remembers per pack never changes an answer, and holds nothing alive.

A state the engine made is not checked again when the very same object comes
back with the very same pack; every other state (built, loaded, copied,
evolved, or given with another pack object) is checked in full.
"""

from __future__ import annotations

import datetime
import gc

import attrs
import pytest

import backext
from backext import _remembered


DAY = datetime.date(2026, 1, 5)


def made(pack: backext.Pack) -> backext.State:
    """A state the engine made: four perfect sessions on the forearm press-up (a step up after the third)."""
    state = backext.start(pack, "forearm-press-up")
    for offset in (0, 2, 4, 6):
        log = backext.SessionLog.as_prescribed(state.prescription, DAY + datetime.timedelta(days=offset))
        state = backext.step(pack, state, log).state
    return state


def next_log(state: backext.State) -> backext.SessionLog:
    return backext.SessionLog.as_prescribed(state.prescription, state.last_session + datetime.timedelta(days=2))


def test_the_engine_remembers_the_states_it_made_for_this_pack():
    pack = backext.builtin_pack()
    state = made(pack)
    assert _remembered.memory(pack).knows(state, backext.Rules())
    assert not _remembered.memory(pack).knows(attrs.evolve(state), backext.Rules())  # an equal copy: not known
    assert not _remembered.memory(attrs.evolve(pack)).knows(state, backext.Rules())  # an equal pack: not known


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: attrs.evolve(s, dose=attrs.evolve(s.dose, hold_seconds=999)),
        lambda s: attrs.evolve(s, prescription=attrs.evolve(s.prescription, repetitions=99)),
        lambda s: attrs.evolve(s, prescription=attrs.evolve(s.prescription, modifications=("no-such-variation",))),
        lambda s: backext.converter.structure(
            {**backext.converter.unstructure(s), "dose": {**backext.converter.unstructure(s.dose), "repetitions": 99}},
            backext.State,
        ),
    ],
)
def test_a_state_the_app_changed_is_checked_in_full(tamper):
    pack = backext.builtin_pack()
    state = made(pack)
    tampered = tamper(state)
    with pytest.raises(backext.StateError):
        backext.step(pack, tampered, next_log(tampered))


def test_a_made_state_given_with_another_pack_object_is_checked_against_it():
    pack = backext.builtin_pack()
    state = made(pack)
    first = pack.exercises[0]
    # The same id and version, but the forearm press-up no longer has the state's dose on its ladder.
    changed = attrs.evolve(
        pack,
        exercises=(attrs.evolve(first, hold=attrs.evolve(first.hold, increment_seconds=7)), *pack.exercises[1:]),
    )
    with pytest.raises(backext.StateError) as caught:
        backext.step(changed, state, next_log(state))
    assert [p.code for p in caught.value.problems] == ["not-on-ladder"]
    assert backext.step(pack, state, next_log(state)).action is backext.Action.REPEAT


def test_decisions_are_the_same_with_and_without_memory():
    pack = backext.builtin_pack()
    state = made(pack)
    remembered = backext.step(pack, state, next_log(state))
    fresh = backext.converter.structure(backext.converter.unstructure(state), backext.State)  # a new object
    assert not _remembered.memory(pack).knows(fresh, backext.Rules())
    assert backext.step(pack, fresh, next_log(state)) == remembered
    other_rules = backext.Rules(tolerated_sessions=2)
    assert not _remembered.memory(pack).knows(state, other_rules)
    assert backext.step(pack, state, next_log(state), other_rules) == backext.step(
        pack, fresh, next_log(state), other_rules
    )


def test_the_memory_holds_no_pack_and_no_state_alive():
    pack = attrs.evolve(backext.builtin_pack(), version="memory-test")
    state = made(pack)
    memory = _remembered.memory(pack)
    assert memory.made
    assert memory.answers
    count = len(memory.made)
    del state
    gc.collect()
    assert len(memory.made) < count  # the state went, and its entry with it
    key = id(pack)
    del pack
    gc.collect()
    assert key not in _remembered._MEMORIES


def test_the_answers_kept_per_pack_are_bounded(monkeypatch):
    monkeypatch.setattr(_remembered, "MAX_ANSWERS", 2)
    pack = attrs.evolve(backext.builtin_pack(), version="bounded")
    for exercise in pack.exercises:
        state = backext.start(pack, exercise.id)
        backext.step(pack, state, backext.SessionLog.as_prescribed(state.prescription, DAY))
        assert len(_remembered.memory(pack).answers) <= 2
