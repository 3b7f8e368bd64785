"""The dose ladder: where a dose can go one step up or down.

Every exercise's dose climbs one variable at a time, in the order its
:class:`~backext.Progression` gives (by default the hold, then the
repetitions), and the top of one exercise leads to the start of the next;
stepping down retraces the same ladder. These pure functions are the only
place that knows the ladder's shape: the engine and the plan both use them.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ._model import Exercise, Hold, Pack
from ._vocabulary import Dimension


__all__ = ["Dose", "Move", "full_dose", "hold_points", "ladder", "start_dose", "step_down", "step_up"]


@attrs.frozen(kw_only=True)
class Dose:
    """A place on the ladder: an exercise and its hold and repetitions, before variations.

    Attributes:
        exercise_id: The exercise.
        hold_seconds: Seconds each repetition is held.
        repetitions: Repetitions in each set.

    Example:
        >>> import backext
        >>> backext.start(backext.builtin_pack(), "hand-press-up").dose
        Dose(exercise_id='hand-press-up', hold_seconds=1, repetitions=10)

    .. versionadded:: 0.1.0
    """

    exercise_id: str
    hold_seconds: float
    repetitions: int


@attrs.frozen(kw_only=True)
class Move:
    """One step along the ladder: the new dose and what changed."""

    dose: Dose
    changed: Dimension | None  # None: the exercise (and so the level) changed


def hold_points(hold: Hold) -> list[float]:
    """The holds a progressing hold passes through, from start to target.

    Example:
        >>> hold_points(Hold(start_seconds=5, target_seconds=17, increment_seconds=5))
        [5, 10, 15, 17]
    """
    if not hold.progresses or hold.increment_seconds is None:
        return [hold.start_seconds]
    points: list[float] = []
    value = hold.start_seconds
    count = 0
    while value < hold.target_seconds:
        points.append(value)
        count += 1
        value = hold.start_seconds + count * hold.increment_seconds
    points.append(hold.target_seconds)
    return points


def start_dose(exercise: Exercise) -> Dose:
    """The bottom of *exercise*'s ladder: its starting hold and fewest repetitions."""
    return Dose(
        exercise_id=exercise.id,
        hold_seconds=exercise.hold.start_seconds,
        repetitions=exercise.repetitions.minimum,
    )


def full_dose(exercise: Exercise) -> Dose:
    """The top of *exercise*'s ladder: every dimension in its order at its maximum."""
    order = exercise.progression.order
    return Dose(
        exercise_id=exercise.id,
        hold_seconds=hold_points(exercise.hold)[-1] if Dimension.HOLD in order else exercise.hold.start_seconds,
        repetitions=exercise.repetitions.maximum if Dimension.REPETITIONS in order else exercise.repetitions.minimum,
    )


def _neighbour(pack: Pack, exercise: Exercise, *, up: bool) -> Exercise | None:
    """The next (or previous) exercise, if it is at most one level away in the right direction."""
    target_id = exercise.progression.next_exercise if up else exercise.progression.previous_exercise
    if target_id is None:
        return None
    try:
        target = pack.exercise(target_id)
    except KeyError:
        return None
    difference = target.level.rank - exercise.level.rank
    allowed = (0, 1) if up else (0, -1)
    return target if difference in allowed and target.id != exercise.id else None


def step_up(pack: Pack, dose: Dose) -> Move | None:
    """One step up from *dose*, or ``None`` at the top of the whole ladder."""
    exercise = pack.exercise(dose.exercise_id)
    for dimension in exercise.progression.order:
        if dimension is Dimension.HOLD:
            higher = [p for p in hold_points(exercise.hold) if p > dose.hold_seconds]
            if higher and exercise.hold.progresses:
                return Move(dose=attrs.evolve(dose, hold_seconds=higher[0]), changed=dimension)
        elif dose.repetitions < exercise.repetitions.maximum:
            return Move(dose=attrs.evolve(dose, repetitions=dose.repetitions + 1), changed=dimension)
    following = _neighbour(pack, exercise, up=True)
    if following is None:
        return None
    return Move(dose=start_dose(following), changed=None)


def step_down(pack: Pack, dose: Dose) -> Move | None:
    """One step down from *dose*, retracing the ladder, or ``None`` at its bottom."""
    exercise = pack.exercise(dose.exercise_id)
    for dimension in reversed(exercise.progression.order):
        if dimension is Dimension.HOLD:
            lower = [p for p in hold_points(exercise.hold) if p < dose.hold_seconds]
            if lower and exercise.hold.progresses:
                return Move(dose=attrs.evolve(dose, hold_seconds=lower[-1]), changed=dimension)
        elif dose.repetitions > exercise.repetitions.minimum:
            return Move(dose=attrs.evolve(dose, repetitions=dose.repetitions - 1), changed=dimension)
    preceding = _neighbour(pack, exercise, up=False)
    if preceding is None:
        return None
    return Move(dose=full_dose(preceding), changed=None)


def _climb(pack: Pack, dose: Dose) -> Iterator[Dose]:
    seen: set[str] = {dose.exercise_id}
    yield dose
    while (move := step_up(pack, dose)) is not None:
        if move.changed is None:
            if move.dose.exercise_id in seen:  # a cycle in the content: stop climbing
                return
            seen.add(move.dose.exercise_id)
        dose = move.dose
        yield dose


def ladder(pack: Pack, exercise_id: str) -> tuple[Dose, ...]:
    """Every dose from *exercise_id*'s start to the top, one step at a time.

    Example:
        >>> import backext
        >>> rungs = backext.ladder(backext.builtin_pack(), "forearm-press-up")
        >>> [(d.exercise_id, d.hold_seconds, d.repetitions) for d in rungs[:3]]
        [('forearm-press-up', 5, 10), ('forearm-press-up', 10, 10), ('forearm-press-up', 15, 10)]
        >>> len(rungs)
        13

    .. versionadded:: 0.1.0
    """
    return tuple(_climb(pack, start_dose(pack.exercise(exercise_id))))
