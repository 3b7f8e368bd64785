"""Hypothesis strategies for the content model: valid packs and their parts.

Every pack drawn here is valid: ``load_pack`` accepts it, and its exercises
form one ladder (each exercise's ``next_exercise`` is the one after it, and
levels rise by at most one step at a time), so the engine can run on it.
"""

from __future__ import annotations

import datetime

import attrs
from hypothesis import strategies as st

import backext
from backext import (
    Dimension,
    Direction,
    Exercise,
    Hold,
    Level,
    LocalizedText,
    Modification,
    Movement,
    Pack,
    Progression,
    Repetitions,
    Source,
    Step,
)
from backext._constraints import changes_dose
from backext._ladder import asks_more
from backext._session import _MOST_REPETITIONS, _MOST_SECONDS


WORDS = ("arm", "back", "chest", "lift", "press", "hold", "prone", "leg", "up", "low", "wall", "x2")

slugs = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("-".join)

_alphabet = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85\u2028\u2029\ufeff")
_any_texts = st.text(_alphabet, min_size=1, max_size=20).filter(lambda s: s.strip() != "")
_PHRASES = ("Lie face down.", "Lift the chest", "Rest", "Brust heben", "Ne forcez pas.", "«Calme»", "背中", 'a\\b "q"')
#: Non-blank texts: mostly cheap fixed phrases, sometimes arbitrary Unicode.
plain_texts = st.one_of(st.sampled_from(_PHRASES), _any_texts)

LOCALES = ("en", "de", "fr-CA", "es-419")


@st.composite
def texts(draw: st.DrawFn, locales: tuple[str, ...] = ("en",)) -> backext.Text:
    """A text in every one of *locales* (the first is the pack's default): plain where that is one locale."""
    if len(locales) == 1 and draw(st.booleans()):
        return draw(plain_texts)
    return LocalizedText({tag: draw(plain_texts) for tag in locales})


#: Seconds as the content writes them: whole numbers, or halves.
def seconds(low: float, high: float) -> st.SearchStrategy[float]:
    return st.one_of(
        st.integers(int(low), int(high)),
        st.integers(int(low * 2), int(high * 2)).map(lambda h: h / 2).filter(lambda v: v >= low),
    )


@st.composite
def holds(draw: st.DrawFn) -> Hold:
    start = draw(seconds(1, 15))
    if draw(st.integers(0, 3)) == 0:  # a hold that does not progress
        return Hold(start_seconds=start, target_seconds=start + draw(seconds(0, 3)))
    increment = draw(seconds(1, 8))
    target = start + increment * draw(st.integers(0, 5)) + draw(st.sampled_from([0, 0, 0, 0.5, 1]))
    if target - start < increment:
        target = start + increment
    return Hold(start_seconds=start, target_seconds=target, increment_seconds=increment)


@st.composite
def repetitions(draw: st.DrawFn) -> Repetitions:
    minimum = draw(st.integers(1, 12))
    return Repetitions(
        minimum=minimum,
        maximum=minimum + draw(st.integers(0, 4)),
        sets=draw(st.integers(1, 3)),
    )


@st.composite
def modifications(draw: st.DrawFn, locales: tuple[str, ...] = ("en",)) -> tuple[Modification, ...]:
    ids = draw(st.lists(slugs, unique=True, max_size=2))
    directions = [draw(st.sampled_from(Direction)) for _ in ids]
    return tuple(
        Modification(
            id=id_,
            name=draw(texts(locales)),
            description=draw(texts(locales)),
            direction=direction,
            requires_clearance=direction is Direction.HARDER or draw(st.booleans()),
            hold_seconds_change=draw(st.sampled_from([0, 0, -5, 2.5, 5])),
            repetitions_change=draw(st.sampled_from([0, 0, -2, -1, 1, 2])),
        )
        for id_, direction in zip(ids, directions, strict=True)
    )


