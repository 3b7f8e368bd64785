"""The dose ladder: where a dose can go one step up or down.

Every exercise's dose climbs one variable at a time, in the order its
:class:`~backext.Progression` gives (by default the hold, then the
repetitions), and the top of one exercise leads to the start of the next;
stepping down retraces the same ladder. These pure functions are the only
place that knows the ladder's shape: the engine, the plan and the
validators all use them.

Holds are exact to a tenth of a second (:data:`RESOLUTION`): every hold on
a ladder is computed in whole tenths, so a hold that grows in steps of
1.1 s from 3 s reaches 4.1 s, not 4.1000000000000005 s.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ._model import Exercise, Hold, Pack
from ._vocabulary import Dimension
from ._wrong import NUMBER_FROM_0, WHOLE_FROM_0, out_of_range


__all__ = [
    "MAX_REPETITIONS",
    "MAX_SECONDS",
    "RESOLUTION",
    "Dose",
    "Move",
    "asks_more",
    "fit",
    "from_tenths",
    "full_dose",
    "hold_points",
    "hold_rungs",
    "ladder",
    "leading_links",
    "next_links",
    "on_ladder",
    "position",
    "rungs",
    "start_dose",
    "step_down",
    "step_up",
    "tenths",
]

#: Parts of a second to which every hold is exact: tenths.
RESOLUTION = 10


def tenths(seconds: float) -> int:
    """*seconds* in whole tenths of a second, rounded to the nearest.

    Raises:
        ValueError: If *seconds* is not a finite number.

    Example:
        >>> tenths(5.8), tenths(3 + 1.1), tenths(0.05)
        (58, 41, 0)
    """
    scaled = seconds * RESOLUTION
    if not math.isfinite(scaled):
        raise ValueError("a number of seconds must be finite and not huge")
    return round(scaled)


def from_tenths(value: int) -> float:
    """Seconds from whole tenths: a whole number where it is one (``50`` gives ``5``).

    Example:
        >>> from_tenths(58), from_tenths(50)
        (5.8, 5)
    """
    whole, part = divmod(value, RESOLUTION)
    return whole if part == 0 else value / RESOLUTION


#: The longest hold a dose, a log or a prescription may name, in seconds: a day (our choice: far beyond any
#: exercise, small enough for exact arithmetic).
MAX_SECONDS = 86_400

#: The most repetitions a dose or a log may name (our choice).
MAX_REPETITIONS = 100_000


def _non_negative_number(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) not in (int, float) or not 0 <= value <= MAX_SECONDS:  # type: ignore[operator]
        raise out_of_range("out-of-range", NUMBER_FROM_0, attribute.name, MAX_SECONDS, value)


def _whole_number(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or not 0 <= value <= MAX_REPETITIONS:
        raise out_of_range("out-of-range", WHOLE_FROM_0, attribute.name, MAX_REPETITIONS, value)


def _string(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str:
        raise TypeError(f"{attribute.name} must be a string, not {value!r}")


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

    exercise_id: str = attrs.field(validator=_string)
    hold_seconds: float = attrs.field(validator=_non_negative_number)
    repetitions: int = attrs.field(validator=_whole_number)


@attrs.frozen(kw_only=True)
class Move:
    """One step along the ladder: the new dose and what changed."""

    dose: Dose
    changed: Dimension | None  # None: the exercise (and so the level) changed


@functools.lru_cache(maxsize=4096)
def _hold(hold: Hold) -> tuple[int, int, int]:
    """The hold's start, increment and target in tenths; an increment of 0 for a hold that does not progress."""
    start, target = tenths(hold.start_seconds), tenths(hold.target_seconds)
    increment = 0 if hold.increment_seconds is None else tenths(hold.increment_seconds)
    if increment <= 0 or target <= start:
        return start, 0, start
    return start, increment, target


