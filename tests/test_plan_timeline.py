"""The best-case plan and the timed cues of a session."""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import backext
from backext import Action, CueKind, Level

from .strategies import session_logs


PACK = backext.builtin_pack()
MONDAY = datetime.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("days_per_week", "weekdays"),
    [(1, [0]), (2, [0, 4]), (3, [0, 2, 5]), (5, [0, 1, 3, 4, 6]), (7, [0, 1, 2, 3, 4, 5, 6])],
)
def test_session_dates_spread_the_days_evenly(days_per_week, weekdays):
    dates = backext.session_dates(MONDAY, days_per_week=days_per_week, weeks=2)
    assert [d.weekday() for d in dates] == weekdays * 2
    assert dates[0] == MONDAY
    assert len(set(dates)) == len(dates)


@pytest.mark.parametrize(("days_per_week", "weeks"), [(0, 1), (8, 1), (3, 0), (2.5, 1)])
def test_session_dates_refuse_impossible_calendars(days_per_week, weeks):
    with pytest.raises(ValueError, match="must be"):
        backext.session_dates(MONDAY, days_per_week=days_per_week, weeks=weeks)


def test_the_builtin_plan_climbs_one_rung_every_three_sessions():
    plan = backext.plan(PACK, backext.start(PACK, "forearm-press-up"), start_date=MONDAY, days_per_week=3, weeks=16)
    doses = [
        (s.prescription.exercise_id, s.prescription.hold_seconds, s.prescription.repetitions) for s in plan.sessions
    ]
    rungs = [(d.exercise_id, d.hold_seconds, d.repetitions) for d in backext.ladder(PACK, "forearm-press-up")]
    climb = len(rungs) * 3
    assert doses[:climb:3] == rungs
    assert set(doses[climb:]) == {rungs[-1]}, "then the full dose, again and again"
    assert all(len(set(doses[i : i + 3])) == 1 for i in range(0, len(rungs) * 3, 3))
    assert [s.action for s in plan.sessions[:4]] == [Action.REPEAT, Action.REPEAT, Action.REPEAT, Action.PROGRESS]
    assert [(m.exercise_id, m.level) for m in plan.milestones] == [
        ("forearm-press-up", Level.BEGINNER),
        ("hand-press-up", Level.INTERMEDIATE),
        ("prone-chest-lift", Level.ADVANCED),
    ]
    assert plan.level_reached(Level.BEGINNER) == MONDAY
    assert plan.level_reached(Level.INTERMEDIATE) == datetime.date(2026, 2, 16)
    assert plan.level_reached(Level.ADVANCED) == datetime.date(2026, 2, 23)


def test_a_short_plan_may_not_reach_a_level():
    plan = backext.plan(PACK, backext.start(PACK, "forearm-press-up"), start_date=MONDAY, days_per_week=2, weeks=1)
    assert plan.level_reached(Level.ADVANCED) is None


def test_no_plan_while_stopped_or_in_the_past():
    state = backext.start(PACK, "forearm-press-up")
    stopped = backext.step(
        PACK,
        state,
        attrs.evolve(backext.SessionLog.as_prescribed(state.prescription, MONDAY), red_flags={"new-leg-weakness"}),
    ).state
    with pytest.raises(backext.SessionError, match="stopped"):
        backext.plan(PACK, stopped, start_date=MONDAY)
    resumed = backext.record_clearance(stopped, date=MONDAY)
    with pytest.raises(backext.SessionError, match="before the last session"):  # before both: the session first
        backext.plan(PACK, resumed, start_date=MONDAY - datetime.timedelta(days=1))
    with pytest.raises(backext.StoppedError, match="stopped"):
        backext.timeline(PACK, stopped)
    later = backext.record_clearance(stopped, date=MONDAY + datetime.timedelta(days=3))
    with pytest.raises(backext.StoppedError, match="before the clearance"):
        backext.plan(PACK, later, start_date=MONDAY + datetime.timedelta(days=1))
    with pytest.raises(backext.SessionError, match="before the last session"):
        backext.plan(PACK, attrs.evolve(later, clearances=()), start_date=MONDAY - datetime.timedelta(days=1))
    assert backext.plan(PACK, resumed, start_date=MONDAY, weeks=1).sessions[0].date == MONDAY


