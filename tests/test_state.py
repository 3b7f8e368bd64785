"""Stored states read back with ``load_state``: every problem found, with its pointer; pack updates accepted."""

from __future__ import annotations

import datetime
import json
import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import Action, SessionLog
from backext._state import Pending, State


PACK = backext.builtin_pack()
DAY = datetime.date(2026, 1, 5)


def stored(state: backext.State) -> dict:
    return json.loads(json.dumps(backext.converter.unstructure(state)))


def problems_of(document: object, pack: backext.Pack = PACK) -> list[tuple[str, str]]:
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(document, pack)
    for problem in caught.value.problems:
        assert problem.code in backext.PROBLEM_CODES, problem
    return [(p.path, p.code) for p in caught.value.problems]


def with_leg_lift() -> backext.State:
    state = backext.start(PACK, "prone-chest-lift")
    state = backext.record_clearance(state, date=DAY, modifications=["leg-lift"], pack=PACK)
    return backext.choose_modifications(PACK, state, ["leg-lift"])


def test_a_state_round_trips_through_json_text_and_mapping():
    state = with_leg_lift()
    assert backext.load_state(json.dumps(stored(state)), PACK) == state
    assert backext.load_state(stored(state), PACK) == state
    assert backext.load_state(json.dumps(stored(state)).encode(), PACK) == state


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.update(format_version=99), ("/format_version", "unsupported-state-version")),
        (lambda d: d.update(format_version=0), ("/format_version", "unsupported-state-version")),
        (lambda d: d.update(pack_id="another"), ("/pack_id", "wrong-pack")),
        (lambda d: d["dose"].update(exercise_id="plank"), ("/dose/exercise_id", "unknown-exercise")),
        (lambda d: d["dose"].update(hold_seconds=999), ("/dose", "not-on-ladder")),
        (lambda d: d["dose"].update(hold_seconds=12.5), ("/dose", "not-on-ladder")),
        (lambda d: d["prescription"].update(hold_seconds=20), ("/prescription", "prescription-mismatch")),
        (
            lambda d: d["prescription"].update(exercise_id="hand-press-up"),
            ("/prescription/exercise_id", "prescription-mismatch"),
        ),
        (
            lambda d: d["prescription"].update(modifications=["arm-lift"]),
            ("/prescription/modifications/0", "unknown-variation"),
        ),
        (lambda d: d.update(clearances=[]), ("/prescription/modifications/0", "uncleared-variation")),
        (lambda d: d.update(tolerated_streak=99), ("/tolerated_streak", "out-of-range")),
        (lambda d: d.update(pending={"date": "2026-01-01", "counts": True}), ("/pending/date", "out-of-range")),
        (
            lambda d: d.update(tolerated=[{"exercise_id": "forearm-press-up", "hold_seconds": 70, "repetitions": 10}]),
            ("/tolerated/0", "out-of-range"),
        ),
    ],
)
def test_a_tampered_state_is_refused_with_every_problem_at_its_pointer(edit, expected):
    document = stored(with_leg_lift())
    edit(document)
    assert expected in problems_of(document)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["dose"].update(hold_seconds=-5), ("/dose/hold_seconds", "out-of-range")),
        (lambda d: d.update(tolerated_streak=-1), ("/tolerated_streak", "out-of-range")),
        (lambda d: d.update(tolerated_streak="3"), ("/tolerated_streak", "wrong-type")),
        (lambda d: d.update(colour="blue"), ("/colour", "unknown-field")),
        (lambda d: d.pop("dose"), ("", "missing-field")),
        (lambda d: d.update(last_session="2026-02-30"), ("/last_session", "invalid-date")),
    ],
)
def test_a_malformed_state_is_refused(edit, expected):
    document = stored(with_leg_lift())
    edit(document)
    found = problems_of(document)
    assert any(path.startswith(expected[0]) and code == expected[1] for path, code in found), found


