"""Controlled vocabularies of the content: levels, movements, directions."""

from __future__ import annotations

import enum
import functools
from typing import Any


__all__ = ["Dimension", "Direction", "Level", "Movement"]


@functools.total_ordering
class Level(enum.Enum):
    """How demanding an exercise is, ordered ``BEGINNER < INTERMEDIATE < ADVANCED``.

    In a pack file a level is written as its value: ``"beginner"``,
    ``"intermediate"`` or ``"advanced"``.

    Example:
        >>> Level.BEGINNER < Level.ADVANCED
        True
        >>> Level("intermediate").rank
        1

    .. versionadded:: 0.1.0
    """

    # Members are singletons compared by identity: hash them by identity too, which is
    # faster than Enum's own __hash__ (Python code) in the loader's and the engine's sets and dicts.
    __hash__ = object.__hash__

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"

    @property
    def rank(self) -> int:
        """The position of the level, from 0 (beginner) to 2 (advanced)."""
        return _LEVEL_RANK[self]

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank


_LEVEL_RANK = {level: rank for rank, level in enumerate(Level)}


class Dimension(enum.Enum):
    """A part of the dose that the progression engine may change.

    Example:
        >>> Dimension("hold")
        <Dimension.HOLD: 'hold'>

    .. versionadded:: 0.1.0
    """

    # Members are singletons compared by identity: hash them by identity too, which is
    # faster than Enum's own __hash__ (Python code) in the loader's and the engine's sets and dicts.
    __hash__ = object.__hash__

    HOLD = "hold"
    """The number of seconds each repetition is held."""

    REPETITIONS = "repetitions"
    """The number of repetitions in a set."""


class Direction(enum.Enum):
    """Whether a :class:`~backext.Modification` makes an exercise easier or harder.

    Example:
        >>> Direction("harder") is Direction.HARDER
        True

    .. versionadded:: 0.1.0
    """

    # Members are singletons compared by identity: hash them by identity too, which is
    # faster than Enum's own __hash__ (Python code) in the loader's and the engine's sets and dicts.
    __hash__ = object.__hash__

    EASIER = "easier"
    """The variation takes load away, for a bad day or a first attempt."""

    HARDER = "harder"
    """The variation adds load; harder variations usually need a clinician's clearance."""


class Movement(enum.Enum):
    """The documented vocabulary of movement tags an exercise may carry.

    Tags describe what the spine and limbs do. Some tags name movements that
    osteoporosis guidance advises against (:attr:`contraindicated` is true):
    the loader accepts them so that a validator can point at them, and the
    validators report them as errors.

    Example:
        >>> Movement("spinal-extension").contraindicated
        False
        >>> Movement.SIT_UP.contraindicated
        True

    .. versionadded:: 0.1.0
    """

    # Members are singletons compared by identity: hash them by identity too, which is
    # faster than Enum's own __hash__ (Python code) in the loader's and the engine's sets and dicts.
    __hash__ = object.__hash__

    SPINAL_EXTENSION = "spinal-extension"
    """The spine bends backwards, the movement this library is built around."""
    HIP_EXTENSION = "hip-extension"
    """The legs lift behind the body, as in the leg-lift variation."""
    SCAPULAR_RETRACTION = "scapular-retraction"
    """The shoulder blades draw together and down."""
    ARM_SUPPORT = "arm-support"
    """The arms bear part of the body's weight (forearms or hands)."""
    PRONE = "prone"
    """The exercise is done lying face down."""
    ISOMETRIC_HOLD = "isometric-hold"
    """A position is held still for a number of seconds."""
    NEUTRAL_SPINE = "neutral-spine"
    """The spine is kept in its natural curves, neither bent nor arched."""
    LOADED_SPINAL_FLEXION = "loaded-spinal-flexion"
    """Bending forward under a load (weights, lifting). Contraindicated."""
    END_RANGE_SPINAL_FLEXION = "end-range-spinal-flexion"
    """Bending forward as far as the spine goes. Contraindicated."""
    FLEXION_WITH_ROTATION = "flexion-with-rotation"
    """Twisting while bent forward. Contraindicated."""
    SIT_UP = "sit-up"
    """The sit-up pattern. Contraindicated."""
    CRUNCH = "crunch"
    """The abdominal crunch pattern. Contraindicated."""
    TOE_TOUCH = "toe-touch"
    """Reaching for the toes with straight legs. Contraindicated."""

    @property
    def contraindicated(self) -> bool:
        """Whether osteoporosis guidance advises against this movement."""
        return self in _CONTRAINDICATED


_CONTRAINDICATED = frozenset(
    {
        Movement.LOADED_SPINAL_FLEXION,
        Movement.END_RANGE_SPINAL_FLEXION,
        Movement.FLEXION_WITH_ROTATION,
        Movement.SIT_UP,
        Movement.CRUNCH,
        Movement.TOE_TOUCH,
    }
)
