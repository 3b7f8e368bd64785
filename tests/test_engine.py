"""The progression engine: examples of each rule."""

from __future__ import annotations

import datetime

import attrs
import pytest

import backext
from backext import Action, RedFlag, Rules, SessionLog


PACK = backext.builtin_pack()
DAY = datetime.date(2026, 1, 5)


def day(n: int) -> datetime.date:
    return DAY + datetime.timedelta(days=n)


def perfect(state: backext.State, n: int) -> SessionLog:
    return SessionLog.as_prescribed(state.prescription, day(n))


def log(state: backext.State, n: int, **changes) -> SessionLog:
    return attrs.evolve(perfect(state, n), **changes)


def at(exercise_id: str, hold: float, reps: int) -> backext.State:
    state = backext.start(PACK, exercise_id)
    dose = backext.Dose(exercise_id=exercise_id, hold_seconds=hold, repetitions=reps)
    for candidate in backext.ladder(PACK, "forearm-press-up"):
        if candidate == dose:
            prescription = attrs.evolve(state.prescription, hold_seconds=hold, repetitions=reps)
            return attrs.evolve(state, dose=dose, prescription=prescription, tolerated=(dose,))
    raise AssertionError(dose)


def codes(decision: backext.Decision) -> list[str]:
    return [reason.code for reason in decision.reasons]


def test_start_is_the_exercises_starting_dose():
    state = backext.start(PACK, "prone-chest-lift")
    assert state.prescription == backext.Prescription(
        exercise_id="prone-chest-lift", level=backext.Level.ADVANCED, hold_seconds=5, repetitions=8, sets=1
    )
    assert (state.tolerated_streak, state.last_session, state.stopped) == (0, None, False)
    with pytest.raises(KeyError):
        backext.start(PACK, "plank")


def test_three_tolerated_sessions_step_the_hold_up_by_one_increment():
    state = backext.start(PACK, "forearm-press-up")
    decisions = backext.replay(PACK, state, [perfect(state, n) for n in (0, 2, 4)])
    assert [d.action for d in decisions] == [Action.REPEAT, Action.REPEAT, Action.PROGRESS]
    assert [d.state.tolerated_streak for d in decisions] == [1, 2, 0]
    assert codes(decisions[0]) == ["tolerated"]
    assert decisions[-1].prescription.hold_seconds == 10
    assert codes(decisions[-1]) == ["tolerated", "hold-up"]


def test_hold_first_then_repetitions_then_the_next_level():
    state = at("prone-chest-lift", 20, 8)
    decision = backext.replay(PACK, state, [perfect(state, n) for n in (0, 2, 4)])[-1]
    assert (decision.prescription.hold_seconds, decision.prescription.repetitions) == (20, 9)
    assert codes(decision)[-1] == "repetitions-up"
    state = at("forearm-press-up", 30, 10)
    decision = backext.replay(PACK, state, [perfect(state, n) for n in (0, 2, 4)])[-1]
    assert decision.prescription.exercise_id == "hand-press-up"
    assert (decision.prescription.hold_seconds, decision.prescription.repetitions) == (1, 10)
    assert codes(decision)[-1] == "level-up"


def test_at_the_very_top_the_dose_stays():
    state = at("prone-chest-lift", 20, 10)
    decisions = backext.replay(PACK, state, [perfect(state, n) for n in range(0, 12, 2)])
    assert {d.action for d in decisions} == {Action.REPEAT}
    assert codes(decisions[-1]) == ["full-dose"]
    assert decisions[-1].prescription == state.prescription


@pytest.mark.parametrize(
    ("pain", "next_day", "action", "code"),
    [
        (0, None, Action.REPEAT, "awaiting-next-day"),
        (0, 0, Action.REPEAT, "tolerated"),
        (2, 2, Action.REPEAT, "tolerated"),
        (3, None, Action.REPEAT, "pain-moderate"),
        (4, 1, Action.REPEAT, "pain-moderate"),
        (5, None, Action.REGRESS, "pain-high"),
        (6, 5, Action.REGRESS, "pain-high"),
        (7, None, Action.STOP, "pain-severe"),
        (0, 7, Action.STOP, "pain-severe"),
        (10, 10, Action.STOP, "pain-severe"),
        (0, 3, Action.REGRESS, "pain-next-day"),
        (2, 5, Action.REGRESS, "pain-next-day"),
    ],
)
def test_pain_gates(pain, next_day, action, code):
    state = at("forearm-press-up", 15, 10)
    decision = backext.step(PACK, state, log(state, 0, pain=pain, pain_next_day=next_day))
    assert decision.action is action
    assert codes(decision)[0] == code
    if action is Action.REGRESS:
        assert decision.prescription.hold_seconds == 10
        assert codes(decision)[-1] == "hold-down"