def hold_rungs(hold: Hold) -> int:
    """How many holds a progressing hold passes through, from start to target, counted without listing them.

    Example:
        >>> hold_rungs(Hold(start_seconds=5, target_seconds=17, increment_seconds=5))
        4
    """
    start, increment, target = _hold(hold)
    return 1 if increment == 0 else -(-(target - start) // increment) + 1


def rungs(exercise: Exercise) -> int:
    """How many doses *exercise*'s own ladder has, from its start to its full dose.

    Example:
        >>> import backext
        >>> rungs(backext.builtin_pack().exercise("forearm-press-up"))
        6
    """
    count = 1
    for dimension in exercise.progression.order:
        if dimension is Dimension.HOLD:
            count += hold_rungs(exercise.hold) - 1
        else:
            count += max(exercise.repetitions.maximum - exercise.repetitions.minimum, 0)
    return count


def hold_points(hold: Hold) -> list[float]:
    """The holds a progressing hold passes through, from start to target.

    Example:
        >>> hold_points(Hold(start_seconds=5, target_seconds=17, increment_seconds=5))
        [5, 10, 15, 17]
        >>> hold_points(Hold(start_seconds=3, target_seconds=4.1, increment_seconds=1.1))
        [3, 4.1]
    """
    start, increment, target = _hold(hold)
    if increment == 0:
        return [from_tenths(start)]
    return [from_tenths(t) for t in range(start, target, increment)] + [from_tenths(target)]


def _top(exercise: Exercise, dimension: Dimension) -> int:
    """The highest value of *dimension* on the ladder (tenths for the hold)."""
    if dimension is Dimension.HOLD:
        return _hold(exercise.hold)[2]
    return exercise.repetitions.maximum


def _base(exercise: Exercise, dimension: Dimension) -> int:
    if dimension is Dimension.HOLD:
        return _hold(exercise.hold)[0]
    return exercise.repetitions.minimum


def _values(dose: Dose) -> dict[Dimension, int]:
    return {Dimension.HOLD: tenths(dose.hold_seconds), Dimension.REPETITIONS: dose.repetitions}


def _dose(exercise: Exercise, values: dict[Dimension, int]) -> Dose:
    return Dose(
        exercise_id=exercise.id,
        hold_seconds=from_tenths(values[Dimension.HOLD]),
        repetitions=values[Dimension.REPETITIONS],
    )


def _floor(exercise: Exercise, dimension: Dimension, value: int) -> int:
    """The highest value of *dimension* on the ladder that is at most *value*, and never below the base."""
    base, top = _base(exercise, dimension), _top(exercise, dimension)
    if value >= top:
        return top
    if value <= base or dimension is Dimension.REPETITIONS:
        return max(value, base)
    increment = _hold(exercise.hold)[1]
    return base + (value - base) // increment * increment


def _neighbour_value(exercise: Exercise, dimension: Dimension, value: int, *, up: bool) -> int | None:
    """The next value of *dimension* above (or below) *value* on the ladder, if any."""
    base, top = _base(exercise, dimension), _top(exercise, dimension)
    if dimension is Dimension.REPETITIONS:
        if up:
            return value + 1 if value < top else None
        return value - 1 if value > base else None
    start, increment, target = _hold(exercise.hold)
    if increment == 0:
        return None
    if up:
        if value >= target:
            return None
        return min(start + ((value - start) // increment + 1) * increment, target)
    if value <= start:
        return None
    return start + ((min(value, target) - start - 1) // increment) * increment


def start_dose(exercise: Exercise) -> Dose:
    """The bottom of *exercise*'s ladder: its starting hold and fewest repetitions."""
    return Dose(
        exercise_id=exercise.id,
        hold_seconds=from_tenths(tenths(exercise.hold.start_seconds)),
        repetitions=exercise.repetitions.minimum,
    )


def full_dose(exercise: Exercise) -> Dose:
    """The top of *exercise*'s ladder: every dimension in its order at its maximum."""
    values = {d: _base(exercise, d) for d in Dimension}
    for dimension in exercise.progression.order:
        values[dimension] = _top(exercise, dimension)
    return _dose(exercise, values)


def fit(exercise: Exercise, dose: Dose) -> Dose:
    """The highest dose on *exercise*'s ladder that is at most *dose* in every dimension.

    Never below the exercise's start: a dose below it gives the start. This
    brings a dose within an exercise's limits after the exercise changed.

    Example:
        >>> import backext
        >>> exercise = backext.builtin_pack().exercise("forearm-press-up")
        >>> fit(exercise, Dose(exercise_id=exercise.id, hold_seconds=999, repetitions=99))
        Dose(exercise_id='forearm-press-up', hold_seconds=30, repetitions=10)
        >>> fit(exercise, Dose(exercise_id=exercise.id, hold_seconds=12.5, repetitions=10))
        Dose(exercise_id='forearm-press-up', hold_seconds=10, repetitions=10)
    """
    wanted = _values(dose)
    values = {d: _base(exercise, d) for d in Dimension}
    for dimension in exercise.progression.order:
        values[dimension] = _floor(exercise, dimension, wanted[dimension])
        if values[dimension] < _top(exercise, dimension):
            break  # a dimension below its top: the ones after it have not started growing
    return _dose(exercise, values)


def on_ladder(exercise: Exercise, dose: Dose) -> bool:
    """Whether *dose* is a point of *exercise*'s ladder.

    Example:
        >>> import backext
        >>> exercise = backext.builtin_pack().exercise("forearm-press-up")
        >>> on_ladder(exercise, Dose(exercise_id=exercise.id, hold_seconds=15, repetitions=10))
        True
        >>> on_ladder(exercise, Dose(exercise_id=exercise.id, hold_seconds=16, repetitions=10))
        False
    """
    if dose.exercise_id != exercise.id or not math.isfinite(dose.hold_seconds):
        return False
    return fit(exercise, dose) == dose and tenths(dose.hold_seconds) == dose.hold_seconds * RESOLUTION


def position(exercise: Exercise, dose: Dose) -> int:
    """How many steps *dose* is above *exercise*'s start (for a dose on its ladder).

    Example:
        >>> import backext
        >>> exercise = backext.builtin_pack().exercise("forearm-press-up")
        >>> position(exercise, Dose(exercise_id=exercise.id, hold_seconds=15, repetitions=10))
        2
    """
    values = _values(dose)
    steps = 0
    for dimension in exercise.progression.order:
        value = values[dimension]
        if dimension is Dimension.REPETITIONS:
            steps += value - _base(exercise, dimension)
        else:
            start, increment, target = _hold(exercise.hold)
            if increment:
                steps += -(-(min(value, target) - start) // increment)
    return steps


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
    if refused(target):  # never prescribed, however the pack was made: the ladder ends here
        return None
    if not up and ahead(pack, exercise, target.id):  # a "previous" exercise the next links climb to: never down
        return None
    return target if difference in allowed and target.id != exercise.id else None


def next_links(pack: Pack) -> dict[str, str | None]:
    """Each exercise's id, with the id its ``next_exercise`` names (for :func:`ahead`)."""
    return {e.id: e.progression.next_exercise for e in pack.exercises}


def asks_more(one: Exercise, other: Exercise) -> bool:
    """Whether the starting dose of *one* asks for more than that of *other*: more in one number, less in none.

    Doses of two exercises compare only where neither asks for less; a step down along a ``previous_exercise``
    link of the same level that asks for more is a warning of the checks (``previous-asks-more``).
    """
    first = (one.hold.start_seconds, one.repetitions.minimum, one.repetitions.sets)
    second = (other.hold.start_seconds, other.repetitions.minimum, other.repetitions.sets)
    return first != second and all(a >= b for a, b in zip(first, second, strict=True))


def ahead(pack: Pack, exercise: Exercise, target_id: str, next_of: Mapping[str, str | None] | None = None) -> bool:
    """Whether following the next links up from *exercise* reaches the exercise *target_id* (bounded, cycle-safe).

    A caller that asks of many exercises passes *next_of* (:func:`next_links`), made once: made on every call, it
    would cost time in the square of the number of exercises.
    """
    if next_of is None:
        next_of = next_links(pack)
    seen = {exercise.id}
    current = exercise.progression.next_exercise
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        current = next_of.get(current)
    return False


def refused(exercise: Exercise) -> bool:
    """Whether *exercise* is tagged with a movement osteoporosis guidance advises against: it is never prescribed.

    A pack read with :func:`~backext.load_pack` never has one (``contraindicated-movement``); a pack built in
    Python might.
    """
    return any(movement.contraindicated for movement in exercise.movements)


def next_exercise(pack: Pack, exercise: Exercise) -> Exercise | None:
    """The exercise a full dose of *exercise* leads to, if the ladder goes on."""
    return _neighbour(pack, exercise, up=True)


def previous_exercise(
    pack: Pack, exercise: Exercise, leading: Mapping[str, list[Exercise]] | None = None
) -> Exercise | None:
    """The exercise the start of *exercise* falls back to, if there is one.

    Its ``previous_exercise``; without one, the ladder is retraced the way the person came up: the one exercise
    whose ``next_exercise`` leads to *exercise* (a one-way link, which the checks warn of: ``one-way-link``). Not
    when several lead to it (which way the person came is not known), nor when stepping down from that exercise
    would come back round to this one. A caller that asks of many exercises passes *leading*
    (:func:`leading_links`), made once.
    """
    if exercise.progression.previous_exercise is not None:
        return _neighbour(pack, exercise, up=False)
    if leading is None:
        leading = leading_links(pack)
    back = _retraced(pack, exercise, leading)
    if back is None:
        return None
    seen = {exercise.id}
    current: Exercise | None = back
    while current is not None and current.id not in seen:  # the way down from there, to its bottom
        seen.add(current.id)
        current = (
            _neighbour(pack, current, up=False)
            if current.progression.previous_exercise is not None
            else _retraced(pack, current, leading)
        )
    return back if current is None else None  # round in a circle: no way down


def leading_links(pack: Pack) -> dict[str, list[Exercise]]:
    """Each exercise's id, with the exercises whose ``next_exercise`` names it and may be prescribed."""
    leading: dict[str, list[Exercise]] = {}
    for candidate in pack.exercises:
        following = candidate.progression.next_exercise
        if following is not None and not refused(candidate):
            leading.setdefault(following, []).append(candidate)
    return leading


def _retraced(pack: Pack, exercise: Exercise, leading: Mapping[str, list[Exercise]]) -> Exercise | None:
    """The one exercise whose next link the engine follows to *exercise*, if exactly one does."""
    found = [
        candidate
        for candidate in leading.get(exercise.id, ())
        if (following := next_exercise(pack, candidate)) is not None and following.id == exercise.id
    ]
    return found[0] if len(found) == 1 else None


def step_within(exercise: Exercise, dose: Dose, *, up: bool) -> Move | None:
    """One step up (or down) within *exercise*'s own ladder, or ``None`` at its end."""
    values = _values(dose)
    order = exercise.progression.order if up else tuple(reversed(exercise.progression.order))
    for dimension in order:
        value = _neighbour_value(exercise, dimension, values[dimension], up=up)
        if value is not None:
            return Move(dose=_dose(exercise, {**values, dimension: value}), changed=dimension)
    return None


def step_up(pack: Pack, dose: Dose) -> Move | None:
    """One step up from *dose*, or ``None`` at the top of the whole ladder."""
    exercise = pack.exercise(dose.exercise_id)
    move = step_within(exercise, dose, up=True)
    if move is not None:
        return move
    following = next_exercise(pack, exercise)
    return None if following is None else Move(dose=start_dose(following), changed=None)


def step_down(pack: Pack, dose: Dose) -> Move | None:
    """One step down from *dose*, retracing the ladder, or ``None`` at its bottom.

    Below an exercise's start comes the previous exercise's full dose; the
    engine lands instead on the last dose the person tolerated there.
    """
    exercise = pack.exercise(dose.exercise_id)
    move = step_within(exercise, dose, up=False)
    if move is not None:
        return move
    preceding = previous_exercise(pack, exercise)
    return None if preceding is None else Move(dose=full_dose(preceding), changed=None)


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


class Reach:
    """Which exercises the next links climb to, from each exercise of a pack: :func:`ahead` in constant time.

    Made once for the checks of a whole pack, where asking :func:`ahead` of every link would cost time in the
    square of the number of exercises (a ladder of 8,000 took minutes). The next links make a forest whose roots
    are the exercises that lead nowhere (or to themselves) and the loops that some paths end in; an exercise is
    ahead of another if it is an ancestor of it in that forest, or on the loop its path ends in.
    """

    def __init__(self, next_of: Mapping[str, str | None]) -> None:
        parent: dict[str, str | None] = {}
        for node, following in next_of.items():
            parent[node] = following if following in next_of and following != node else None
        self._loop: dict[str, int] = {}  # the loop each exercise's path ends in, by number
        state: dict[str, int] = {}  # 1: on the path being followed, 2: done
        loops = 0
        for start in list(parent):
            path: list[str] = []
            current: str | None = start
            while current is not None and current not in state:
                state[current] = 1
                path.append(current)
                current = parent[current]
            if current is not None and state[current] == 1:  # the path came back to itself: a loop
                for member in path[path.index(current) :]:
                    self._loop[member] = loops
                    parent[member] = None  # a root of its own tree, as the loop's member
                loops += 1
            for member in path:
                state[member] = 2
        children: dict[str, list[str]] = {}
        for node, up in parent.items():
            if up is not None:
                children.setdefault(up, []).append(node)
        self._in: dict[str, int] = {}
        self._out: dict[str, int] = {}
        self._root: dict[str, str] = {}
        clock = 0
        for root in (node for node, up in parent.items() if up is None):
            stack: list[tuple[str, bool]] = [(root, False)]
            while stack:
                node, closing = stack.pop()
                if closing:
                    self._out[node] = clock
                    continue
                self._in[node], self._root[node] = clock, root
                clock += 1
                stack.append((node, True))
                stack.extend((child, False) for child in children.get(node, ()))

    def on_loop(self) -> set[str]:
        """The exercises on a loop of next links (each of them is ahead of every other)."""
        return set(self._loop)

    def ahead(self, start: str, target: str) -> bool:
        """Whether following the next links up from *start* reaches *target* (as :func:`ahead` says)."""
        if start == target or start not in self._in or target not in self._in:
            return False
        loop = self._loop.get(target)
        if loop is not None:  # on a loop: reached from anything whose path ends in that loop
            return self._loop.get(self._root[start]) == loop
        return self._in[target] < self._in[start] and self._out[start] <= self._out[target]


def ways_down(pack: Pack, leading: Mapping[str, list[Exercise]], reach: Reach) -> dict[str, Exercise | None]:
    """The exercise a step down from each exercise goes to, as the engine takes it (one step, not followed)."""
    by_id = {e.id: e for e in pack.exercises}

    def down(exercise: Exercise) -> Exercise | None:
        if exercise.progression.previous_exercise is None:
            return _retraced(pack, exercise, leading)
        target = by_id.get(exercise.progression.previous_exercise)
        if target is None or target.id == exercise.id or refused(target):
            return None
        if target.level.rank - exercise.level.rank not in (0, -1) or reach.ahead(exercise.id, target.id):
            return None
        return target

    return {e.id: down(e) for e in pack.exercises}


def steps_down(pack: Pack, leading: Mapping[str, list[Exercise]], reach: Reach) -> dict[str, Exercise | None]:
    """The exercise the engine steps down to from each exercise: its previous link, or the link it retraces."""
    return {**ways_down(pack, leading, reach), **retraced_all(pack, leading, reach)}


def endless(below: Mapping[str, Exercise | None]) -> set[str]:
    """The exercises whose steps down, followed, never come to a bottom: they go round a loop of steps down."""
    ends: dict[str, bool] = {}
    for start in below:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in ends and node not in on_path:
            path.append(node)
            on_path.add(node)
            following = below.get(node)
            node = None if following is None else following.id
        result = True if node is None else ends.get(node, False)
        for member in path:
            ends[member] = result
    return {node for node, ended in ends.items() if not ended}


def climbing_down(pack: Pack, below: Mapping[str, Exercise | None], reach: Reach) -> dict[str, str]:
    """Each exercise whose steps down, followed, reach an exercise its next links climb to: that exercise's id.

    One step down never goes up (:func:`previous_exercise` refuses it), but two may: ``a`` steps down to ``d``,
    ``d`` to ``b``, and ``b`` is ``a``'s next exercise. Found for all exercises at once: the ways down make a
    forest, walked once; the exercises ahead of each are an interval of :class:`Reach`'s order, counted in a
    Fenwick tree as the walk enters and leaves them.
    """
    ids = [e.id for e in pack.exercises if e.id in reach._in]  # noqa: SLF001 - Reach's own order, read here
    size = max(reach._in.values(), default=0) + 2  # noqa: SLF001
    tree = [0] * (size + 1)

    def add(position: int, amount: int) -> None:
        position += 1
        while position <= size:
            tree[position] += amount
            position += position & -position

    def covering(position: int) -> int:
        position += 1
        total = 0
        while position > 0:
            total += tree[position]
            position -= position & -position
        return total

    children: dict[str, list[str]] = {}
    roots = []
    for exercise_id in ids:
        down = below.get(exercise_id)
        if down is None or down.id not in reach._in:  # noqa: SLF001
            roots.append(exercise_id)
        else:
            children.setdefault(down.id, []).append(exercise_id)
    found: dict[str, str] = {}
    for root in roots:
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            # A loop of next links is an error of its own (progression-cycle, said once): only the exercises a
            # path of next links climbs to, outside any loop, are counted here.
            on_loop = node in reach._loop  # noqa: SLF001
            if leaving:
                if not on_loop:
                    add(reach._in[node], -1)  # noqa: SLF001
                    add(reach._out[node], 1)  # noqa: SLF001
                continue
            # Below this node on its way down: the exercises entered and not yet left. Any of them ahead of it?
            if not on_loop and covering(reach._in[node]) > 0:  # noqa: SLF001
                found[node] = ""
            if not on_loop:
                add(reach._in[node], 1)  # noqa: SLF001
                add(reach._out[node], -1)  # noqa: SLF001
            stack.append((node, True))
            stack.extend((child, False) for child in children.get(node, ()))
    for node in found:  # named: the first exercise on the way down that is ahead (few: each is an error)
        step = below.get(node)
        seen = {node}
        while step is not None and step.id not in seen:
            if step.id not in reach._loop and reach.ahead(node, step.id):  # noqa: SLF001
                found[node] = step.id
                break
            seen.add(step.id)
            step = below.get(step.id)
    return {node: ahead_id for node, ahead_id in found.items() if ahead_id}


def retraced_all(pack: Pack, leading: Mapping[str, list[Exercise]], reach: Reach) -> dict[str, Exercise | None]:
    """:func:`previous_exercise` of every exercise with no ``previous_exercise``, each in constant time.

    The way down from each exercise is followed once for all (remembered), so that a long ladder of one-way links
    costs time in its length, not in the square of it.
    """
    below = ways_down(pack, leading, reach)
    round_a_loop = endless(below)
    # The way down from an exercise's retraced link comes to a bottom, or it is no way down (it would come round to
    # the exercise itself, whose way down is that link: then it never comes to a bottom either).
    return {
        e.id: (back if back is not None and back.id not in round_a_loop else None)
        for e in pack.exercises
        if e.progression.previous_exercise is None
        for back in (below[e.id],)
    }