def _quiet(exercise: Exercise, modification: Modification) -> Modification:
    """*modification* without what draws a warning: an easier one changes no number, a harder one none it cannot."""
    if modification.direction is Direction.EASIER or not changes_dose(
        exercise.hold, exercise.repetitions, exercise.progression, modification
    ):
        return attrs.evolve(modification, hold_seconds_change=0, repetitions_change=0)
    return modification


SAFE_MOVEMENTS = [m for m in Movement if not m.contraindicated]


@st.composite
def levels_ladder(draw: st.DrawFn, count: int) -> list[Level]:
    """*count* levels, never falling and rising by at most one at a time."""
    rank = draw(st.integers(0, 2))
    ladder = [rank]
    for _ in range(count - 1):
        rank = min(2, rank + draw(st.integers(0, 1)))
        ladder.append(rank)
    return [list(Level)[r] for r in ladder]


@st.composite
def packs(draw: st.DrawFn, max_exercises: int = 3, *, warnings: bool = False) -> Pack:
    """A valid pack whose exercises form one ladder; without warnings unless *warnings*.

    With *warnings*, variations change the dose as they please (an easier one
    may add to it, or take away where the exercise's limits absorb it): legal,
    and worth a warning, and what the engine must cope with all the same.
    """
    locale = draw(st.sampled_from(LOCALES))
    locales = (locale, *draw(st.lists(st.sampled_from([t for t in LOCALES if t != locale]), unique=True, max_size=2)))
    sources = tuple(
        Source(id=id_, citation=draw(plain_texts), url=draw(st.none() | st.just("https://doi.org/10.1000/1")))
        for id_ in draw(st.lists(slugs, unique=True, min_size=1, max_size=2))
    )
    ids = draw(st.lists(slugs, unique=True, min_size=1, max_size=max_exercises))
    levels = draw(levels_ladder(len(ids)))
    exercises = []
    for index, (id_, level) in enumerate(zip(ids, levels, strict=True)):
        exercises.append(
            Exercise(
                id=id_,
                name=draw(texts(locales)),
                level=level,
                purpose=draw(texts(locales)),
                starting_position=draw(texts(locales)),
                steps=tuple(
                    Step(text=draw(texts(locales)), cue=draw(st.none() | texts(locales)), media=draw(st.none() | slugs))
                    for _ in range(draw(st.integers(1, 3)))
                ),
                hold=draw(holds()),
                repetitions=draw(repetitions()),
                progression=Progression(
                    order=tuple(
                        Dimension(d)
                        for d in draw(st.sampled_from([("hold", "repetitions"), ("repetitions", "hold"), ("hold",)]))
                    ),
                    tolerated_sessions=draw(st.integers(1, 4)),
                    next_exercise=ids[index + 1] if index + 1 < len(ids) else None,
                    previous_exercise=ids[index - 1] if index > 0 else None,
                ),
                equipment=tuple(draw(st.lists(texts(locales), max_size=1))),
                modifications=draw(modifications(locales)),
                safety_notes=tuple(draw(st.lists(texts(locales), max_size=2))),
                movements=tuple(draw(st.lists(st.sampled_from(SAFE_MOVEMENTS), unique=True, max_size=3))),
                sources=tuple(draw(st.lists(st.sampled_from([s.id for s in sources]), unique=True)) if sources else ()),
            )
        )
    if not warnings:
        # An exercise names its movements (no-movements), so that they can be checked.
        exercises = [e if e.movements else attrs.evolve(e, movements=(SAFE_MOVEMENTS[0],)) for e in exercises]
        # Repetitions the order leaves out never grow (dose-never-grows): their range is one number.
        exercises = [
            e
            if Dimension.REPETITIONS in e.progression.order
            else attrs.evolve(e, repetitions=attrs.evolve(e.repetitions, maximum=e.repetitions.minimum))
            for e in exercises
        ]
        exercises = [attrs.evolve(e, modifications=tuple(_quiet(e, m) for m in e.modifications)) for e in exercises]
        # A step down to an exercise of the same level asks for no more (previous-asks-more): one more set here.
        for index in range(1, len(exercises)):
            before, exercise = exercises[index - 1], exercises[index]
            if before.level is exercise.level and asks_more(before, exercise):
                sets = before.repetitions.sets + 1
                exercises[index] = attrs.evolve(exercise, repetitions=attrs.evolve(exercise.repetitions, sets=sets))
    cited = {source for exercise in exercises for source in exercise.sources}
    uncited = tuple(s.id for s in sources if s.id not in cited)
    if uncited:  # every source cited: an uncited one is worth a warning
        exercises[0] = attrs.evolve(exercises[0], sources=(*exercises[0].sources, *uncited))
    return Pack(
        id=draw(slugs),
        title=draw(texts(locales)),
        version=draw(st.sampled_from(["1", "1.0.0", "2026.11"])),
        default_locale=locale,
        exercises=tuple(exercises),
        sources=sources,
        disclaimer=draw(texts(locales)),
    )


