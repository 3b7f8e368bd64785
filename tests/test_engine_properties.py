"""The engine's safety guarantees, as hypothesis properties over random packs and histories.

Each numbered property of the engine's documentation is checked here:

1. The dose never goes up after a session with pain over the threshold,
   next-day pain above it, or a red flag.
2. A red flag always gives STOP; nothing is prescribed until clearance.
3. Worse pain never gives a higher next dose than better pain (monotonicity).
4. The level changes by at most one per step; no level is skipped.
5. At most one of hold, repetitions and exercise changes per step; a hold
   never moves by more than one increment.
6. The hold stays within the exercise's start and target; repetitions
   within its range.
7. No progression before the required run of tolerated sessions; after a
   long gap, none on the next session.
8. A variation that needs clearance never appears without it.
9. Same inputs, same decision; the state survives a JSON round trip.
10. ``plan`` and ``replay`` of perfect logs agree.
"""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import backext
from backext import Action, Pack, Prescription, State
from strategies import packs, rules, session_logs


def position(pack: Pack, dose: backext.Dose) -> int:
    """Where *dose* is on the pack's whole ladder (packs from the strategies form one)."""
    return backext.ladder(pack, pack.exercises[0].id).index(dose)


def check_within_limits(pack: Pack, prescription: Prescription) -> None:
    exercise = pack.exercise(prescription.exercise_id)
    assert exercise.hold.start_seconds <= prescription.hold_seconds <= exercise.hold.target_seconds
    assert exercise.repetitions.minimum <= prescription.repetitions <= exercise.repetitions.maximum
    assert prescription.sets == exercise.repetitions.sets
    assert prescription.level is exercise.level


def check_clearances(pack: Pack, state: State) -> None:
    exercise = pack.exercise(state.prescription.exercise_id)
    for modification_id in state.prescription.modifications:
        if exercise.modification(modification_id).requires_clearance:
            assert modification_id in state.cleared_modifications


def check_one_step(pack: Pack, before: State, after: State) -> None:
    """Properties 4 and 5 for one decision."""
    old, new = before.dose, after.dose
    old_exercise, new_exercise = pack.exercise(old.exercise_id), pack.exercise(new.exercise_id)
    assert abs(new_exercise.level.rank - old_exercise.level.rank) <= 1
    assert abs(position(pack, new) - position(pack, old)) <= 1
    if old.exercise_id == new.exercise_id:
        changed = (old.hold_seconds != new.hold_seconds) + (old.repetitions != new.repetitions)
        assert changed <= 1
        if old.hold_seconds != new.hold_seconds:
            increment = old_exercise.hold.increment_seconds
            assert increment is not None
            assert abs(new.hold_seconds - old.hold_seconds) <= increment
        assert abs(new.repetitions - old.repetitions) <= 1


class EngineMachine(RuleBasedStateMachine):
    """Random sessions, clearances and variation choices against random valid packs."""

    @initialize(pack=packs(), rules=rules(), data=st.data())
    def begin(self, pack: Pack, rules: backext.Rules, data: st.DataObject) -> None:
        self.pack = pack
        self.rules = rules
        exercise = data.draw(st.sampled_from(pack.exercises))
        self.state = backext.start(pack, exercise.id)
        self.counted = 0  # our own count of the tolerated run, to check property 7

    def required(self) -> int:
        exercise = self.pack.exercise(self.state.dose.exercise_id)
        return max(self.rules.tolerated_sessions, exercise.progression.tolerated_sessions)

    @rule(data=st.data())
    def session(self, data: st.DataObject) -> None:
        before = self.state
        log = data.draw(session_logs(before.prescription, before.last_session))
        note(f"log: {log}")
        decision = backext.step(self.pack, before, log, self.rules)
        assert backext.step(self.pack, before, log, self.rules) == decision  # 9: deterministic
        after = decision.state
        gap = None if before.last_session is None else (log.date - before.last_session).days
        moved_up = position(self.pack, after.dose) > position(self.pack, before.dose)
        hurt = log.pain > self.rules.tolerated_pain or (
            log.pain_next_day is not None and log.pain_next_day > self.rules.next_day_pain
        )
        if hurt or log.red_flags or before.stopped:  # 1
            assert not moved_up
            assert decision.action is not Action.PROGRESS
        if log.red_flags or before.stopped:  # 2
            assert decision.action is Action.STOP
            assert decision.prescription is None
            assert after.stopped
        else:
            assert not after.stopped
            assert decision.prescription == after.prescription
        check_one_step(self.pack, before, after)  # 4, 5
        # 7: our own model of the run of counted sessions.
        complete = (
            log.repetitions_completed >= before.prescription.repetitions * before.prescription.sets
            and log.hold_seconds >= before.prescription.hold_seconds
        )
        long_gap = gap is not None and gap > self.rules.max_gap_days
        too_soon = gap is not None and gap < self.rules.min_rest_days
        if before.stopped or log.red_flags or hurt or not complete or long_gap:
            self.counted = 0
        elif not too_soon:
            self.counted += 1
        if decision.action is Action.PROGRESS:
            assert self.counted >= self.required()
            assert not long_gap
        if after.dose != before.dose:
            self.counted = 0
        assert after.tolerated_streak == self.counted or decision.action is Action.STOP
        self.state = after

    @rule(data=st.data())
    def clearance(self, data: st.DataObject) -> None:
        exercise = self.pack.exercise(self.state.dose.exercise_id)
        allowed = data.draw(st.lists(st.sampled_from([m.id for m in exercise.modifications] or ["none"])))
        date = self.state.last_session or datetime.date(2026, 1, 1)
        self.state = backext.record_clearance(self.state, date=date, modifications=allowed)
        assert not self.state.stopped
        self.counted = self.state.tolerated_streak

    @precondition(lambda self: not self.state.stopped)
    @rule(data=st.data())
    def choose_variations(self, data: st.DataObject) -> None:
        exercise = self.pack.exercise(self.state.dose.exercise_id)
        assume(exercise.modifications)
        wanted = data.draw(st.lists(st.sampled_from([m.id for m in exercise.modifications]), unique=True))
        needs = [m for m in wanted if exercise.modification(m).requires_clearance]
        if all(m in self.state.cleared_modifications for m in needs):
            self.state = backext.choose_modifications(self.pack, self.state, wanted)
            assert self.state.prescription.modifications == tuple(wanted)
        else:
            with pytest.raises(backext.ClearanceRequiredError) as caught:
                backext.choose_modifications(self.pack, self.state, wanted)
            assert caught.value.modification_id in needs

    @invariant()
    def within_limits(self) -> None:  # 6
        check_within_limits(self.pack, self.state.prescription)
        dose = self.state.dose
        exercise = self.pack.exercise(dose.exercise_id)
        assert exercise.hold.start_seconds <= dose.hold_seconds <= exercise.hold.target_seconds
        assert exercise.repetitions.minimum <= dose.repetitions <= exercise.repetitions.maximum

    @invariant()
    def clearances_respected(self) -> None:  # 8
        check_clearances(self.pack, self.state)

    @invariant()
    def survives_json(self) -> None:  # 9
        document = backext.converter.unstructure(self.state)
        assert backext.converter.structure(document, State) == self.state


