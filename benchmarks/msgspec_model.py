"""The pack schema as constrained msgspec structs: the floor of the benchmark.

msgspec decodes JSON straight into typed, frozen structs in C, refusing
unknown fields and any coercion, with ids matched by a pattern and numbers
bounded. It is the fastest validated, typed decode that Python has, so no
loader written in Python should expect to beat it. It checks less than
backext: texts may be blank, a hold's start may exceed its target, and a
duplicate key keeps its last value.

Texts are a ``Union`` of a plain ``str`` and a ``dict``: no pattern on the
``str`` side, a combination seen corrupting the heap in msgspec 0.22.0.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

import msgspec


Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Union[str, dict[str, str]]  # noqa: UP007
Seconds = Annotated[float, msgspec.Meta(gt=0)]


class _Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class Step(_Struct, kw_only=True):
    text: Text
    cue: Text | None = None
    media: str | None = None


class Hold(_Struct, kw_only=True):
    start_seconds: Seconds
    target_seconds: Seconds
    increment_seconds: Seconds | None = None


class Repetitions(_Struct, kw_only=True):
    minimum: Annotated[int, msgspec.Meta(ge=1)]
    maximum: Annotated[int, msgspec.Meta(ge=1)]
    sets: Annotated[int, msgspec.Meta(ge=1)] = 1


class Progression(_Struct, kw_only=True):
    order: tuple[Literal["hold", "repetitions"], ...] = ("hold", "repetitions")
    tolerated_sessions: Annotated[int, msgspec.Meta(ge=1)] = 3
    next_exercise: Slug | None = None
    previous_exercise: Slug | None = None


class Modification(_Struct, kw_only=True):
    id: Slug
    name: Text
    description: Text
    direction: Literal["easier", "harder"]
    requires_clearance: bool = False
    hold_seconds_change: float = 0
    repetitions_change: int = 0
    media: tuple[str, ...] = ()


class Source(_Struct, kw_only=True):
    id: Slug
    citation: str
    url: str | None = None


class Exercise(_Struct, kw_only=True):
    id: Slug
    name: Text
    level: Literal["beginner", "intermediate", "advanced"]
    purpose: Text
    starting_position: Text
    steps: Annotated[tuple[Step, ...], msgspec.Meta(min_length=1)]
    hold: Hold
    repetitions: Repetitions
    progression: Progression = Progression()
    equipment: tuple[Text, ...] = ()
    modifications: tuple[Modification, ...] = ()
    safety_notes: tuple[Text, ...] = ()
    movements: tuple[str, ...] = ()
    sources: tuple[Slug, ...] = ()


class Avoid(_Struct, kw_only=True):
    id: Slug
    name: Text
    description: Text
    why: Text
    movements: tuple[str, ...] = ()
    sources: tuple[Slug, ...] = ()


class Pack(_Struct, kw_only=True):
    schema_version: Annotated[int, msgspec.Meta(ge=1, le=1)] = 1
    id: Slug
    title: Text
    version: str
    default_locale: str = "en"
    exercises: Annotated[tuple[Exercise, ...], msgspec.Meta(min_length=1)]
    sources: tuple[Source, ...] = ()
    disclaimer: Text | None = None
    avoid: tuple[Avoid, ...] = ()


DECODER = msgspec.json.Decoder(Pack)


def load(data: bytes) -> Pack:
    """The pack in the JSON *data*, as msgspec decodes it."""
    return DECODER.decode(data)