@pytest.mark.parametrize("text", ["{", "[]", "null", '"state"', b"\xff", "[" * 100_000])
def test_state_text_that_is_not_a_state_object(text):
    assert problems_of(text)[0][1] in {"syntax-error", "wrong-type", "not-utf8", "too-deep"}


def test_a_state_from_an_older_pack_version_is_accepted_and_brought_within_the_new_limits():
    state = backext.start(PACK, "forearm-press-up")
    state = attrs.evolve(
        state,
        dose=attrs.evolve(state.dose, hold_seconds=30),
        prescription=attrs.evolve(state.prescription, hold_seconds=30),
        tolerated=(attrs.evolve(state.dose, hold_seconds=25),),
    )
    exercise = PACK.exercise("forearm-press-up")
    lowered = attrs.evolve(exercise, hold=attrs.evolve(exercise.hold, target_seconds=20))
    new_pack = attrs.evolve(PACK, version="2", exercises=(lowered, *PACK.exercises[1:]))
    refreshed = backext.load_state(stored(state), new_pack)
    assert refreshed.prescription.hold_seconds == 20, "within the new limits as soon as it is read"
    assert refreshed.pack_version == "2"
    loaded = backext.load_state(stored(state), new_pack, refresh=False)
    assert loaded == state, "accepted as stored: the engine adapts it at its next call, and says why"
    decision = backext.step(new_pack, loaded, SessionLog.as_prescribed(loaded.prescription, DAY))
    assert decision.codes[0] == "pack-changed"
    assert decision.prescription.hold_seconds == 20
    assert decision.state.pack_version == "2"
    # The same edit without a new version is tampering.
    same_version = attrs.evolve(new_pack, version=PACK.version)
    with pytest.raises(backext.StateError):
        backext.step(same_version, state, SessionLog.as_prescribed(state.prescription, DAY))


def test_a_variation_that_now_needs_clearance_is_dropped_after_an_update():
    exercise = PACK.exercise("prone-chest-lift")
    easier = backext.Modification(
        id="arms-down", name="Arms down", description="Arms by the sides.", direction=backext.Direction.EASIER
    )
    pack = attrs.evolve(PACK, exercises=(*PACK.exercises[:2], attrs.evolve(exercise, modifications=(easier,))))
    state = backext.choose_modifications(pack, backext.start(pack, "prone-chest-lift"), ["arms-down"])
    stricter = attrs.evolve(
        pack,
        version="2",
        exercises=(
            *PACK.exercises[:2],
            attrs.evolve(exercise, modifications=(attrs.evolve(easier, requires_clearance=True),)),
        ),
    )
    decision = backext.step(stricter, state, SessionLog.as_prescribed(state.prescription, DAY))
    assert decision.codes[0] == "pack-changed"
    assert decision.prescription.modifications == ()


def test_a_removed_exercise_is_a_typed_error_unless_the_log_stops():
    state = backext.start(PACK, "hand-press-up")
    pack = attrs.evolve(PACK, version="2", exercises=(PACK.exercises[0], PACK.exercises[2]))
    log = SessionLog.as_prescribed(state.prescription, DAY)
    with pytest.raises(backext.UnknownIdError) as caught:
        backext.step(pack, state, log)
    assert (caught.value.kind, caught.value.id) == ("exercise", "hand-press-up")
    assert isinstance(caught.value, KeyError)
    flagged = attrs.evolve(log, red_flags={"new-leg-weakness"})
    assert backext.step(pack, state, flagged).action is Action.STOP
    assert "unknown-exercise" in [code for _, code in problems_of(stored(state), pack)]


def test_a_clearance_expires_and_its_variation_is_dropped():
    state = backext.start(PACK, "prone-chest-lift")
    state = backext.record_clearance(
        state, date=DAY, modifications=["leg-lift"], until=DAY + datetime.timedelta(days=10), pack=PACK
    )
    state = backext.choose_modifications(PACK, state, ["leg-lift"])
    inside = backext.step(PACK, state, SessionLog.as_prescribed(state.prescription, DAY + datetime.timedelta(days=2)))
    assert inside.prescription.modifications == ("leg-lift",)
    after = backext.step(
        PACK, inside.state, SessionLog.as_prescribed(inside.prescription, DAY + datetime.timedelta(days=11))
    )
    assert "clearance-expired" in after.codes
    assert after.prescription.modifications == ()


