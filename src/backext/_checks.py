"""Checks on a structured pack that types alone cannot express.

Each check yields :class:`~backext.Problem` objects whose paths are JSON
Pointers into the document the pack was read from (the model mirrors the
document field for field, so the path is known while walking the model).
"""

from __future__ import annotations

import functools
import math
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from ._ladder import hold_rungs, rungs
from ._limits import DEFAULT_LIMITS, Limits, shorten
from ._model import Exercise, Hold, Pack, Repetitions
from ._problems import Problem, escape_pointer
from ._render import number
from ._suggest import Suggester, locale_hint
from ._text import LOCALE_TAG, LocalizedText, Text
from ._vocabulary import Direction
from ._wrong import show_number


__all__ = ["SLUG", "check_pack", "ladder_rungs", "session_cues"]

#: The shape of every id: lower-case letters and digits, joined by single hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_pack(pack: Pack, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Return every problem of *pack* that its types do not rule out."""
    return list(_check_pack(pack, limits))


def _check_pack(pack: Pack, limits: Limits) -> Iterator[Problem]:
    if len(pack.exercises) > limits.max_exercises:
        yield Problem(
            path="/exercises",
            code="too-many-exercises",
            message=f"the pack has {len(pack.exercises)} exercises, more than the limit of {limits.max_exercises}",
        )
    yield from _check_id(pack.id, "/id")
    if not LOCALE_TAG.match(pack.default_locale):
        yield Problem(
            path="/default_locale",
            code="invalid-locale",
            message=f"{shorten(pack.default_locale)} is not a BCP 47 locale tag such as 'en' or 'de-CH'"
            + locale_hint(pack.default_locale),
        )
    if not pack.version.strip():
        yield Problem(path="/version", code="empty-value", message="the pack's version is empty")
    if not pack.exercises:
        yield Problem(path="/exercises", code="empty-value", message="a pack needs at least one exercise")
    exercise_ids = {e.id for e in pack.exercises}
    source_ids = {s.id for s in pack.sources}
    yield from _duplicates([e.id for e in pack.exercises], "/exercises", "exercise")
    yield from _duplicates([s.id for s in pack.sources], "/sources", "source")
    suggest = Suggester()
    for index, source in enumerate(pack.sources):
        yield from _check_id(source.id, f"/sources/{index}/id")
        if not source.citation.strip():
            yield Problem(path=f"/sources/{index}/citation", code="empty-value", message="the citation is empty")
    for index, exercise in enumerate(pack.exercises):
        yield from _check_exercise(
            exercise, f"/exercises/{index}", (exercise_ids, source_ids, {a.id for a in pack.avoid}), limits, suggest
        )
    yield from _check_avoid(pack, exercise_ids, source_ids, suggest)
    cited = {source for exercise in pack.exercises for source in exercise.sources}
    cited.update(source for entry in pack.avoid for source in entry.sources)
    for index, source in enumerate(pack.sources):
        if source.id not in cited:
            yield Problem(
                path=f"/sources/{index}",
                code="unused-source",
                severity="warning",
                message=f"no exercise cites the source {shorten(source.id)}",
            )
    yield from _check_ladder(pack)
    yield from _check_ladder_lengths(pack, limits)
    texts = _all_texts(pack)
    yield from _check_texts(texts, pack.default_locale)
    yield from _check_translations(pack, texts)
    if pack.disclaimer is None:
        yield Problem(
            path="",
            code="no-disclaimer",
            severity="warning",
            message="the pack has no disclaimer: tell people to exercise with a health-care provider's guidance",
        )
    if not pack.sources:
        yield Problem(path="", code="no-sources", severity="warning", message="the pack cites no sources")


