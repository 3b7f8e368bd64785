"""The pack schema written as pydantic v2 models: the benchmark's point of comparison.

Strict like backext (no coercion, unknown fields forbidden), frozen, and with
the same value checks on single fields; the cross-field checks backext also
makes (references, ladder, translations, safety) have no counterpart here.
"""

from __future__ import annotations

from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field


Text = Union[str, dict[str, str]]  # noqa: UP007


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Step(_Model):
    text: Text
    cue: Text | None = None
    media: str | None = None


class Hold(_Model):
    start_seconds: float = Field(gt=0, allow_inf_nan=False)
    target_seconds: float = Field(gt=0, allow_inf_nan=False)
    increment_seconds: float | None = Field(default=None, gt=0, allow_inf_nan=False)


class Repetitions(_Model):
    minimum: int = Field(ge=1)
    maximum: int = Field(ge=1)
    sets: int = Field(default=1, ge=1)


class Progression(_Model):
    order: tuple[Literal["hold", "repetitions"], ...] = ("hold", "repetitions")
    tolerated_sessions: int = Field(default=3, ge=1)
    next_exercise: str | None = None
    previous_exercise: str | None = None


class Modification(_Model):
    id: str
    name: Text
    description: Text
    direction: Literal["easier", "harder"]
    requires_clearance: bool = False
    hold_seconds_change: float = 0
    repetitions_change: int = 0


class Source(_Model):
    id: str
    citation: str
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
    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
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
    sources: tuple[str, ...] = ()


class Avoid(_Model):
    id: str
    name: Text
    description: Text
    why: Text
    movements: tuple[Movement, ...] = ()
    sources: tuple[str, ...] = ()


class Pack(_Model):
    schema_version: int = Field(default=1, ge=1, le=1)
    id: str
    title: Text
    version: str
    default_locale: str = "en"
    exercises: tuple[Exercise, ...] = Field(min_length=1)
    sources: tuple[Source, ...] = ()
    disclaimer: Text | None = None
    avoid: tuple[Avoid, ...] = ()
