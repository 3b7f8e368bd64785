"""What the rules' conditions use besides the instance's fields: the names of the fast proof.

A rule's condition (:data:`backext._constraints.RULES`) is a Python
expression over the fields of an instance and the names of
:data:`backext._constraints.NAMES`. Those that a condition may use are
here, apart from numbers defined elsewhere (the limit on numbers, the most a
dose may hold, the schema version), so that the fast loader's shipped
structuring code (:mod:`backext._structurers`), which evaluates the
conditions inline, needs this module alone and not the table of rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from ._addresses import safe_media, web_address
from ._i18n import well_formed
from ._text import blank
from ._vocabulary import Dimension, Direction, Movement


if TYPE_CHECKING:
    from ._model import Hold, Modification, Progression, Repetitions


__all__ = [
    "CLEAN_HOLD_STEPS",
    "CLEAN_STEPS",
    "NAMES",
    "PLAUSIBLE_HOLD_SECONDS",
    "PLAUSIBLE_REPETITIONS",
    "PLAUSIBLE_SETS",
    "SLUG_PATTERN",
    "changes_dose",
    "in_tenths",
    "lowers_only",
    "tenths_of",
]

#: The shape of every id: lower-case letters and digits, joined by single hyphens.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)

#: Whether a text is an id (fullmatch: "$" alone lets a final line break through).
is_slug = _SLUG.fullmatch

#: Doses beyond these are legal but worth a look (``implausible-dose``): our choice, for back extensions.
PLAUSIBLE_HOLD_SECONDS = 60
PLAUSIBLE_REPETITIONS = 30
PLAUSIBLE_SETS = 5


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


def changes_dose(hold: Hold, repetitions: Repetitions, progression: Progression, modification: Modification) -> bool:
    """Whether *modification* changes what is prescribed at some dose of the exercise's own ladder.

    A variation's changes are clamped to the exercise's limits (the hold
    from its start to its target, the repetitions from the minimum to the
    maximum), and the ladder reaches only the values its progression grows.
    So a longer hold changes something only if the start is below the target,
    a shorter one only if the hold grows; likewise for repetitions.
    """
    hold_change, repetitions_change = tenths_of(modification.hold_seconds_change), modification.repetitions_change
    start, target = tenths_of(hold.start_seconds), tenths_of(hold.target_seconds)
    increment = hold.increment_seconds
    grows = Dimension.HOLD in progression.order and increment is not None and tenths_of(increment) > 0
    top = target if grows and target > start else start
    low, high = repetitions.minimum, repetitions.maximum
    highest = max(high, low) if Dimension.REPETITIONS in progression.order else low
    return (
        (hold_change > 0 and start < target)
        or (hold_change < 0 and top > start)
        or (repetitions_change > 0 and low < high)
        or (repetitions_change < 0 and highest > low)
    )


def lowers_only(modification: Modification) -> bool:
    """Whether *modification* takes something away from the dose and adds nothing."""
    hold, repetitions = modification.hold_seconds_change, modification.repetitions_change
    return hold <= 0 and repetitions <= 0 and (hold < 0 or repetitions < 0)


#: At most this many growths of the hold in a pack proved clean (finer holds take the detailed checks).
CLEAN_HOLD_STEPS = 60

#: At most this many steps in an exercise proved clean, so that a session's cues stay within their limit.
CLEAN_STEPS = 1_000

#: The names a condition may use besides the instance's fields (and ``item`` and ``index``), apart from
#: the numbers that :data:`backext._constraints.NAMES` adds.
NAMES: Mapping[str, object] = MappingProxyType(
    {
        "blank": blank,
        "slug": is_slug,
        "locale_tag": well_formed,
        "in_tenths": in_tenths,
        "tenths_of": tenths_of,
        "changes_dose": changes_dose,
        "lowers_only": lowers_only,
        "web_address": web_address,
        "safe_media": safe_media,
        "HOLD": Dimension.HOLD,
        "REPETITIONS": Dimension.REPETITIONS,
        "HARDER": Direction.HARDER,
        "EASIER": Direction.EASIER,
        "CONTRAINDICATED": frozenset(m for m in Movement if m.contraindicated),
        "PLAUSIBLE_HOLD_SECONDS": PLAUSIBLE_HOLD_SECONDS,
        "PLAUSIBLE_REPETITIONS": PLAUSIBLE_REPETITIONS,
        "PLAUSIBLE_SETS": PLAUSIBLE_SETS,
        "CLEAN_HOLD_STEPS": CLEAN_HOLD_STEPS,
        "CLEAN_STEPS": CLEAN_STEPS,
    }
)