def roomy(exercise_id: str, sets: int = 1) -> backext.Pack:
    """The built-in pack with *exercise_id* allowing 1 to 10 repetitions in *sets* sets."""
    exercise = PACK.exercise(exercise_id)
    wider = attrs.evolve(exercise, repetitions=backext.Repetitions(minimum=1, maximum=10, sets=sets))
    return attrs.evolve(PACK, exercises=tuple(wider if e.id == exercise_id else e for e in PACK.exercises))


def test_timeline_of_one_repetition_in_order():
    prescription = attrs.evolve(backext.start(PACK, "forearm-press-up").prescription, repetitions=2, sets=2)
    cues = backext.timeline(roomy("forearm-press-up", sets=2), prescription, rest_seconds=6, set_rest_seconds=30)
    kinds = [c.kind for c in cues]
    assert kinds[:4] == [CueKind.STEP] * 4
    assert [PACK.localize(c.text) for c in cues[:4]] == ["Forearms in", "Chest up", "Hips stay down", "Slowly down"]
    one_rep = [CueKind.REPETITION, CueKind.LIFT, CueKind.HOLD] + [CueKind.COUNTDOWN] * 5 + [CueKind.LOWER]
    assert kinds[4:] == [
        CueKind.SET,
        *one_rep,
        CueKind.REST,
        *one_rep,
        CueKind.REST,
        CueKind.SET,
        *one_rep,
        CueKind.REST,
        *one_rep,
        CueKind.FINISH,
    ]
    offsets = [c.offset_seconds for c in cues]
    assert offsets == sorted(offsets)
    countdown = [(c.offset_seconds, c.text) for c in cues if c.kind is CueKind.COUNTDOWN][:5]
    assert countdown == [(22, "5"), (23, "4"), (24, "3"), (25, "2"), (26, "1")]
    # 4 steps x 5 s; each repetition: 2 s lift + 5 s hold + 2 s lower; 6 s rest between repetitions; 30 s between sets
    assert cues[-1].offset_seconds == 20 + 4 * 9 + 2 * 6 + 30
    assert {(c.set, c.repetition) for c in cues if c.kind is CueKind.LIFT} == {(1, 1), (1, 2), (2, 1), (2, 2)}


def test_timeline_defaults_rest_to_the_hold_and_refuses_less():
    prescription = backext.start(PACK, "prone-chest-lift").prescription
    rests = {c.text for c in backext.timeline(PACK, prescription) if c.kind is CueKind.REST}
    assert rests == {"Rest for 5 seconds"}
    with pytest.raises(ValueError, match="shorter than the hold"):
        backext.timeline(PACK, prescription, rest_seconds=4)
    for bad in (float("inf"), float("nan"), -1, 10**400, 1e308):
        with pytest.raises(ValueError, match="from 0 to 3600"):
            backext.timeline(PACK, prescription, lift_seconds=bad)


def test_timeline_refuses_what_the_pack_does_not_allow():
    prescription = backext.start(PACK, "prone-chest-lift").prescription
    for changes in ({"hold_seconds": 999}, {"repetitions": 500}, {"sets": 3}, {"modifications": ("wings",)}):
        with pytest.raises(backext.SessionError, match="beyond the limits"):
            backext.timeline(PACK, attrs.evolve(prescription, **changes))
    for phrases in (backext.Phrases(hold="Hold {secs} s"), backext.Phrases(set="Set {0}")):
        with pytest.raises(ValueError, match="phrase"):
            backext.timeline(PACK, prescription, phrases=phrases)
    with pytest.raises(TypeError):
        backext.timeline(PACK, None)