def _check_exercise(
    exercise: Exercise, at: str, ids: tuple[set[str], set[str], set[str]], limits: Limits, suggest: Suggester
) -> Iterator[Problem]:
    exercise_ids, source_ids, avoid_ids = ids
    yield from _check_id(exercise.id, f"{at}/id")
    if not exercise.steps:
        yield Problem(path=f"{at}/steps", code="empty-value", message="an exercise needs at least one step")
    out_of_range = list(_check_numbers(exercise, at, limits.max_number))
    yield from out_of_range
    if not out_of_range:  # the arithmetic below is safe only on numbers in range
        yield from _check_hold(exercise.hold, f"{at}/hold")
        yield from _check_repetitions(exercise.repetitions, f"{at}/repetitions")
        cues = session_cues(exercise)
        if cues > limits.max_session_cues:
            yield Problem(
                path=at,
                code="session-too-long",
                message=f"one session at the full dose would have about {cues} timed cues, more than the limit of "
                f"{limits.max_session_cues}: {_count(exercise.repetitions.sets, 'set')} of "
                f"{_count(exercise.repetitions.maximum, 'repetition')}, each held up to "
                f"{number(exercise.hold.target_seconds)} s",
            )
        rungs = ladder_rungs(exercise, limits.max_ladder_rungs)
        if rungs > limits.max_ladder_rungs:
            yield Problem(
                path=f"{at}/hold" if hold_rungs(exercise.hold) > 1 else f"{at}/repetitions",
                code="ladder-too-long",
                message=f"the exercise's dose would climb through more than {limits.max_ladder_rungs} doses from "
                "its start to its full dose: make the increment larger or the range smaller",
            )
    progression = exercise.progression
    if progression.tolerated_sessions < 1:
        yield Problem(
            path=f"{at}/progression/tolerated_sessions",
            code="not-positive",
            message=f"expected at least 1 session, found {progression.tolerated_sessions}",
        )
    yield from _duplicates([d.value for d in progression.order], f"{at}/progression/order", "dimension")
    for name in ("next_exercise", "previous_exercise"):
        target = getattr(progression, name)
        if target is None:
            continue
        if target == exercise.id:
            yield Problem(
                path=f"{at}/progression/{name}",
                code="self-reference",
                message=f"{shorten(exercise.id)} cannot lead to itself",
            )
        elif target in avoid_ids and target not in exercise_ids:
            yield Problem(
                path=f"{at}/progression/{name}",
                code="avoided-in-ladder",
                message=f"{shorten(target)} is listed among the exercises to avoid: it cannot be on a ladder",
            )
        elif target not in exercise_ids:
            yield Problem(
                path=f"{at}/progression/{name}",
                code="unknown-reference",
                message=f"no exercise in this pack has the id {shorten(target)}" + suggest(target, exercise_ids),
            )
    yield from _duplicates([m.id for m in exercise.modifications], f"{at}/modifications", "variation")
    for index, modification in enumerate(exercise.modifications):
        yield from _check_id(modification.id, f"{at}/modifications/{index}/id")
        if modification.direction is Direction.HARDER and not modification.requires_clearance:
            yield Problem(
                path=f"{at}/modifications/{index}",
                code="harder-without-clearance",
                severity="warning",
                message=f"the harder variation {shorten(modification.id)} does not ask for a clinician's clearance",
            )
    for index, movement in enumerate(exercise.movements):
        if movement.contraindicated:
            yield Problem(
                path=f"{at}/movements/{index}",
                code="contraindicated-movement",
                message=f"{shorten(movement.value)} is a movement osteoporosis guidance advises against",
            )
    for index, source in enumerate(exercise.sources):
        if source not in source_ids:
            yield Problem(
                path=f"{at}/sources/{index}",
                code="unknown-reference",
                message=f"the pack lists no source with the id {shorten(source)}" + suggest(source, source_ids),
            )


def _check_avoid(pack: Pack, exercise_ids: set[str], source_ids: set[str], suggest: Suggester) -> Iterator[Problem]:
    """The movements and exercises to avoid: ids, and the sources they cite."""
    yield from _duplicates([a.id for a in pack.avoid], "/avoid", "entry to avoid")
    for index, entry in enumerate(pack.avoid):
        at = f"/avoid/{index}"
        yield from _check_id(entry.id, f"{at}/id")
        if entry.id in exercise_ids:
            yield Problem(
                path=f"{at}/id",
                code="duplicate-id",
                message=f"{shorten(entry.id)} names an exercise too: an entry to avoid needs an id of its own",
            )
        for number_, source in enumerate(entry.sources):
            if source not in source_ids:
                yield Problem(
                    path=f"{at}/sources/{number_}",
                    code="unknown-reference",
                    message=f"the pack lists no source with the id {shorten(source)}" + suggest(source, source_ids),
                )


