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

import typing as _typing
from importlib import import_module as _import_module


if _typing.TYPE_CHECKING:
    __version__: str

    from ._builtin import builtin_pack
    from ._calendar import cancel_sessions, plan_calendar, session_uid
    from ._codes import PROBLEM_CODES, ProblemCode
    from ._converter import converter, make_converter
    from ._engine import choose_modifications, record_clearance, replay, report_next_day, start, step
    from ._formats import FORMATS, Format
    from ._handout import handout, handout_omissions
    from ._ladder import Dose, ladder
    from ._limits import DEFAULT_MAX_BYTES, Limits
    from ._load import PackSource, dump_pack, load_pack, validate_pack
    from ._messages import Message
    from ._model import (
        SCHEMA_VERSION,
        Avoid,
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
    from ._reasons import REASON_CODES, Action, Decision, Reason, ReasonCode
    from ._rules import Rules
    from ._schema import json_schema
    from ._session import RedFlag, SessionLog
    from ._state import STATE_FORMAT_VERSION, Clearance, Pending, Prescription, State, Stop
    from ._stored import load_rules, load_state
    from ._text import LocalizedText, Text, localize
    from ._timeline import Cue, CueKind, Phrases, timeline
    from ._vocabulary import Dimension, Direction, Level, Movement
    from .exceptions import (
        BackextError,
        ClearanceRequiredError,
        PackError,
        RulesError,
        SessionError,
        StateError,
        StoppedError,
        UnknownIdError,
    )


#: Where each public name lives. Importing ``backext`` is quick: a module is
#: imported when one of its names is first used (PEP 562), so that the
#: command line and programs that need only a part do not pay for the rest
#: (cattrs, for one, is needed only to dump a pack or explain a bad one).
_WHERE = {
    "Action": "._reasons",
    "Avoid": "._model",
    "BackextError": ".exceptions",
    "Clearance": "._state",
    "ClearanceRequiredError": ".exceptions",
    "Cue": "._timeline",
    "CueKind": "._timeline",
    "DEFAULT_MAX_BYTES": "._limits",
    "Decision": "._reasons",
    "Dimension": "._vocabulary",
    "Direction": "._vocabulary",
    "Dose": "._ladder",
    "Exercise": "._model",
    "FORMATS": "._formats",
    "Format": "._formats",
    "Hold": "._model",
    "Level": "._vocabulary",
    "Limits": "._limits",
    "LocalizedText": "._text",
    "Message": "._messages",
    "Milestone": "._plan",
    "Modification": "._model",
    "Movement": "._vocabulary",
    "PROBLEM_CODES": "._codes",
    "Pack": "._model",
    "PackError": ".exceptions",
    "PackSource": "._load",
    "Pending": "._state",
    "Phrases": "._timeline",
    "Plan": "._plan",
    "PlannedSession": "._plan",
    "Prescription": "._state",
    "Problem": "._problems",
    "ProblemCode": "._codes",
    "Progression": "._model",
    "REASON_CODES": "._reasons",
    "Reason": "._reasons",
    "ReasonCode": "._reasons",
    "RedFlag": "._session",
    "Repetitions": "._model",
    "Rules": "._rules",
    "SCHEMA_VERSION": "._model",
    "STATE_FORMAT_VERSION": "._state",
    "SessionError": ".exceptions",
    "SessionLog": "._session",
    "Severity": "._problems",
    "Source": "._model",
    "State": "._state",
    "RulesError": ".exceptions",
    "StateError": ".exceptions",
    "Step": "._model",
    "Stop": "._state",
    "StoppedError": ".exceptions",
    "Text": "._text",
    "UnknownIdError": ".exceptions",
    "builtin_pack": "._builtin",
    "cancel_sessions": "._calendar",
    "choose_modifications": "._engine",
    "converter": "._converter",
    "dump_pack": "._load",
    "handout": "._handout",
    "handout_omissions": "._handout",
    "json_schema": "._schema",
    "ladder": "._ladder",
    "load_pack": "._load",
    "load_rules": "._stored",
    "load_state": "._stored",
    "localize": "._text",
    "make_converter": "._converter",
    "plan": "._plan",
    "plan_calendar": "._calendar",
    "record_clearance": "._engine",
    "replay": "._engine",
    "report_next_day": "._engine",
    "session_dates": "._plan",
    "session_uid": "._calendar",
    "start": "._engine",
    "step": "._engine",
    "timeline": "._timeline",
    "validate_pack": "._load",
}


if not _typing.TYPE_CHECKING:  # pragma: no branch
    # Hidden from type checkers, which see the imports above instead (and
    # would otherwise accept any name at all as an attribute of the module).
    def __getattr__(name: str) -> object:
        if name == "__version__":
            # importlib.metadata is slow to import: read the version only when asked.
            import importlib.metadata  # noqa: PLC0415

            try:
                return importlib.metadata.version("backext")
            except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
                return "0.0.0"
        try:
            module = _WHERE[name]
        except KeyError:
            raise AttributeError(f"module 'backext' has no attribute {name!r}") from None
        value = getattr(_import_module(module, __name__), name)
        globals()[name] = value  # later look-ups find it directly
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "PROBLEM_CODES",
    "REASON_CODES",
    "SCHEMA_VERSION",
    "STATE_FORMAT_VERSION",
    "Action",
    "Avoid",
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
    "Limits",
    "LocalizedText",
    "Message",
    "Milestone",
    "Modification",
    "Movement",
    "Pack",
    "PackError",
    "PackSource",
    "Pending",
    "Phrases",
    "Plan",
    "PlannedSession",
    "Prescription",
    "Problem",
    "ProblemCode",
    "Progression",
    "Reason",
    "ReasonCode",
    "RedFlag",
    "Repetitions",
    "Rules",
    "RulesError",
    "SessionError",
    "SessionLog",
    "Severity",
    "Source",
    "State",
    "StateError",
    "Step",
    "Stop",
    "StoppedError",
    "Text",
    "UnknownIdError",
    "__version__",
    "builtin_pack",
    "cancel_sessions",
    "choose_modifications",
    "converter",
    "dump_pack",
    "handout",
    "handout_omissions",
    "json_schema",
    "ladder",
    "load_pack",
    "load_rules",
    "load_state",
    "localize",
    "make_converter",
    "plan",
    "plan_calendar",
    "record_clearance",
    "replay",
    "report_next_day",
    "session_dates",
    "session_uid",
    "start",
    "step",
    "timeline",
    "validate_pack",
]
