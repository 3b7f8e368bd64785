"""Checks on a structured pack that types alone cannot express.

Each check yields :class:`~backext.Problem` objects whose paths are JSON
Pointers into the document the pack was read from (the model mirrors the
document field for field, so the path is known while walking the model).
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Iterator
from typing import Any

import attrs

from ._model import Exercise, Hold, Pack, Repetitions
from ._problems import Problem, escape_pointer
from ._text import LOCALE_TAG, LocalizedText


__all__ = ["SLUG", "check_pack"]

#: The shape of every id: lower-case letters and digits, joined by single hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_pack(pack: Pack) -> list[Problem]:
    """Return every problem of *pack* that its types do not rule out."""
    return list(_check_pack(pack))


def _check_pack(pack: Pack) -> Iterator[Problem]:
    yield from _check_id(pack.id, "/id")
    if not LOCALE_TAG.match(pack.default_locale):
        yield Problem(
            path="/default_locale",
            code="invalid-locale",
            message=f"{pack.default_locale!r} is not a BCP 47 locale tag such as 'en' or 'de-CH'",
        )
    if not pack.version.strip():
        yield Problem(path="/version", code="empty-value", message="the pack's version is empty")
    if not pack.exercises:
        yield Problem(path="/exercises", code="empty-value", message="a pack needs at least one exercise")
    exercise_ids = {e.id for e in pack.exercises}
    source_ids = {s.id for s in pack.sources}
    yield from _duplicates([e.id for e in pack.exercises], "/exercises", "exercise")
    yield from _duplicates([s.id for s in pack.sources], "/sources", "source")
    for index, source in enumerate(pack.sources):
        yield from _check_id(source.id, f"/sources/{index}/id")
        if not source.citation.strip():
            yield Problem(path=f"/sources/{index}/citation", code="empty-value", message="the citation is empty")
    for index, exercise in enumerate(pack.exercises):
        yield from _check_exercise(exercise, f"/exercises/{index}", exercise_ids, source_ids)
    yield from _check_texts(pack, "", pack.default_locale)


def _check_exercise(exercise: Exercise, at: str, exercise_ids: set[str], source_ids: set[str]) -> Iterator[Problem]:
    yield from _check_id(exercise.id, f"{at}/id")
    if not exercise.steps:
        yield Problem(path=f"{at}/steps", code="empty-value", message="an exercise needs at least one step")
    yield from _check_hold(exercise.hold, f"{at}/hold")
    yield from _check_repetitions(exercise.repetitions, f"{at}/repetitions")
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
                message=f"{exercise.id!r} cannot lead to itself",
            )
        elif target not in exercise_ids:
            yield Problem(
                path=f"{at}/progression/{name}",
                code="unknown-reference",
                message=f"no exercise in this pack has the id {target!r}",
            )
    yield from _duplicates([m.id for m in exercise.modifications], f"{at}/modifications", "variation")
    for index, modification in enumerate(exercise.modifications):
        yield from _check_id(modification.id, f"{at}/modifications/{index}/id")
    for index, source in enumerate(exercise.sources):
        if source not in source_ids:
            yield Problem(
                path=f"{at}/sources/{index}",
                code="unknown-reference",
                message=f"the pack lists no source with the id {source!r}",
            )


def _check_hold(hold: Hold, at: str) -> Iterator[Problem]:
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
    increment = hold.increment_seconds
    if increment is not None:
        span = hold.target_seconds - hold.start_seconds
        if increment <= 0:
            yield Problem(
                path=f"{at}/increment_seconds",
                code="not-positive",
                message=(
                    f"an increment must be more than 0 seconds, found {increment}; "
                    "leave it out for a hold that does not progress"
                ),
            )
        elif span > 0 and increment > span:
            yield Problem(
                path=f"{at}/increment_seconds",
                code="increment-too-large",
                message=f"the increment ({increment} s) is larger than the span from start to target ({span} s)",
            )


def _check_repetitions(repetitions: Repetitions, at: str) -> Iterator[Problem]:
    for name in ("minimum", "sets"):
        value = getattr(repetitions, name)
        if value < 1:
            yield Problem(path=f"{at}/{name}", code="not-positive", message=f"expected at least 1, found {value}")
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
            message=f"{value!r} is not an id: use lower-case letters, digits and single hyphens, like 'chest-lift'",
        )


def _duplicates(values: list[str], at: str, what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield Problem(
                path=f"{at}/{index}",
                code="duplicate-id",
                message=f"the {what} {value!r} appears more than once",
            )
        seen.add(value)


def _check_texts(node: object, at: str, default_locale: str, *, text: bool = False) -> Iterator[Problem]:
    """Walk the model; check every text for emptiness and its locales."""
    if isinstance(node, str):
        if text and not node.strip():
            yield Problem(path=at, code="empty-value", message="the text is empty")
        return
    if isinstance(node, LocalizedText):
        if not node.translations:
            yield Problem(path=at, code="empty-value", message="a text needs at least one translation")
            return
        for tag, translation in node.translations:
            if not LOCALE_TAG.match(tag):
                yield Problem(
                    path=f"{at}/{escape_pointer(tag)}",
                    code="invalid-locale",
                    message=f"{tag!r} is not a BCP 47 locale tag",
                )
            if not translation.strip():
                yield Problem(path=f"{at}/{escape_pointer(tag)}", code="empty-value", message="the text is empty")
        if default_locale not in node:
            yield Problem(
                path=at,
                code="missing-default-locale",
                message=f"the text has no translation for the pack's default locale {default_locale!r}",
            )
        return
    if isinstance(node, tuple):
        for index, item in enumerate(node):
            yield from _check_texts(item, f"{at}/{index}", default_locale, text=text)
        return
    cls: Any = type(node)
    if attrs.has(cls):
        text_fields = _text_fields(cls)
        for field in attrs.fields(cls):
            value = getattr(node, field.name)
            yield from _check_texts(value, f"{at}/{field.name}", default_locale, text=field.name in text_fields)


@functools.cache
def _text_fields(cls: type) -> frozenset[str]:
    """The names of *cls*'s fields that hold human-readable text."""
    return frozenset(name for name, hint in typing.get_type_hints(cls).items() if "LocalizedText" in str(hint))