#: Any JSON value, small.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)


# --- The engine ---------------------------------------------------------


@st.composite
def rules(draw: st.DrawFn) -> backext.Rules:
    """Valid engine rules, the defaults among them."""
    if draw(st.booleans()):
        return backext.Rules()
    tolerated = draw(st.integers(0, 4))
    severe = draw(st.integers(tolerated + 1, 7))
    return backext.Rules(
        tolerated_pain=tolerated,
        regress_pain=draw(st.integers(tolerated + 1, severe)),
        next_day_pain=draw(st.integers(0, min(5, severe - 1))),
        severe_pain=severe,
        tolerated_sessions=draw(st.integers(1, 4)),
        untolerated_sessions=draw(st.integers(1, 4)),
        painful_sessions=draw(st.integers(1, 4)),
        max_gap_days=draw(st.integers(1, 10)),
        gap_days_per_step=draw(st.integers(1, 10)),
        min_rest_days=draw(st.integers(0, 2)),
        require_next_day_report=draw(st.booleans()),
    )


red_flag_sets = st.frozensets(st.sampled_from(backext.RedFlag), max_size=2)


@st.composite
def session_logs(
    draw: st.DrawFn, prescription: backext.Prescription, after: datetime.date | None
) -> backext.SessionLog:
    """A log of a session of *prescription*: mostly good days, some bad ones."""
    gap = draw(st.sampled_from([1, 1, 2, 2, 3, 0, 8, 12]))
    date = (after or datetime.date(2026, 1, 5)) + datetime.timedelta(days=gap)
    full = prescription.repetitions * prescription.sets
    good = draw(st.integers(0, 3)) > 0
    return backext.SessionLog(
        date=date,
        exercise_id=prescription.exercise_id,
        repetitions_completed=full if good else draw(st.integers(0, full + 2)),
        hold_seconds=prescription.hold_seconds
        if good
        else draw(
            st.sampled_from(
                [0, prescription.hold_seconds / 2, prescription.hold_seconds, prescription.hold_seconds + 1]
            )
        ),
        pain=draw(st.integers(0, 2)) if good else draw(st.integers(0, 10)),
        pain_next_day=draw(st.none() | st.integers(0, 2)) if good else draw(st.none() | st.integers(0, 10)),
        red_flags=draw(st.just(frozenset()) | red_flag_sets)
        if not good and draw(st.integers(0, 4)) == 0
        else frozenset(),
    )


#: Any session logs at all, in any order, several on one day included (for exchange formats, not the engine).
any_session_logs = st.lists(
    st.builds(
        backext.SessionLog,
        date=st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)),
        exercise_id=slugs,
        repetitions_completed=st.integers(0, _MOST_REPETITIONS),
        hold_seconds=st.one_of(
            st.integers(0, _MOST_SECONDS),
            st.floats(min_value=0, max_value=_MOST_SECONDS, allow_nan=False),
        ),
        pain=st.integers(0, 10),
        pain_next_day=st.none() | st.integers(0, 10),
        red_flags=st.frozensets(st.sampled_from(backext.RedFlag)),
    ),
    max_size=6,
)