def _check_ladder(pack: Pack) -> Iterator[Problem]:
    """Levels along next and previous links, and cycles."""
    by_id = {e.id: e for e in pack.exercises}
    for index, exercise in enumerate(pack.exercises):
        for name, up in (("next_exercise", True), ("previous_exercise", False)):
            target_id = getattr(exercise.progression, name)
            target = by_id.get(target_id) if target_id is not None else None
            if target is None or target is exercise:
                continue
            at = f"/exercises/{index}/progression/{name}"
            difference = (target.level.rank - exercise.level.rank) * (1 if up else -1)
            if difference < 0:
                where = "lower" if up else "higher"
                yield Problem(
                    path=at,
                    code="level-goes-down",
                    message=f"{shorten(target.id)} ({target.level.value}) is at a {where} level than "
                    f"{shorten(exercise.id)} ({exercise.level.value})",
                )
            elif difference > 1:
                yield Problem(
                    path=at,
                    code="level-skipped",
                    message=f"{shorten(target.id)} ({target.level.value}) skips a level from {shorten(exercise.id)} "
                    f"({exercise.level.value}); the engine will not follow this link",
                )
    position = {e.id: i for i, e in enumerate(pack.exercises)}
    for name in ("next_exercise", "previous_exercise"):
        done: set[str] = set()  # exercises whose chain is known to end, or to have been reported
        for exercise in pack.exercises:
            path: list[str] = []
            on_path: set[str] = set()
            current: str | None = exercise.id
            while current is not None and current in by_id and current not in done:
                if current in on_path:
                    cycle = path[path.index(current) :]
                    first = min(position[c] for c in cycle)
                    yield Problem(
                        path=f"/exercises/{first}/progression/{name}",
                        code="progression-cycle",
                        message="following the exercises leads back in a circle: " + _circle(cycle),
                    )
                    break
                path.append(current)
                on_path.add(current)
                following = getattr(by_id[current].progression, name)
                current = None if following == current else following
            done.update(path)


def _check_ladder_lengths(pack: Pack, limits: Limits) -> Iterator[Problem]:
    """Ladders longer than the limit from some exercise to the top, reported where the limit is crossed.

    :func:`backext.ladder` climbs from an exercise through every dose of it
    and of each next exercise the engine would follow. Counted, never built.
    """
    limit = limits.max_ladder_rungs
    exercises = pack.exercises
    position = {e.id: i for i, e in enumerate(exercises)}
    own = [ladder_rungs(e, limit) if not any(_check_numbers(e, "", limits.max_number)) else 1 for e in exercises]
    following: list[int] = []
    for index, exercise in enumerate(exercises):
        there = position.get(exercise.progression.next_exercise or "", -1)
        allowed = there not in (-1, index) and 0 <= exercises[there].level.rank - exercise.level.rank <= 1
        following.append(there if allowed else -1)
    total = [0] * len(exercises)  # doses from each exercise to the top, at most limit + 1
    for start in range(len(exercises)):
        path: list[int] = []
        on_path: set[int] = set()
        current = start
        while current != -1 and total[current] == 0 and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = following[current]
        above = total[current] if current != -1 and current not in on_path else 0  # a circle stops the climb
        for index in reversed(path):
            above = total[index] = min(own[index] + above, limit + 1)
    for index, exercise in enumerate(exercises):
        after = following[index]
        if own[index] <= limit and total[index] > limit and (after == -1 or total[after] <= limit):
            yield Problem(
                path=f"/exercises/{index}/progression/next_exercise",
                code="ladder-too-long",
                message=f"the doses from {shorten(exercise.id)} to the top of its progression number more than "
                f"{limit}: {own[index]} of its own and {total[after]} from the exercises after it",
            )


def _circle(cycle: list[str]) -> str:
    """The ids of a circle, first to first again; a long one with the middle left out."""
    shown = [*cycle, cycle[0]]
    if len(shown) > 12:
        shown = [*shown[:5], f"... ({len(cycle) - 9} more)", *shown[-5:]]
    return " -> ".join(name if len(name) <= 60 else name[:57] + "..." for name in shown)


_PLAUSIBLE_HOLD_SECONDS = 60
_PLAUSIBLE_REPETITIONS = 30
_PLAUSIBLE_SETS = 5

#: The numbers of an exercise, by pointer below the exercise.
_NUMBERS: tuple[tuple[str, Callable[[Exercise], float | None]], ...] = (
    ("hold/start_seconds", lambda e: e.hold.start_seconds),
    ("hold/target_seconds", lambda e: e.hold.target_seconds),
    ("hold/increment_seconds", lambda e: e.hold.increment_seconds),
    ("repetitions/minimum", lambda e: e.repetitions.minimum),
    ("repetitions/maximum", lambda e: e.repetitions.maximum),
    ("repetitions/sets", lambda e: e.repetitions.sets),
    ("progression/tolerated_sessions", lambda e: e.progression.tolerated_sessions),
)


def _check_numbers(exercise: Exercise, at: str, limit: int) -> Iterator[Problem]:
    """Numbers beyond *limit* in magnitude (NaN and infinities included)."""
    found: list[tuple[str, object]] = [(name, get(exercise)) for name, get in _NUMBERS]
    for index, modification in enumerate(exercise.modifications):
        found.append((f"modifications/{index}/hold_seconds_change", modification.hold_seconds_change))
        found.append((f"modifications/{index}/repetitions_change", modification.repetitions_change))
    for name, value in found:
        if value is not None and not -limit <= value <= limit:  # type: ignore[operator]
            yield Problem(
                path=f"{at}/{name}",
                code="number-out-of-range",
                message=f"{show_number(value)} is out of range: numbers must lie between {-limit} and {limit}",
            )