def test_timeline_fractional_holds_count_down_whole_seconds():
    prescription = attrs.evolve(backext.start(PACK, "hand-press-up").prescription, hold_seconds=1.5, repetitions=1)
    cues = backext.timeline(roomy("hand-press-up"), prescription)
    countdown = [(c.offset_seconds, c.text) for c in cues if c.kind is CueKind.COUNTDOWN]
    hold = next(c for c in cues if c.kind is CueKind.HOLD)
    assert countdown == [(hold.offset_seconds, "2"), (hold.offset_seconds + 0.5, "1")]


def test_timeline_speaks_the_apps_phrases():
    phrases = backext.Phrases(
        lift="Heben", rest="Pause {seconds} s", finish="Fertig", repetition="{repetition}/{repetitions}"
    )
    cues = backext.timeline(PACK, backext.start(PACK, "hand-press-up").prescription, phrases=phrases)
    texts = {c.text for c in cues}
    assert {"Heben", "Pause 3 s", "Fertig", "1/10"} <= texts


# Found by a black-box attack: timeline() of a state had no day, so it coached the dose as stored, after a long break
# or after a variation's clearance had ended (the handout and the plan for that day gave another dose).


@given(data=st.data(), exercise=st.sampled_from([e.id for e in PACK.exercises]), days=st.integers(0, 90))
def test_a_states_session_on_a_day_is_the_one_the_plan_for_that_day_begins_with(data, exercise, days):
    state = backext.start(PACK, exercise)
    for _ in range(data.draw(st.integers(0, 8))):
        log = data.draw(session_logs(state.prescription, state.last_session))
        try:
            decision = backext.step(PACK, state, log)
        except backext.SessionError:
            break
        state = decision.state
        if state.pending is not None:
            state = backext.report_next_day(PACK, state, log.pain_next_day or 0).state
    assume(state.stop is None)
    day = (state.last_session or MONDAY) + datetime.timedelta(days=days)
    planned = backext.plan(PACK, state, start_date=day).sessions[0]
    assert planned.date == day
    assert backext.timeline(PACK, state, on=day) == backext.timeline(PACK, planned.prescription)


def test_a_long_break_steps_the_coached_session_back():
    state = backext.start(PACK, "forearm-press-up")
    for day in (5, 7, 9, 12):
        log = backext.SessionLog(
            date=datetime.date(2026, 1, day),
            exercise_id="forearm-press-up",
            repetitions_completed=state.prescription.repetitions,
            hold_seconds=state.prescription.hold_seconds,
            pain=0,
            pain_next_day=0,
        )
        state = backext.step(PACK, state, log).state
        if state.pending is not None:
            state = backext.report_next_day(PACK, state, 0).state
    assert state.prescription.hold_seconds > 5

    def hold(cues):
        return next(cue.text for cue in cues if cue.kind is CueKind.HOLD)

    soon = backext.timeline(PACK, state, on=datetime.date(2026, 1, 14))
    after_a_year = backext.timeline(PACK, state, on=datetime.date(2027, 1, 14))
    assert hold(soon) == f"Hold for {state.prescription.hold_seconds:g} seconds"
    assert hold(after_a_year) == "Hold for 5 seconds"  # back at the start of the exercise


def test_a_session_day_before_the_last_session_or_for_a_bare_prescription_is_refused():
    state = backext.step(
        PACK,
        backext.start(PACK, "forearm-press-up"),
        backext.SessionLog(
            date=MONDAY, exercise_id="forearm-press-up", repetitions_completed=10, hold_seconds=5, pain=0
        ),
    ).state
    with pytest.raises(backext.SessionError) as caught:
        backext.timeline(PACK, state, on=MONDAY - datetime.timedelta(days=1))
    assert caught.value.template.render("de").startswith("der Tag der Einheit")
    with pytest.raises(TypeError, match=r"needs a backext\.State"):
        backext.timeline(PACK, state.prescription, on=MONDAY)
    with pytest.raises(TypeError, match=r"datetime\.date"):
        backext.timeline(PACK, state, on="2026-01-05")
