"""Checks on a structured pack that types alone cannot express.

Each check yields findings (:class:`~backext._constraints.Finding`): the
problems, made only when they are reported, whose paths are JSON Pointers
into the document the pack was read from (the model mirrors the document
field for field, so the path is known while walking the model).
"""

from __future__ import annotations

import functools
import math
import re
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ._constraints import SLUG_PATTERN, Finding, Rule, doses_words, in_tenths, rule, rule_problems, tenths_of
from ._i18n import N_, N_plural, well_formed
from ._ladder import (
    Reach,
    asks_more,
    climbing_down,
    hold_rungs,
    leading_links,
    next_links,
    retraced_all,
    rungs,
    steps_down,
)
from ._limits import DEFAULT_LIMITS, Gathered, Limits, shorten
from ._messages import Message, listed
from ._model import Avoid, Exercise, Pack
from ._problems import Problem, escape_pointer
from ._render import amount
from ._suggest import Suggester, locale_suggestion
from ._text import LocalizedText, Text, blank
from ._vocabulary import Level


__all__ = ["SLUG", "check_pack", "checked_rules", "in_tenths", "ladder_rungs", "session_cues", "tenths_of"]

#: The shape of every id: lower-case letters and digits, joined by single hyphens.
SLUG = re.compile(SLUG_PATTERN)

_Found = Iterator[Finding]


def check_pack(pack: Pack, limits: Limits = DEFAULT_LIMITS, gathered: Gathered | None = None) -> list[Problem]:
    """Return every problem of *pack* that its types do not rule out.

    With *gathered*, the problems are gathered there instead, in bounded
    memory: only those it keeps are made, the others counted, and the
    checks stop once it has enough (see :class:`~backext._limits.Gathered`).
    The problems it keeps are returned.
    """
    if gathered is None:
        return [finding.problem() for finding in _check_pack(pack, limits)]
    gathered.gather(_check_pack(pack, limits))
    return gathered.kept


def checked_rules(pack: Pack, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[Rule, Problem]]:
    """Every problem of *pack*, each with the rule (of :data:`backext._constraints.RULES`) that found it."""
    for finding in _check_pack(pack, limits):
        yield finding.rule, finding.problem()


def _check_pack(pack: Pack, limits: Limits) -> _Found:
    most = limits.max_number
    if len(pack.exercises) > limits.max_exercises:
        found = rule("too-many-exercises")
        yield found.at("/exercises", count=len(pack.exercises), limit=limits.max_exercises)
    yield from rule_problems(pack, "", most, "ungated")
    exercise_ids = {e.id for e in pack.exercises}
    source_ids = {s.id for s in pack.sources}
    yield from _duplicates(rule("duplicate-exercise"), [e.id for e in pack.exercises], "/exercises")
    yield from _duplicates(rule("duplicate-source"), [s.id for s in pack.sources], "/sources")
    suggest = Suggester()
    for index, source in enumerate(pack.sources):
        yield from rule_problems(source, f"/sources/{index}", most, "ungated")
    avoided = {a.id for a in pack.avoid}  # once: made for each exercise, it cost time in the square of the pack
    for index, exercise in enumerate(pack.exercises):
        yield from _check_exercise(
            exercise, f"/exercises/{index}", (exercise_ids, source_ids, avoided), limits, suggest
        )
    yield from _check_avoid(pack, exercise_ids, source_ids, suggest)
    cited = {source for exercise in pack.exercises for source in exercise.sources}
    cited.update(source for entry in pack.avoid for source in entry.sources)
    unused = rule("unused-source")
    for index, source in enumerate(pack.sources):
        if source.id not in cited:
            yield unused.at(f"/sources/{index}", value=shorten(source.id))
    yield from _check_ladder(pack)
    yield from _check_ladder_lengths(pack, limits)
    texts = _all_texts(pack)
    yield from _check_texts(texts, pack.default_locale)
    yield from _check_translations(pack, texts)