def test_moderate_pain_breaks_the_run_of_tolerated_sessions():
    state = backext.start(PACK, "forearm-press-up")
    logs = [perfect(state, 0), perfect(state, 2), log(state, 4, pain=3), perfect(state, 6), perfect(state, 8)]
    decisions = backext.replay(PACK, state, logs)
    assert [d.action for d in decisions] == [Action.REPEAT] * 5
    assert decisions[-1].state.tolerated_streak == 2


def test_regress_retraces_the_ladder_and_falls_back_a_level_at_the_start():
    state = at("prone-chest-lift", 20, 9)
    decision = backext.step(PACK, state, log(state, 0, pain=6))
    assert (decision.prescription.hold_seconds, decision.prescription.repetitions) == (20, 8)
    state = backext.start(PACK, "prone-chest-lift")
    decision = backext.step(PACK, state, log(state, 0, pain=6))
    assert decision.prescription.exercise_id == "hand-press-up"
    assert codes(decision) == ["pain-high", "level-down"]
    state = backext.start(PACK, "hand-press-up")
    decision = backext.step(PACK, state, log(state, 0, pain=6))
    assert decision.prescription.exercise_id == "forearm-press-up"
    assert decision.prescription.hold_seconds == 5, "the previous exercise at its start: never done there"


def test_stepping_back_a_level_lands_on_the_last_dose_tolerated_there():
    state = backext.start(PACK, "forearm-press-up")
    n = 0
    while state.dose.exercise_id == "forearm-press-up":
        state = backext.step(PACK, state, perfect(state, n)).state
        n += 2
    assert state.last_tolerated("forearm-press-up").hold_seconds == 30
    decision = backext.step(PACK, state, log(state, n, pain=6))
    assert codes(decision) == ["pain-high", "level-down"]
    assert decision.prescription.exercise_id == "forearm-press-up"
    assert decision.prescription.hold_seconds == 30


def test_at_the_lowest_dose_a_regress_keeps_the_dose_and_says_so():
    state = backext.start(PACK, "forearm-press-up")
    decision = backext.step(PACK, state, log(state, 0, pain=6))
    assert decision.action is Action.REGRESS
    assert decision.prescription == state.prescription
    assert codes(decision) == ["pain-high", "lowest-dose"]


def test_incomplete_sessions_do_not_count():
    state = backext.start(PACK, "forearm-press-up")
    short_hold = log(state, 4, hold_seconds=4)
    few = log(state, 4, repetitions_completed=9)
    for bad in (short_hold, few):
        decisions = backext.replay(PACK, state, [perfect(state, 0), perfect(state, 2), bad])
        assert decisions[-1].action is Action.REPEAT
        assert codes(decisions[-1]) == ["incomplete"]
        assert decisions[-1].state.tolerated_streak == 0


def test_a_second_session_the_same_day_does_not_count():
    state = backext.start(PACK, "forearm-press-up")
    decisions = backext.replay(PACK, state, [perfect(state, 0), perfect(state, 0), perfect(state, 2)])
    assert codes(decisions[1]) == ["too-soon"]
    assert [d.state.tolerated_streak for d in decisions] == [1, 1, 2]
    assert decisions[-1].action is Action.REPEAT


def test_after_a_long_gap_the_dose_steps_back_in_proportion():
    state = backext.start(PACK, "forearm-press-up")
    logs = [perfect(state, 0), perfect(state, 2), perfect(state, 10)]
    decisions = backext.replay(PACK, state, logs)
    assert decisions[-1].action is Action.REPEAT, "at the start already: nothing lower within the exercise"
    assert codes(decisions[-1]) == ["long-gap"]
    assert decisions[-1].state.tolerated_streak == 0
    high = at("forearm-press-up", 30, 10)
    for gap, hold in ((8, 25), (14, 25), (15, 20), (400, 5)):
        decision = backext.step(PACK, attrs.evolve(high, last_session=day(0)), perfect(high, gap))
        assert decision.action is Action.REGRESS
        assert decision.prescription.hold_seconds == hold, gap
        assert codes(decision)[0] == "long-gap"
    exactly_a_week = backext.replay(PACK, state, [perfect(state, 0), perfect(state, 2), perfect(state, 9)])
    assert exactly_a_week[-1].action is Action.PROGRESS


