"""Checked by mypy (``nox -s mypy``), never run: the public API types as documented."""

from __future__ import annotations

import datetime
import pathlib

import attrs

import backext


pack: backext.Pack = backext.builtin_pack()
same: backext.Pack = backext.load_pack(pathlib.Path("pack.toml"))
from_text: backext.Pack = backext.load_pack("{}", format="json")
from_mapping: backext.Pack = backext.load_pack({"id": "x"})
text: str = backext.dump_pack(pack, "yaml")
limits: backext.Limits = backext.Limits(max_exercises=50_000, max_bytes=1 << 26)
bounded: backext.Pack = backext.load_pack(b"{}", format="json", limits=limits)
bounded_problems: list[backext.Problem] = backext.validate_pack(pathlib.Path("pack.yaml"), limits=limits, max_bytes=100)
raised: backext.Limits = attrs.evolve(limits, max_problems=10)
schema: dict[str, object] = backext.json_schema()

exercise: backext.Exercise = pack.exercise("forearm-press-up")
seconds: float = exercise.hold.start_seconds
level_is_ordered: bool = exercise.level < backext.Level.ADVANCED
words: str = pack.localize(exercise.name, "de")
variation: backext.Modification = exercise.modifications[0]
harder: bool = variation.direction is backext.Direction.HARDER
longer = attrs.evolve(exercise.hold, target_seconds=40)

try:
    backext.load_pack("pack.json")
except backext.PackError as error:
    problems: tuple[backext.Problem, ...] = error.problems
    where: str = problems[0].path
    line: int | None = problems[0].line

# The engine.
state: backext.State = backext.start(pack, "forearm-press-up")
dose: backext.Prescription = state.prescription
log = backext.SessionLog(
    date=datetime.date(2026, 1, 5),
    exercise_id=dose.exercise_id,
    repetitions_completed=10,
    hold_seconds=5,
    pain=1,
    red_flags={backext.RedFlag.LEG_WEAKNESS},
)
decision: backext.Decision = backext.step(pack, state, log, backext.Rules(tolerated_sessions=4))
action: backext.Action = decision.action
maybe_next: backext.Prescription | None = decision.prescription
reasons: tuple[backext.Reason, ...] = decision.reasons
decisions: list[backext.Decision] = backext.replay(pack, state, [log])
cleared: backext.State = backext.record_clearance(state, date=datetime.date(2026, 1, 9), modifications=["leg-lift"])
varied: backext.State = backext.choose_modifications(pack, cleared, ["leg-lift"])
rungs: tuple[backext.Dose, ...] = backext.ladder(pack, "forearm-press-up")
calendar: backext.Plan = backext.plan(pack, state, start_date=datetime.date(2026, 1, 5), days_per_week=3, weeks=4)
reached: datetime.date | None = calendar.level_reached(backext.Level.ADVANCED)
cues: tuple[backext.Cue, ...] = backext.timeline(pack, dose, rest_seconds=10)
total_seconds: float = cues[-1].offset_seconds
found: list[backext.Problem] = backext.validate_pack("pack.yaml")
code_info: backext.ProblemCode = backext.PROBLEM_CODES["wrong-type"]
morning: backext.Decision = backext.report_next_day(pack, decision.state, 1, red_flags=["new-leg-weakness"])
loaded: backext.State = backext.load_state('{"pack_id": "x"}', pack, rules=backext.Rules(), name="row 5")
pending: backext.Pending | None = loaded.pending
stop_pain: int | None = loaded.stop.pain if loaded.stop is not None else None
resumes: datetime.date | None = loaded.resume_on
blocked: bool = loaded.stopped_on(datetime.date(2026, 1, 6))
signed: backext.State = backext.record_clearance(
    state,
    date=datetime.date(2026, 1, 9),
    clinician="Dr Osei",
    exercises=["prone-chest-lift"],
    until=datetime.date(2026, 3, 1),
    pack=pack,
)
reason_info: backext.ReasonCode = backext.REASON_CODES["pain-severe"]
codes: tuple[str, ...] = decision.codes
state_format: int = backext.STATE_FORMAT_VERSION
state_problems: tuple[backext.Problem, ...] = backext.StateError([]).problems
unknown: backext.UnknownIdError = backext.UnknownIdError("exercise", "plank", "no exercise 'plank'")
stopped_error: type[backext.SessionError] = backext.StoppedError
coached: tuple[backext.Cue, ...] = backext.timeline(pack, state)
ics: bytes = backext.plan_calendar(pack, calendar)
timed_ics: bytes = backext.plan_calendar(
    pack,
    calendar,
    locale="de",
    time=datetime.time(18, 30),
    timezone="Europe/Berlin",
    duration=datetime.timedelta(minutes=20),
    reminder=datetime.timedelta(minutes=30),
    series="person-1",
    previous=ics,
    now=datetime.datetime.now(datetime.timezone.utc),
)
morning_alarm: bytes = backext.plan_calendar(pack, calendar, reminder=datetime.time(8), previous=ics.decode())
uid: str = backext.session_uid(datetime.date(2026, 1, 5), series="person-1")
cancelled: bytes = backext.cancel_sessions(pack, ics, since=datetime.date(2026, 2, 1), locale="fr")
page: str = backext.handout(pack, state, locale="de-AT")
page_for_a_day: str = backext.handout(pack, state, on=datetime.date(2026, 3, 2))
page_for_exercise: str = backext.handout(pack, "prone-chest-lift", media_folder=pathlib.Path("packs"))
page_for_object: str = backext.handout(pack, pack.exercises[0], media_folder="packs")
left_out: list[str] = backext.handout_omissions(pack, "prone-chest-lift", media_folder=None)
variation_pictures: tuple[str, ...] = pack.exercises[0].modifications[0].media
