"""The pack schema written as pydantic v2 models, with the checks backext makes on each object.

This is the benchmark's point of comparison, written as a pydantic user
would write it: strict (no coercion), frozen, unknown fields forbidden; ids
and the locale tag matched by patterns; every text more than whitespace;
a hold's start at most its target and a minimum at most its maximum, in
``model_validator`` methods; and duplicate keys refused. pydantic's JSON
parser keeps the last of duplicate keys without a word, so :func:`load`
first parses the text with :func:`json.loads` and a hook that refuses them,
the usual remedy. What spans objects (references between exercises, the
ladder, translations, safety) has no counterpart here: backext checks more.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator


SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LOCALE = r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$|^[A-Za-z]{5,8}$"

NonBlank = Annotated[str, StringConstraints(pattern=r"\S")]
Slug = Annotated[str, StringConstraints(pattern=SLUG)]
Text = Union[NonBlank, dict[Annotated[str, StringConstraints(pattern=LOCALE)], NonBlank]]  # noqa: UP007
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Step(_Model):
    text: Text
    cue: Text | None = None
    media: str | None = None


class Hold(_Model):
    start_seconds: Seconds
    target_seconds: Seconds
    increment_seconds: Seconds | None = None

    @model_validator(mode="after")
    def _start_within_target(self) -> Hold:
        if self.start_seconds > self.target_seconds:
            raise ValueError("start_seconds is above target_seconds")
        return self


class Repetitions(_Model):
    minimum: int = Field(ge=1)
    maximum: int = Field(ge=1)
    sets: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _minimum_within_maximum(self) -> Repetitions:
        if self.minimum > self.maximum:
            raise ValueError("minimum is above maximum")
        return self


class Progression(_Model):
    order: tuple[Literal["hold", "repetitions"], ...] = ("hold", "repetitions")
    tolerated_sessions: int = Field(default=3, ge=1)
    next_exercise: Slug | None = None
    previous_exercise: Slug | None = None


class Modification(_Model):
    id: Slug
    name: Text
    description: Text
    direction: Literal["easier", "harder"]
    requires_clearance: bool = False
    hold_seconds_change: float = Field(default=0, allow_inf_nan=False)
    repetitions_change: int = 0
    media: tuple[str, ...] = ()


class Source(_Model):
    id: Slug
    citation: NonBlank
    url: str | None = None


Movement = Literal[
    "spinal-extension",
    "hip-extension",
    "scapular-retraction",
    "arm-support",
    "prone",
    "isometric-hold",
    "neutral-spine",
    "loaded-spinal-flexion",
    "end-range-spinal-flexion",
    "flexion-with-rotation",
    "sit-up",
    "crunch",
    "toe-touch",
]


class Exercise(_Model):
    id: Slug
    name: Text
    level: Literal["beginner", "intermediate", "advanced"]
    purpose: Text
    starting_position: Text
    steps: tuple[Step, ...] = Field(min_length=1)
    hold: Hold
    repetitions: Repetitions
    progression: Progression = Progression()
    equipment: tuple[Text, ...] = ()
    modifications: tuple[Modification, ...] = ()
    safety_notes: tuple[Text, ...] = ()
    movements: tuple[Movement, ...] = ()
    sources: tuple[Slug, ...] = ()


class Avoid(_Model):
    id: Slug
    name: Text
    description: Text
    why: Text
    movements: tuple[Movement, ...] = ()
    sources: tuple[Slug, ...] = ()


class Pack(_Model):
    schema_version: int = Field(default=1, ge=1, le=1)
    id: Slug
    title: Text
    version: NonBlank
    default_locale: Annotated[str, StringConstraints(pattern=LOCALE)] = "en"
    exercises: tuple[Exercise, ...] = Field(min_length=1)
    sources: tuple[Source, ...] = ()
    disclaimer: Text | None = None
    avoid: tuple[Avoid, ...] = ()


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return result


def load(data: bytes) -> Pack:
    """The pack in the JSON *data*, refusing duplicate keys and everything the models refuse."""
    json.loads(data, object_pairs_hook=_refuse_duplicates)
    return Pack.model_validate_json(data)