def _check_exercise(
    exercise: Exercise, at: str, ids: tuple[set[str], set[str], set[str]], limits: Limits, suggest: Suggester
) -> _Found:
    exercise_ids, source_ids, avoid_ids = ids
    most = limits.max_number
    yield from rule_problems(exercise, at, most, "ungated")
    parts: list[tuple[object, str]] = [
        (exercise.hold, f"{at}/hold"),
        (exercise.repetitions, f"{at}/repetitions"),
        (exercise.progression, f"{at}/progression"),
    ]
    parts += [(m, f"{at}/modifications/{index}") for index, m in enumerate(exercise.modifications)]
    out_of_range = [found for part, where in parts for found in rule_problems(part, where, most, "ranges")]
    yield from out_of_range
    if not out_of_range:  # the arithmetic below is safe only on numbers in range
        for part, where in parts:
            yield from rule_problems(part, where, most, "gated")
        yield from rule_problems(exercise, at, most, "gated")
        cues = session_cues(exercise)
        if cues > limits.max_session_cues:
            found = rule("session-too-long")
            yield found.at(
                at,
                cues=cues,
                limit=limits.max_session_cues,
                sets=_count(exercise.repetitions.sets, _SETS),
                repetitions=_count(exercise.repetitions.maximum, _REPETITIONS),
                seconds=amount(exercise.hold.target_seconds),
            )
        rungs = ladder_rungs(exercise, limits.max_ladder_rungs)
        if rungs > limits.max_ladder_rungs:
            found = rule("exercise-ladder-too-long")
            where = f"{at}/hold" if hold_rungs(exercise.hold) > 1 else f"{at}/repetitions"
            yield found.at(where, doses=doses_words(limits.max_ladder_rungs))
    progression = exercise.progression
    yield from rule_problems(progression, f"{at}/progression", most, "ungated")
    yield from _duplicates(rule("duplicate-dimension"), [d.value for d in progression.order], f"{at}/progression/order")
    for name in ("next_exercise", "previous_exercise"):
        target = getattr(progression, name)
        if target is None or target == exercise.id:
            continue  # a link to itself: self-reference, a rule of the exercise
        if target in avoid_ids and target not in exercise_ids:
            found = rule("avoided-in-ladder")
            yield found.at(f"{at}/progression/{name}", value=shorten(target))
        elif target not in exercise_ids:
            found = rule("unknown-exercise")
            others = exercise_ids - {exercise.id}  # never the exercise itself: a link to it is a self-reference
            yield found.at(f"{at}/progression/{name}", value=shorten(target), hint=suggest(target, others))
    yield from _duplicates(rule("duplicate-variation"), [m.id for m in exercise.modifications], f"{at}/modifications")
    for index, modification in enumerate(exercise.modifications):
        yield from rule_problems(modification, f"{at}/modifications/{index}", most, "ungated")
    yield from _unknown_sources(exercise.sources, f"{at}/sources", source_ids, suggest)
    yield from _repeats(exercise, "exercise", at)


def _unknown_sources(sources: tuple[str, ...], at: str, source_ids: set[str], suggest: Suggester) -> _Found:
    found = rule("unknown-source")
    for index, source in enumerate(sources):
        if source not in source_ids:
            yield found.at(f"{at}/{index}", value=shorten(source), hint=suggest(source, source_ids))


def _check_avoid(pack: Pack, exercise_ids: set[str], source_ids: set[str], suggest: Suggester) -> _Found:
    """The movements and exercises to avoid: ids, and the sources they cite."""
    yield from _duplicates(rule("duplicate-avoid"), [a.id for a in pack.avoid], "/avoid")
    names_exercise = rule("avoid-names-exercise")
    for index, entry in enumerate(pack.avoid):
        at = f"/avoid/{index}"
        yield from rule_problems(entry, at, DEFAULT_LIMITS.max_number, "ungated")
        if entry.id in exercise_ids:
            yield names_exercise.at(f"{at}/id", value=shorten(entry.id))
        yield from _unknown_sources(entry.sources, f"{at}/sources", source_ids, suggest)
        yield from _repeats(entry, "avoid", at)


def _level_words(level: Level) -> Message:
    """The name of *level* in the problem's language (the catalogs' ``level`` words: "Einsteiger")."""
    return Message(template=level.value, context="level")


