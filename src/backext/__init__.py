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

from ._builtin import builtin_pack
from ._codes import PROBLEM_CODES, ProblemCode
from ._converter import converter, make_converter
from ._engine import (
    Action,
    Clearance,
    ClearanceRequiredError,
    Decision,
    Prescription,
    Reason,
    RedFlag,
    Rules,
    SessionError,
    SessionLog,
    State,
    Stop,
    choose_modifications,
    record_clearance,
    replay,
    start,
    step,
)
from ._formats import DEFAULT_MAX_BYTES, FORMATS, Format
from ._ladder import Dose, ladder
from ._load import PackSource, dump_pack, load_pack, validate_pack
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
from ._plan import Milestone, Plan, PlannedSession, plan, session_dates
from ._problems import Problem, Severity
from ._schema import json_schema
from ._text import LocalizedText, Text, localize
from ._timeline import Cue, CueKind, Phrases, timeline
from ._vocabulary import Dimension, Direction, Level, Movement
from .exceptions import BackextError, PackError


def __getattr__(name: str) -> str:
    # The version is read on first use: importlib.metadata is slow to import.
    if name == "__version__":
        import importlib.metadata  # noqa: PLC0415

        try:
            return importlib.metadata.version("backext")
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0.0.0"
    raise AttributeError(f"module 'backext' has no attribute {name!r}")


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "PROBLEM_CODES",
    "SCHEMA_VERSION",
    "Action",
    "BackextError",
    "Clearance",
    "ClearanceRequiredError",
    "Cue",
    "CueKind",
    "Decision",
    "Dimension",
    "Direction",
    "Dose",
    "Exercise",
    "Format",
    "Hold",
    "Level",
    "LocalizedText",
    "Milestone",
    "Modification",
    "Movement",
    "Pack",
    "PackError",
    "PackSource",
    "Phrases",
    "Plan",
    "PlannedSession",
    "Prescription",
    "Problem",
    "ProblemCode",
    "Progression",
    "Reason",
    "RedFlag",
    "Repetitions",
    "Rules",
    "SessionError",
    "SessionLog",
    "Severity",
    "Source",
    "State",
    "Step",
    "Stop",
    "Text",
    "__version__",
    "builtin_pack",
    "choose_modifications",
    "converter",
    "dump_pack",
    "json_schema",
    "ladder",
    "load_pack",
    "localize",
    "make_converter",
    "plan",
    "record_clearance",
    "replay",
    "session_dates",
    "start",
    "step",
    "timeline",
    "validate_pack",
]