TestEngineMachine = EngineMachine.TestCase


@st.composite
def state_and_log(draw: st.DrawFn) -> tuple[Pack, State, backext.SessionLog, backext.Rules]:
    pack = draw(packs())
    state = backext.start(pack, draw(st.sampled_from(pack.exercises)).id)
    for _ in range(draw(st.integers(0, 12))):  # a random history, played without red flags
        log = draw(session_logs(state.prescription, state.last_session))
        state = backext.step(pack, state, attrs.evolve(log, red_flags=frozenset())).state
    log = draw(session_logs(state.prescription, state.last_session))
    return pack, state, attrs.evolve(log, red_flags=frozenset()), draw(rules())


@given(case=state_and_log(), worse_pain=st.integers(0, 10), worse_next=st.none() | st.integers(0, 10))
def test_worse_pain_never_gives_a_higher_dose(case, worse_pain, worse_next):  # 3
    pack, state, better, rules_ = case
    worse = attrs.evolve(
        better,
        pain=max(better.pain, worse_pain),
        pain_next_day=None
        if better.pain_next_day is None and worse_next is None
        else max(better.pain_next_day or 0, worse_next or 0),
    )
    after_better = backext.step(pack, state, better, rules_).state
    after_worse = backext.step(pack, state, worse, rules_).state
    assert position(pack, after_worse.dose) <= position(pack, after_better.dose)


@given(case=state_and_log(), flags=st.frozensets(st.sampled_from(backext.RedFlag), min_size=1))
def test_a_red_flag_always_stops(case, flags):  # 2
    pack, state, log, rules_ = case
    decision = backext.step(pack, state, attrs.evolve(log, red_flags=flags), rules_)
    assert decision.action is Action.STOP
    assert decision.prescription is None
    assert decision.state.dose == state.dose
    follow_up = backext.SessionLog.as_prescribed(state.prescription, log.date + datetime.timedelta(days=1))
    assert backext.step(pack, decision.state, follow_up, rules_).prescription is None


@given(
    pack=packs(),
    rules_=rules(),
    days_per_week=st.integers(1, 7),
    weeks=st.integers(1, 8),
    data=st.data(),
)
def test_plan_and_replay_of_perfect_logs_agree(pack, rules_, days_per_week, weeks, data):  # 10
    state = backext.start(pack, data.draw(st.sampled_from(pack.exercises)).id)
    start_date = datetime.date(2026, 3, 2)
    plan = backext.plan(pack, state, start_date=start_date, days_per_week=days_per_week, weeks=weeks, rules=rules_)
    assert len(plan.sessions) == days_per_week * weeks
    for planned in plan.sessions:
        decision = backext.step(pack, state, backext.SessionLog.as_prescribed(state.prescription, planned.date), rules_)
        assert planned.prescription == state.prescription
        state = decision.state
    assert state == plan.state
    levels = [s.prescription.level for s in plan.sessions]
    assert levels == sorted(levels), "a perfect plan never goes down a level"
    for milestone in plan.milestones:
        assert plan.level_reached(milestone.level) <= milestone.date