def test_clearances_check_their_ids_and_dates():
    state = backext.start(PACK, "prone-chest-lift")
    with pytest.raises(backext.UnknownIdError, match="wings"):
        backext.record_clearance(state, date=DAY, modifications=["wings"], pack=PACK)
    with pytest.raises(backext.UnknownIdError, match="plank"):
        backext.record_clearance(state, date=DAY, exercises=["plank"], pack=PACK)
    with pytest.raises(backext.SessionError, match="ends"):
        backext.record_clearance(state, date=DAY, until=DAY - datetime.timedelta(days=1))
    with pytest.raises(TypeError, match="single value"):
        backext.record_clearance(state, date=DAY, modifications="leg-lift")
    stopped = backext.step(
        PACK, state, attrs.evolve(SessionLog.as_prescribed(state.prescription, DAY), red_flags={"rib-or-chest-pain"})
    ).state
    with pytest.raises(backext.SessionError, match="does not cover"):
        backext.record_clearance(stopped, date=DAY, exercises=["hand-press-up"], pack=PACK)


def _tampered_clearance(**changes: object) -> dict:
    document = stored(with_leg_lift())
    document["clearances"][0].update(changes)
    return document


@pytest.mark.parametrize(
    ("changes", "pointer", "code", "hint"),
    [
        (
            {"modifications": ["leg-lift", "leg-lifts"]},
            "/clearances/0/modifications/1",
            "unknown-variation",
            "leg-lift",
        ),
        ({"modifications": ["leg-lift", "wings"]}, "/clearances/0/modifications/1", "unknown-variation", None),
        # leg-lift is a variation of prone-chest-lift alone: a clearance for other exercises cannot allow it.
        ({"exercises": ["hand-press-up"]}, "/clearances/0/modifications/0", "unknown-variation", None),
        ({"exercises": ["prone-chest-lfit"]}, "/clearances/0/exercises/0", "unknown-exercise", "prone-chest-lift"),
        ({"exercises": ["prone-chest-lfit"]}, "/clearances/0/modifications/0", None, None),
    ],
)
def test_the_ids_in_a_stored_clearance_are_checked_against_the_pack(changes, pointer, code, hint):
    document = _tampered_clearance(**changes)
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(document, PACK)
    found = [p for p in caught.value.problems if p.path == pointer]
    assert [p.code for p in found] == ([code] if code else []), caught.value.problems
    if code is None:  # reported once, at the exercise the clearance names
        return
    message = found[0].message
    assert ("did you mean" in message) is (hint is not None), message
    if hint is not None:
        assert repr(hint) in message
    # The engine refuses the same state, from the same check.
    state = backext.converter.structure(document, backext.State)
    with pytest.raises(backext.StateError) as refused:
        backext.step(PACK, state, SessionLog.as_prescribed(state.prescription, DAY))
    assert pointer in [p.path for p in refused.value.problems]