def _count(how_many: int, noun: str) -> str:
    return f"{how_many} {noun}" + ("" if how_many == 1 else "s")


#: Cues of each repetition besides the countdown: the repetition, lift, hold, lower, and rest.
_CUES_PER_REPETITION = 5


def session_cues(exercise: Exercise) -> int:
    """About how many cues :func:`backext.timeline` gives for one session at *exercise*'s full dose.

    The steps and the finish, and for each set its cue and, for each
    repetition, its cues and a countdown of each whole second of the hold.
    Numbers must be in range.
    """
    repetitions = exercise.repetitions
    hold = max(exercise.hold.start_seconds, exercise.hold.target_seconds)
    per_repetition = _CUES_PER_REPETITION + max(0, math.ceil(hold))
    return len(exercise.steps) + 1 + max(0, repetitions.sets) * (1 + max(0, repetitions.maximum) * per_repetition)


def ladder_rungs(exercise: Exercise, limit: int) -> int:
    """How many doses *exercise*'s own ladder holds (counted, never built), at most ``limit + 1``.

    The count is :func:`backext._ladder.rungs`: the ladder's own rule.
    Numbers must be in range.
    """
    return min(rungs(exercise), limit + 1)


def _check_hold(hold: Hold, at: str) -> Iterator[Problem]:
    if hold.target_seconds > _PLAUSIBLE_HOLD_SECONDS:
        yield Problem(
            path=f"{at}/target_seconds",
            code="implausible-dose",
            severity="warning",
            message=f"a hold of {hold.target_seconds} s is unusually long for a back extension "
            f"(over {_PLAUSIBLE_HOLD_SECONDS} s)",
        )
    if hold.start_seconds <= 0:
        yield Problem(
            path=f"{at}/start_seconds",
            code="not-positive",
            message=f"a hold must last more than 0 seconds, found {hold.start_seconds}",
        )
    if hold.target_seconds < hold.start_seconds:
        yield Problem(
            path=f"{at}/target_seconds",
            code="hold-start-above-target",
            message=f"the target hold ({hold.target_seconds} s) is shorter than the start ({hold.start_seconds} s)",
        )
    for name in ("start_seconds", "target_seconds", "increment_seconds"):
        value = getattr(hold, name)
        if value is not None and not in_tenths(value):
            yield Problem(
                path=f"{at}/{name}",
                code="too-precise",
                message=f"holds are exact to a tenth of a second, found {value}",
            )
    increment = hold.increment_seconds
    if increment is not None:
        span = tenths_of(hold.target_seconds) - tenths_of(hold.start_seconds)
        if increment <= 0:
            yield Problem(
                path=f"{at}/increment_seconds",
                code="not-positive",
                message=(
                    f"an increment must be more than 0 seconds, found {increment}; "
                    "leave it out for a hold that does not progress"
                ),
            )
        elif span > 0 and tenths_of(increment) > span:
            yield Problem(
                path=f"{at}/increment_seconds",
                code="increment-too-large",
                message=f"the increment ({increment} s) is larger than the span from start to target ({span / 10:g} s)",
            )


def in_tenths(value: float) -> bool:
    """Whether *value* seconds is a whole number of tenths (to within rounding of the decimal it was written as)."""
    if isinstance(value, int):
        return True
    if not math.isfinite(value):
        return True  # reported as not finite elsewhere
    scaled = value * 10
    whole = round(scaled)
    # A value too small to be a tenth (5e-324) is no whole number of tenths, however close to none it is.
    return abs(scaled - whole) <= 1e-9 * max(1.0, abs(scaled)) and (whole != 0 or value == 0)


def tenths_of(value: float) -> int:
    """*value* seconds in whole tenths (ints of any size stay exact)."""
    if isinstance(value, int):
        return value * 10
    return round(value * 10) if math.isfinite(value) else 0