def test_a_red_flag_stops_until_a_clinicians_clearance():
    state = at("forearm-press-up", 15, 10)
    decision = backext.step(PACK, state, log(state, 0, red_flags={"numbness-or-tingling"}))
    assert decision.action is Action.STOP
    assert decision.prescription is None
    assert decision.state.stop == backext.Stop(date=day(0), red_flags=(RedFlag.NUMBNESS_OR_TINGLING,))
    assert "contact a clinician" in decision.reasons[0].message
    stopped = decision.state
    again = backext.step(PACK, stopped, perfect(stopped, 3))
    assert again.action is Action.STOP
    assert codes(again) == ["awaiting-clearance"]
    with pytest.raises(backext.SessionError, match="clearance"):
        backext.choose_modifications(PACK, stopped, [])
    with pytest.raises(backext.SessionError, match="before the last report"):
        backext.record_clearance(stopped, date=day(-1))
    cleared = backext.record_clearance(again.state, date=day(5), note="Dr. Osei, phone")
    assert not cleared.stopped
    assert cleared.prescription == backext.start(PACK, "forearm-press-up").prescription, "resumes at the start"
    assert cleared.tolerated_streak == 0
    assert backext.step(PACK, cleared, perfect(cleared, 6)).action is Action.REPEAT


def test_red_flags_outrank_everything_else():
    state = at("forearm-press-up", 15, 10)
    decision = backext.step(
        PACK, state, log(state, 0, pain=9, red_flags=[RedFlag.LEG_WEAKNESS, RedFlag.SUDDEN_SEVERE_PAIN])
    )
    assert decision.action is Action.STOP
    assert decision.state.stop.red_flags == (RedFlag.SUDDEN_SEVERE_PAIN, RedFlag.LEG_WEAKNESS)


def test_a_variation_that_needs_clearance_needs_it():
    state = backext.start(PACK, "prone-chest-lift")
    with pytest.raises(backext.ClearanceRequiredError) as caught:
        backext.choose_modifications(PACK, state, ["leg-lift"])
    assert caught.value.modification_id == "leg-lift"
    with pytest.raises(KeyError, match="no variation"):
        backext.choose_modifications(PACK, state, ["arm-lift"])
    cleared = backext.record_clearance(state, date=DAY, modifications=["leg-lift"])
    assert cleared.cleared_modifications == {"leg-lift"}
    with_legs = backext.choose_modifications(PACK, cleared, ["leg-lift"])
    assert with_legs.prescription.modifications == ("leg-lift",)
    plain = backext.choose_modifications(PACK, with_legs, [])
    assert plain.prescription.modifications == ()


def test_variations_change_the_dose_within_the_exercises_limits():
    exercise = PACK.exercise("prone-chest-lift")
    easier = backext.Modification(
        id="arms-down",
        name="Arms by the sides",
        description="Keep the arms by the sides.",
        direction=backext.Direction.EASIER,
        hold_seconds_change=-10,
        repetitions_change=1,
    )
    pack = attrs.evolve(
        PACK,
        exercises=(*PACK.exercises[:2], attrs.evolve(exercise, modifications=(*exercise.modifications, easier))),
    )
    state = backext.choose_modifications(pack, backext.start(pack, "prone-chest-lift"), ["arms-down"])
    assert (state.prescription.hold_seconds, state.prescription.repetitions) == (5, 9)
    decision = backext.replay(pack, state, [SessionLog.as_prescribed(state.prescription, day(n)) for n in (0, 2, 4)])
    assert decision[-1].action is Action.PROGRESS
    assert (decision[-1].prescription.hold_seconds, decision[-1].prescription.repetitions) == (10, 9)
    assert decision[-1].state.dose.hold_seconds == 20, "the dose climbs until the prescription does"
    assert decision[-1].prescription.modifications == ("arms-down",)


def test_moving_to_another_exercise_drops_its_variations():
    state = backext.record_clearance(backext.start(PACK, "prone-chest-lift"), date=DAY, modifications=["leg-lift"])
    state = backext.choose_modifications(PACK, state, ["leg-lift"])
    decision = backext.step(PACK, state, log(state, 0, pain=6))
    assert decision.prescription.exercise_id == "hand-press-up"
    assert decision.prescription.modifications == ()


