"""backext: typed, validated back-extension routines for osteoporosis.

Load a pack of exercises (or take the built-in one), show a routine, and
let the progression engine choose each next dose safely.

Example:
    >>> import backext
    >>> pack = backext.builtin_pack()
    >>> exercise = pack.exercise("forearm-press-up")
    >>> exercise.hold.start_seconds, exercise.hold.target_seconds
    (5, 30)
"""

import importlib.metadata as _metadata

from ._builtin import builtin_pack
from ._converter import converter, make_converter
from ._formats import DEFAULT_MAX_BYTES, FORMATS, Format
from ._load import PackSource, dump_pack, load_pack
from ._model import (
    SCHEMA_VERSION,
    Exercise,
    Hold,
    Modification,
    Pack,
    Progression,
    Repetitions,
    Source,
    Step,
)
from ._problems import Problem, Severity
from ._schema import json_schema
from ._text import LocalizedText, Text, localize
from ._vocabulary import Dimension, Direction, Level, Movement
from .exceptions import BackextError, PackError


try:
    __version__ = _metadata.version("backext")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "SCHEMA_VERSION",
    "BackextError",
    "Dimension",
    "Direction",
    "Exercise",
    "Format",
    "Hold",
    "Level",
    "LocalizedText",
    "Modification",
    "Movement",
    "Pack",
    "PackError",
    "PackSource",
    "Problem",
    "Progression",
    "Repetitions",
    "Severity",
    "Source",
    "Step",
    "Text",
    "__version__",
    "builtin_pack",
    "converter",
    "dump_pack",
    "json_schema",
    "load_pack",
    "localize",
    "make_converter",
]