def _check_ladder(pack: Pack) -> _Found:
    """Levels along next and previous links, links to refused exercises, and cycles."""
    by_id = {e.id: e for e in pack.exercises}
    next_of, leading = next_links(pack), leading_links(pack)
    reach = Reach(next_of)  # made once: each link asked of it in constant time
    retraced = retraced_all(pack, leading, reach)
    refused = rule("link-to-refused")
    one_way = rule("one-way-link")
    for index, exercise in enumerate(pack.exercises):
        for name, up in (("next_exercise", True), ("previous_exercise", False)):
            target_id = getattr(exercise.progression, name)
            target = by_id.get(target_id) if target_id is not None else None
            if target is None or target is exercise:
                continue
            at = f"/exercises/{index}/progression/{name}"
            difference = (target.level.rank - exercise.level.rank) * (1 if up else -1)
            levels = {
                "target": shorten(target.id),
                "target_level": _level_words(target.level),
                "exercise": shorten(exercise.id),
                "level": _level_words(exercise.level),
            }
            if difference < 0:
                found = rule("level-goes-down-next" if up else "level-goes-down-previous")
                yield found.at(at, **levels)
            elif difference > 1:
                found = rule("level-skipped")
                yield found.at(at, **levels)
            if any(movement.contraindicated for movement in target.movements):
                yield refused.at(at, value=shorten(target.id))
            if not up and difference == 0 and asks_more(target, exercise):
                yield rule("previous-asks-more").at(at, value=shorten(target.id), exercise=shorten(exercise.id))
            if not up and reach.ahead(exercise.id, target.id):
                yield rule("previous-ahead").at(at, value=shorten(target.id), exercise=shorten(exercise.id))
            if up and target.progression.previous_exercise is None:
                back = retraced[target.id]  # the engine's own way down (previous_exercise), retraced
                traced = back is not None and back.id == exercise.id
                found = one_way if traced else rule("one-way-link-untraced")
                yield found.at(at, value=shorten(target.id), exercise=shorten(exercise.id))
                if traced and difference == 0 and asks_more(exercise, target):  # that way down raises the numbers
                    yield rule("previous-asks-more").at(at, value=shorten(exercise.id), exercise=shorten(target.id))
    position = {e.id: i for i, e in enumerate(pack.exercises)}
    # Steps down that, followed, climb: a to d to b, where a's next exercise is b (each step alone goes down).
    for exercise_id, ahead_id in climbing_down(pack, steps_down(pack, leading, reach), reach).items():
        index = position[exercise_id]
        exercise = pack.exercises[index]
        at = f"/exercises/{index}/progression" + (
            "/previous_exercise" if exercise.progression.previous_exercise else ""
        )
        yield rule("previous-ahead").at(at, value=shorten(ahead_id), exercise=shorten(exercise_id))
    cycle_rule = rule("progression-cycle")
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
                    yield cycle_rule.at(f"/exercises/{first}/progression/{name}", circle=_circle(cycle))
                    break
                path.append(current)
                on_path.add(current)
                following = getattr(by_id[current].progression, name)
                current = None if following == current else following
            done.update(path)


def _in_range(exercise: Exercise, most: int) -> bool:
    """Whether every number of *exercise* is within range (the arithmetic on them is safe only then)."""
    parts: list[object] = [exercise.hold, exercise.repetitions, exercise.progression, *exercise.modifications]
    return not any(found for part in parts for found in rule_problems(part, "", most, "ranges"))


def _check_ladder_lengths(pack: Pack, limits: Limits) -> _Found:
    """Ladders longer than the limit from some exercise to the top, reported where the limit is crossed.

    :func:`backext.ladder` climbs from an exercise through every dose of it
    and of each next exercise the engine would follow. Counted, never built.
    """
    limit = limits.max_ladder_rungs
    exercises = pack.exercises
    position = {e.id: i for i, e in enumerate(exercises)}
    own = [ladder_rungs(e, limit) if _in_range(e, limits.max_number) else 1 for e in exercises]
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
    found = rule("chain-ladder-too-long")
    for index, exercise in enumerate(exercises):
        after = following[index]
        if own[index] <= limit and total[index] > limit and (after == -1 or total[after] <= limit):
            yield found.at(
                f"/exercises/{index}/progression/next_exercise",
                exercise=shorten(exercise.id),
                limit=limit,
                own=own[index],
                after=total[after],
            )