def _check_repetitions(repetitions: Repetitions, at: str) -> Iterator[Problem]:
    for name in ("minimum", "sets"):
        value = getattr(repetitions, name)
        if value < 1:
            yield Problem(path=f"{at}/{name}", code="not-positive", message=f"expected at least 1, found {value}")
    for name, what, limit in (("maximum", "repetitions", _PLAUSIBLE_REPETITIONS), ("sets", "sets", _PLAUSIBLE_SETS)):
        value = getattr(repetitions, name)
        if value > limit:
            yield Problem(
                path=f"{at}/{name}",
                code="implausible-dose",
                severity="warning",
                message=f"{value} {what} is unusually many (over {limit})",
            )
    if repetitions.maximum < repetitions.minimum:
        yield Problem(
            path=f"{at}/maximum",
            code="repetitions-min-above-max",
            message=f"the maximum ({repetitions.maximum}) is below the minimum ({repetitions.minimum})",
        )


def _check_id(value: str, at: str) -> Iterator[Problem]:
    if not SLUG.match(value):
        yield Problem(
            path=at,
            code="invalid-id",
            message=f"{shorten(value)} is not an id: use lower-case letters, digits and single hyphens, like "
            "'chest-lift'",
        )


def _duplicates(values: list[str], at: str, what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield Problem(
                path=f"{at}/{index}",
                code="duplicate-id",
                message=f"the {what} {shorten(value)} appears more than once",
            )
        seen.add(value)


def _check_texts(texts: list[tuple[str, Text]], default_locale: str) -> Iterator[Problem]:
    """Check every text for emptiness and its locales."""
    for at, value in texts:
        if isinstance(value, str):
            if not value.strip():
                yield Problem(path=at, code="empty-value", message="the text is empty")
            continue
        if not value.translations:
            yield Problem(path=at, code="empty-value", message="a text needs at least one translation")
            continue
        for tag, translation in value.translations:
            if not LOCALE_TAG.match(tag):
                yield Problem(
                    path=f"{at}/{escape_pointer(tag)}",
                    code="invalid-locale",
                    message=f"{shorten(tag)} is not a BCP 47 locale tag" + locale_hint(tag),
                )
            if not translation.strip():
                yield Problem(path=f"{at}/{escape_pointer(tag)}", code="empty-value", message="the text is empty")
        if default_locale not in value:
            yield Problem(
                path=at,
                code="missing-default-locale",
                message=f"the text has no translation for the pack's default locale {shorten(default_locale)}",
            )


_TEXT, _TEXTS, _NODE, _NODES = range(4)


@functools.cache
def _walk_plan(cls: type) -> tuple[tuple[str, int], ...]:
    """Which fields of *cls* hold texts, directly or below: (name, kind) pairs, in field order."""
    plan: list[tuple[str, int]] = []
    for name, hint in typing.get_type_hints(cls).items():
        if "LocalizedText" in str(hint):
            plan.append((name, _TEXTS if typing.get_origin(hint) is tuple else _TEXT))
            continue
        args = [a for a in typing.get_args(hint) if a is not type(None) and a is not Ellipsis] or [hint]
        inner = args[0]
        if isinstance(inner, type) and attrs.has(inner) and _walk_plan(inner):
            plan.append((name, _NODES if typing.get_origin(hint) is tuple else _NODE))
    order = [f.name for f in attrs.fields(cls)]
    return tuple(sorted(plan, key=lambda entry: order.index(entry[0])))


def _collect_texts(node: object, at: str, out: list[tuple[str, Text]]) -> None:
    cls: Any = type(node)
    for name, kind in _walk_plan(cls):
        value: Any = getattr(node, name)
        if value is None:
            continue
        if kind == _TEXT:
            out.append((f"{at}/{name}", value))
        elif kind == _TEXTS:
            out.extend((f"{at}/{name}/{index}", item) for index, item in enumerate(value))
        elif kind == _NODE:
            _collect_texts(value, f"{at}/{name}", out)
        else:
            for index, item in enumerate(value):
                _collect_texts(item, f"{at}/{name}/{index}", out)


def _all_texts(pack: Pack) -> list[tuple[str, Text]]:
    """Every human-readable text of *pack*, with its pointer."""
    out: list[tuple[str, Text]] = []
    _collect_texts(pack, "", out)
    return out


def _check_translations(pack: Pack, texts: list[tuple[str, Text]]) -> Iterator[Problem]:
    locales: dict[str, None] = {}
    for _, value in texts:
        if isinstance(value, LocalizedText):
            locales.update(dict.fromkeys(tag for tag in value if LOCALE_TAG.match(tag)))
    wanted = [tag for tag in locales if tag != pack.default_locale]
    if not wanted:
        return
    for at, value in texts:
        have = set(value) if isinstance(value, LocalizedText) else {pack.default_locale}
        missing = [tag for tag in wanted if tag not in have]
        if missing:
            yield Problem(
                path=at,
                code="incomplete-translation",
                severity="warning",
                message=f"no translation for {', '.join(repr(t) for t in missing)}, which other texts of the pack have",
            )