def test_logs_must_fit_the_state():
    state = backext.start(PACK, "forearm-press-up")
    with pytest.raises(backext.SessionError, match="prescribed"):
        backext.step(PACK, state, log(state, 0, exercise_id="hand-press-up"))
    later = backext.step(PACK, state, perfect(state, 5)).state
    with pytest.raises(backext.SessionError, match="before the last session"):
        backext.step(PACK, later, perfect(later, 1))
    other = attrs.evolve(PACK, id="another-pack")
    with pytest.raises(backext.SessionError, match="belongs to the pack"):
        backext.step(other, state, perfect(state, 0))


@pytest.mark.parametrize(
    "changes",
    [
        {"pain": 11},
        {"pain": -1},
        {"pain": 2.5},
        {"pain_next_day": 11},
        {"hold_seconds": -1},
        {"hold_seconds": float("nan")},
        {"repetitions_completed": -3},
    ],
)
def test_session_logs_refuse_impossible_values(changes):
    state = backext.start(PACK, "forearm-press-up")
    with pytest.raises(ValueError):
        log(state, 0, **changes)


@pytest.mark.parametrize(
    "date", ["2026-01-05", datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc), None]
)
def test_session_logs_and_clearances_need_a_day(date):
    state = backext.start(PACK, "forearm-press-up")
    with pytest.raises(TypeError, match=r"datetime\.date"):
        log(state, 0, date=date)
    with pytest.raises(TypeError, match=r"datetime\.date"):
        backext.record_clearance(state, date=date)


def test_session_logs_refuse_unknown_red_flags():
    with pytest.raises(ValueError, match="is not a red flag backext knows"):
        SessionLog(date=DAY, exercise_id="x", repetitions_completed=1, hold_seconds=1, pain=0, red_flags=["itchy"])


@pytest.mark.parametrize(
    "changes",
    [
        {"tolerated_pain": 5, "regress_pain": 5},
        {"tolerated_pain": -1},
        {"regress_pain": 11},
        {"tolerated_sessions": 0},
        {"max_gap_days": 0},
        {"min_rest_days": -1},
        {"tolerated_sessions": True},
        {"min_rest_days": True},
        {"min_rest_days": 0.5},
    ],
)
def test_rules_refuse_inconsistent_policies(changes):
    with pytest.raises(ValueError):
        Rules(**changes)


def test_an_exercise_may_ask_for_more_tolerated_sessions_than_the_rules():
    exercise = attrs.evolve(
        PACK.exercises[0], progression=attrs.evolve(PACK.exercises[0].progression, tolerated_sessions=5)
    )
    pack = attrs.evolve(PACK, exercises=(exercise, *PACK.exercises[1:]))
    state = backext.start(pack, "forearm-press-up")
    decisions = backext.replay(pack, state, [perfect(state, n) for n in range(0, 10, 2)])
    assert [d.action for d in decisions].index(Action.PROGRESS) == 4
    fewer = backext.replay(pack, state, [perfect(state, n) for n in range(0, 10, 2)], Rules(tolerated_sessions=1))
    assert [d.action for d in fewer].index(Action.PROGRESS) == 4


def test_state_round_trips_through_json():
    state = backext.record_clearance(backext.start(PACK, "prone-chest-lift"), date=DAY, modifications=["leg-lift"])
    state = backext.choose_modifications(PACK, state, ["leg-lift"])
    state = backext.step(PACK, state, log(state, 1, red_flags={"rib-or-chest-pain"})).state
    document = backext.converter.unstructure(state)
    assert document["stop"] == {"date": "2026-01-06", "red_flags": ["rib-or-chest-pain"]}
    assert backext.converter.structure(document, backext.State) == state
    log_document = backext.converter.unstructure(log(state, 2, red_flags={"new-leg-weakness", "numbness-or-tingling"}))
    assert log_document["red_flags"] == ["new-leg-weakness", "numbness-or-tingling"]
    assert backext.converter.structure(log_document, SessionLog).red_flags == {
        RedFlag.LEG_WEAKNESS,
        RedFlag.NUMBNESS_OR_TINGLING,
    }


def test_dates_are_read_strictly():
    document = backext.converter.unstructure(perfect(backext.start(PACK, "hand-press-up"), 0))
    for bad in ("2026-1-5", "20260105", 20260105, "2026-02-30"):
        with pytest.raises(Exception):  # noqa: B017 - a cattrs exception group
            backext.converter.structure({**document, "date": bad}, SessionLog)