# Translators: the ids of a long circle of exercises with the middle left out; {count} is always 3 or more.
_LONG_CIRCLE = N_("{start} -> ... ({count} more) -> {end}")


def _circle(cycle: list[str]) -> Message | str:
    """The ids of a circle, first to first again; a long one with the middle left out."""
    shown = [name if len(name) <= 60 else name[:57] + "..." for name in [*cycle, cycle[0]]]
    if len(shown) <= 12:
        return " -> ".join(shown)
    values = {"start": " -> ".join(shown[:5]), "count": str(len(cycle) - 9), "end": " -> ".join(shown[-5:])}
    return Message(template=_LONG_CIRCLE, values=values)


_SETS = N_plural("{count} set", "{count} sets")
_REPETITIONS = N_plural("{count} repetition", "{count} repetitions")


def _count(how_many: int, words: tuple[str, str]) -> Message:
    """*how_many* with its noun, in the plural form of each language (the same words as the dose's)."""
    return Message(template=words[0], plural=words[1], count=how_many, values={"count": format(how_many)})


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


def _repeats(entry: Exercise | Avoid, model: str, at: str) -> _Found:
    """The sources and movements *entry* (at *at*) lists more than once: ``repeated-entry`` warnings."""
    yield from _duplicates(rule(f"repeated-sources-of-{model}"), list(entry.sources), f"{at}/sources")
    movements = [m.value for m in entry.movements]
    yield from _duplicates(rule(f"repeated-movements-of-{model}"), movements, f"{at}/movements")


def _duplicates(found: Rule, values: list[str], at: str) -> _Found:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield found.at(f"{at}/{index}", value=shorten(value))
        seen.add(value)


def _check_texts(texts: list[tuple[str, Text]], default_locale: str) -> _Found:
    """Check every text for emptiness and its locales."""
    empty, untranslated, locale = rule("text-empty"), rule("text-no-translation"), rule("text-locale")
    for at, value in texts:
        if isinstance(value, str):
            if blank(value):
                yield empty.at(at)
            continue
        if not value.translations:
            yield untranslated.at(at)
            continue
        seen: dict[str, str] = {}  # each tag in lower case: the first spelling of it
        for tag, translation in value.translations:
            if not well_formed(tag):
                yield locale.at(f"{at}/{escape_pointer(tag)}", value=shorten(tag), hint=locale_suggestion(tag))
            if blank(translation):
                yield empty.at(f"{at}/{escape_pointer(tag)}")
            first = seen.setdefault(tag.lower(), tag)
            if first != tag:
                twice = rule("duplicate-locale")
                yield twice.at(f"{at}/{escape_pointer(tag)}", value=shorten(tag), other=shorten(first))
        if well_formed(default_locale) and not _served(default_locale, seen):  # a malformed one is said once, itself
            missing = rule("missing-default-locale")
            yield missing.at(at, value=shorten(default_locale))


def _served(tag: str, keys: Mapping[str, str]) -> bool:
    """Whether a text whose tags in lower case are *keys* has *tag*, or a shorter prefix of it (``de`` for ``de-AT``).

    Tags are compared regardless of case, as BCP 47 asks, and with the
    fallback that :meth:`LocalizedText.resolve <backext.LocalizedText.resolve>` applies.
    """
    parts = tag.lower().split("-")
    return any("-".join(parts[:end]) in keys for end in range(len(parts), 0, -1))


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


def _check_translations(pack: Pack, texts: list[tuple[str, Text]]) -> _Found:
    # Tags are compared regardless of case (BCP 47): each is named as it is first written.
    locales: dict[str, str] = {}
    for _, value in texts:
        if isinstance(value, LocalizedText):
            for tag in value:
                if well_formed(tag):
                    locales.setdefault(tag.lower(), tag)
    default = pack.default_locale.lower()
    wanted = [(key, tag) for key, tag in locales.items() if key != default]
    if not wanted:
        return
    incomplete = rule("incomplete-translation")
    for at, value in texts:
        have = {tag.lower() for tag in value} if isinstance(value, LocalizedText) else {default}
        missing = [tag for key, tag in wanted if key not in have]
        if missing:
            yield incomplete.at(at, locales=listed([repr(t) for t in missing]))