def test_after_an_update_clearances_forget_the_ids_the_pack_no_longer_has():
    exercise = PACK.exercise("prone-chest-lift")
    without_leg_lift = attrs.evolve(
        PACK, version="2", exercises=(*PACK.exercises[:2], attrs.evolve(exercise, modifications=()))
    )
    state = with_leg_lift()
    state = backext.record_clearance(state, date=DAY, exercises=["hand-press-up"], note="kept")
    state = backext.record_clearance(state, date=DAY, exercises=["prone-chest-lift"], modifications=["leg-lift"])
    updated = backext.load_state(stored(state), without_leg_lift)
    assert [(c.exercises, c.modifications, c.note) for c in updated.clearances] == [
        ((), (), None),
        (("hand-press-up",), (), "kept"),
        (("prone-chest-lift",), (), None),
    ]
    assert backext.load_state(stored(updated), without_leg_lift) == updated, "valid against the new version"
    elsewhere = backext.record_clearance(
        backext.start(PACK, "forearm-press-up"), date=DAY, exercises=["prone-chest-lift"], modifications=["leg-lift"]
    )
    without_chest_lift = attrs.evolve(PACK, version="2", exercises=PACK.exercises[:2])
    moved = backext.load_state(stored(elsewhere), without_chest_lift)
    assert moved.clearances[0].exercises == moved.clearances[0].modifications == (), "it covered a removed exercise"
    assert backext.load_state(stored(moved), without_chest_lift) == moved


def test_hostile_numbers_in_a_stored_state_are_problems():
    for field, value in (("hold_seconds", 1e308), ("hold_seconds", 10**400), ("repetitions", 10**5000)):
        document = stored(backext.start(PACK, "forearm-press-up"))
        document["dose"][field] = value
        found = problems_of(document)
        assert found, field


def test_load_state_refuses_what_is_not_a_pack():
    with pytest.raises(TypeError):
        backext.load_state(stored(backext.start(PACK, "forearm-press-up")), None)


@given(
    changes=st.fixed_dictionaries(
        {},
        optional={
            "tolerated_streak": st.integers(-2, 100_002),
            "untolerated_streak": st.integers(-2, 3) | st.just(True) | st.just(1.0),
            "painful_streak": st.integers(0, 3),
            "last_session": st.none() | st.dates() | st.datetimes(),
            "pack_version": st.none() | st.text(max_size=3),
            "pending": st.none() | st.builds(Pending, date=st.dates()),
        },
    )
)
def test_the_engines_copy_of_a_state_is_attrs_evolve(changes):
    """evolved() makes what attrs.evolve makes, and refuses what it refuses, with the same error."""
    from backext._state import evolved  # noqa: PLC0415

    state = backext.start(backext.builtin_pack(), "forearm-press-up")
    try:
        expected = attrs.evolve(state, **changes)
    except Exception as error:  # noqa: BLE001 - whatever attrs raises, evolved() raises
        refused: Exception | None = error
    else:
        refused = None
    if refused is not None:
        with pytest.raises(type(refused), match=f"^{re.escape(str(refused))}$"):
            evolved(state, **changes)
        return
    made = evolved(state, **changes)
    assert made == expected
    assert repr(made) == repr(expected)
    assert type(made) is State


def test_the_engines_copy_of_a_state_skips_validators_only_when_attrs_does():
    from backext._state import evolved  # noqa: PLC0415

    state = backext.start(backext.builtin_pack(), "forearm-press-up")
    attrs.validators.set_disabled(True)
    try:
        assert (
            evolved(state, tolerated_streak=-1).tolerated_streak
            == attrs.evolve(state, tolerated_streak=-1).tolerated_streak
        )
    finally:
        attrs.validators.set_disabled(False)
    with pytest.raises(ValueError, match="tolerated_streak"):
        evolved(state, tolerated_streak=-1)


def test_each_problem_of_a_stored_state_read_from_text_is_at_its_line_and_column():
    # Found by a black-box attack: a state file's problems had their pointer but no line and column.
    document = stored(backext.start(PACK, "prone-chest-lift"))
    document["prescription"]["hold_seconds"] = "x"
    document["streak"] = -1
    text = json.dumps(document, indent=2)
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(text, PACK, name="state.json")
    lines = text.splitlines()
    for p in caught.value.problems:
        shown = lines[p.line - 1]
        assert p.path.rsplit("/", 1)[-1] in shown or '"x"' in shown[p.column - 1 :], (p, shown)
    assert {p.path for p in caught.value.problems} == {"/prescription/hold_seconds", "/streak"}
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(document, PACK)
    assert {p.line for p in caught.value.problems} == {None}  # a mapping has no lines
