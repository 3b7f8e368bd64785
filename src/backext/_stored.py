"""Reading what an app stores back: a person's state, checked against the pack it will be used with, and rules."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ._i18n import N_
from ._limits import DEFAULT_LIMITS, LimitExceeded, check_document, truncate_problems
from ._model import Pack, ensure_pack
from ._problems import Problem, escape_pointer, problem
from ._reconcile import check_state, reconcile
from ._rules import CLASHES, DEFAULT_RULES, Rules
from ._state import STATE_FORMAT_VERSION, State
from ._wrong import json_type, shown_number
from .exceptions import RulesError, StateError


__all__ = ["STATE_MIGRATIONS", "load_rules", "load_state"]

#: Upgrades of stored states, keyed by the format version they upgrade from:
#: each takes a version *n* document and returns the version *n + 1* one.
#: Version 1 is the first, so there is nothing to upgrade yet.
STATE_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

#: The largest stored state read, in bytes (our choice: a state is a few kilobytes).
MAX_STATE_BYTES = 1 << 20

#: Bounds on a stored state's document: a state is small and shallow.
_STATE_LIMITS = attrs.evolve(DEFAULT_LIMITS, max_depth=8, max_values=100_000, max_string_length=10_000)


class DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key[:40])
            seen.add(key)
    return document


class LongInteger(Exception):
    """An integer of more than 100 digits in a stored document, at its JSON Pointer."""

    def __init__(self, digits: int, pointer: str) -> None:
        self.digits = digits
        self.pointer = pointer


class _Long:
    """Stands in for an integer too long to convert, until its place is found."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def loads(text: str, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None) -> Any:
    """The JSON document *text* holds, an integer of more than 100 digits refused at its place (:class:`LongInteger`).

    Python converts a long integer in quadratic time, so such a literal is never converted; once the document is
    read, the first one is looked for, to be reported at its JSON Pointer.
    """
    longs: list[_Long] = []

    def bounded(literal: str) -> int | _Long:
        digits = len(literal) - literal.startswith("-")
        if digits > _MAX_DIGITS:
            longs.append(_Long(digits))
            return longs[-1]
        return int(literal)

    document = json.loads(text, object_pairs_hook=object_pairs_hook, parse_int=bounded)
    if not longs:
        return document
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:  # the first in document order: the problem reported is the first the reader met
        pointer, node = stack.pop()
        if isinstance(node, _Long):
            raise LongInteger(node.digits, pointer)
        if isinstance(node, dict):
            items = [(f"{pointer}/{escape_pointer(key)}", value) for key, value in node.items()]
        elif isinstance(node, list):
            items = [(f"{pointer}/{index}", value) for index, value in enumerate(node)]
        else:
            continue
        stack.extend(reversed(items))
    raise LongInteger(longs[0].digits, "")  # pragma: no cover - every stand-in is in the document


#: The most digits of an integer read from a stored state (our choice, as for packs).
_MAX_DIGITS = 100


#: An integer too long, in each kind of stored document.
_LONG = {
    StateError: N_("an integer of {digits} digits: far more than any number of a stored state"),
    RulesError: N_("an integer of {digits} digits: far more than any setting of the rules"),
}


def long_integer(long: LongInteger, template: str) -> Problem:
    """The ``out-of-range`` problem of *long*, said with *template* (``{digits}``), at its place."""
    return problem(long.pointer, "out-of-range", template, {"digits": str(long.digits)})


#: What each kind of stored document is called in its errors: its size limit, and the type it must have.
_TOO_LARGE = {StateError: N_("a stored state is at most 1 MiB"), RulesError: N_("a rules file is at most 1 MiB")}
_AN_OBJECT = {StateError: N_("a stored state is a JSON object"), RulesError: N_("a rules file is a JSON object")}


def _text(
    source: Mapping[str, Any] | str | bytes, name: str, error: type[StateError | RulesError] = StateError
) -> Mapping[str, Any] | str:
    """*source* as text (bytes decoded), or the mapping it is; what is wrong with it raised as *error*."""
    if isinstance(source, Mapping):
        return source
    if not isinstance(source, (str, bytes)):
        raise TypeError(f"cannot read a {_KINDS[error]} from {type(source).__name__}: pass a mapping or JSON text")
    if len(source) > MAX_STATE_BYTES:
        raise error([problem("", "too-large", _TOO_LARGE[error])], name)
    if isinstance(source, bytes):  # UTF-8, as a pack is (json.loads would guess UTF-16 and UTF-32 too)
        from ._formats import ParseFailure, decode  # noqa: PLC0415

        try:
            source = decode(source)
        except ParseFailure as undecodable:  # at its line and column, as in a pack
            raise error([undecodable.problem], name) from None
    return source


def _document(
    source: Mapping[str, Any] | str, name: str, error: type[StateError | RulesError] = StateError
) -> dict[str, Any]:
    """The JSON object *source* (a mapping, or text :func:`_text` gave) holds; what is wrong raised as *error*."""
    if isinstance(source, Mapping):
        return dict(source)
    try:
        document = loads(source, no_duplicates)
    except LongInteger as long:
        raise error([long_integer(long, _LONG[error])], name) from None
    except DuplicateKey as duplicate:
        raise error(
            [
                problem(
                    "", "duplicate-key", N_("the key {key} appears twice in one object"), {"key": repr(duplicate.key)}
                )
            ],
            name,
        ) from None
    except RecursionError:
        raise error([problem("", "too-deep", N_("the document is nested too deeply to read"))], name) from None
    except ValueError as unparsable:
        found = problem("", "syntax-error", N_("not a JSON document: {detail}"), {"detail": str(unparsable)})
        if isinstance(unparsable, json.JSONDecodeError):
            found = attrs.evolve(found, line=unparsable.lineno, column=unparsable.colno)
        raise error([found], name) from None
    if type(document) is not dict:
        raise error([problem("", "wrong-type", _AN_OBJECT[error])], name)
    return document


def _placed(error: StateError | RulesError, source: Mapping[str, Any] | str) -> StateError | RulesError:
    """*error* with each problem at its line and column in *source*, the JSON text it was read from, if text."""
    if not isinstance(source, str):
        return error
    from ._positions import locate  # noqa: PLC0415 - the error path only

    return type(error)(locate(source, "json", list(error.problems)), error.source)


def _migrate(document: dict[str, Any], name: str) -> dict[str, Any]:
    version = document.get("format_version", STATE_FORMAT_VERSION)
    if type(version) is not int:
        return document  # the converter reports the wrong type
    if not 1 <= version <= STATE_FORMAT_VERSION:
        raise StateError(
            [
                problem(
                    "/format_version",
                    "unsupported-state-version",
                    N_("the state is in format {version}; this version of backext reads formats 1 to {newest}"),
                    {"version": shown_number(version), "newest": str(STATE_FORMAT_VERSION)},
                )
            ],
            name,
        )
    while version < STATE_FORMAT_VERSION:  # pragma: no cover - no migrations exist yet
        document = STATE_MIGRATIONS[version](document)
        version += 1
        document["format_version"] = version
    return document


def _check_name(name: object) -> None:
    """Refuse a *name* (what error messages call the source) that is not a string."""
    if type(name) is not str:
        raise TypeError(f"name must be a string, not {type(name).__name__}")


def load_state(
    source: Mapping[str, Any] | str | bytes,
    pack: Pack,
    *,
    rules: Rules = DEFAULT_RULES,
    name: str = "<state>",
    refresh: bool = True,
) -> State:
    """Read a stored state (JSON text or its parsed mapping) and check it against *pack*.

    Use it wherever an app reads a state back from its database. Every
    problem is reported at once, with a JSON Pointer into the stored
    document (and, for a state read from text, the line and column of what
    it points at): wrong types, unknown or missing fields, negative or absurd
    numbers, an exercise or variation the pack does not have, a dose that is
    not a step of the ladder, a prescription that the dose and variations do
    not give, a variation without a clearance in force. Older state formats
    are upgraded.

    A state stored against another version of the pack is accepted if its
    exercise still exists, and brought within the new pack's limits: its
    prescription is one the pack allows now. To learn what changed (the
    ``pack-changed`` reasons), load it with ``refresh=False``: the next call
    to the engine then brings it within the limits and says why. Load it so
    too to log a session the person did as the state asked before the
    update: :func:`~backext.step` then judges it against what was asked
    (``dose-changed``), where a refreshed state judges it against the new
    prescription (a session short of a higher new start is ``incomplete``).

    Args:
        source: The stored state: JSON text (or bytes), or the mapping it
            parses to.
        pack: The pack the state will be used with.
        rules: The rules it will be used with.
        name: What to call the source in error messages.
        refresh: Whether to bring a state stored against another version of
            the pack within its limits now.

    Raises:
        StateError: If the state is invalid or does not fit the pack.
        TypeError: If *pack* is not a pack, *rules* not rules, *name* not a
            string, or *source* not a mapping or text.

    Example:
        >>> import json, backext
        >>> pack = backext.builtin_pack()
        >>> state = backext.start(pack, "prone-chest-lift")
        >>> stored = json.dumps(backext.converter.unstructure(state))
        >>> backext.load_state(stored, pack).prescription.hold_seconds
        5

    .. versionadded:: 0.1.0
    """
    ensure_pack(pack)
    if not isinstance(rules, Rules):
        raise TypeError(f"rules must be a backext.Rules, not {type(rules).__name__}")
    _check_name(name)
    read = _text(source, name)
    try:
        state = _state(read, pack, rules, name)
    except StateError as error:
        raise _placed(error, read) from None
    return reconcile(pack, state, None, rules)[0] if refresh else state


def _state(source: Mapping[str, Any] | str, pack: Pack, rules: Rules, name: str) -> State:
    """The state *source* holds, checked against *pack*: what :func:`load_state` reads, before any refresh."""
    from ._converter import converter, problems_from_exception  # noqa: PLC0415 - cattrs only when needed

    document = _document(source, name)
    try:
        check_document(document, _STATE_LIMITS, count_values=True)
    except LimitExceeded as exceeded:
        raise StateError([exceeded.problem], name) from None
    document = _migrate(document, name)
    try:
        state = converter.structure(document, State)
    except Exception as error:  # noqa: BLE001 - every structuring error becomes problems
        raise StateError(truncate_problems(problems_from_exception(error), DEFAULT_LIMITS.max_problems), name) from None
    problems = check_state(pack, state, rules)
    if problems:
        raise StateError(truncate_problems(problems, DEFAULT_LIMITS.max_problems), name)
    return state


#: What a kind of document is called in a programming error.
_KINDS = {StateError: "state", RulesError: "rules file"}


def load_rules(source: Mapping[str, Any] | str | bytes, *, name: str = "<rules>") -> Rules:
    """Read the engine's rules from JSON text (or its parsed mapping), as an app or a clinician stored them.

    The document is an object of :class:`Rules` settings by name; a setting
    left out keeps its default. Every problem is reported at once, with a
    JSON Pointer to the setting (and, for rules read from text, its line and
    column): an unknown name (with the nearest known
    one), a wrong type, a number out of its range, or settings that do not
    fit one another (such as ``regress_pain`` not above
    ``tolerated_pain``). ``converter.unstructure(rules)`` writes a document
    this function reads back. The command line reads it with ``--rules``.

    Args:
        source: The rules: JSON text (or bytes, UTF-8), or the mapping it
            parses to.
        name: What to call the source in error messages.

    Raises:
        RulesError: If the document is not valid rules.
        TypeError: If *source* is not a mapping or text, or *name* not a
            string.

    Example:
        >>> import backext
        >>> backext.load_rules('{"tolerated_pain": 1}').tolerated_pain
        1
        >>> try:
        ...     backext.load_rules('{"tolerated_pain": 9}', name="rules.json")
        ... except backext.RulesError as error:
        ...     print(error.problems[0].path, error.problems[0].code)
        /tolerated_pain out-of-range

    .. versionadded:: 0.1.0
    """
    _check_name(name)
    read = _text(source, name, RulesError)
    try:
        return _rules(read, name)
    except RulesError as error:
        raise _placed(error, read) from None


def _rules(source: Mapping[str, Any] | str, name: str) -> Rules:
    """The rules *source* holds: what :func:`load_rules` reads."""
    from ._converter import converter, problems_from_exception  # noqa: PLC0415 - cattrs only when needed

    document = _document(source, name, RulesError)
    strange = [key for key in document if type(key) is not str]  # a mapping from Python may have any key
    if strange:
        found = [problem("", "wrong-type", N_("keys must be strings, found {found}"), {"found": json_type(strange[0])})]
        raise RulesError(found, name)
    try:
        return converter.structure(document, Rules)
    except Exception as error:  # noqa: BLE001 - every structuring error becomes problems
        problems = problems_from_exception(error)
    # Unknown names and wrong types are found before any value is checked: each known setting is checked on its
    # own too (how settings fit one another is checked only once each is right, above).
    for key, value in document.items():
        if key in attrs.fields_dict(Rules):
            try:
                converter.structure({key: value}, Rules)
            except Exception as error:  # noqa: BLE001 - as above
                alone = problems_from_exception(error)  # not how it fits the defaults of the others: invalid-value
                problems.extend(p for p in alone if p.code != "invalid-value" and p not in problems)
    problems = [_at_given(p, document) for p in problems]
    raise RulesError(truncate_problems(problems, DEFAULT_LIMITS.max_problems), name)


def _at_given(found: Problem, document: Mapping[str, Any]) -> Problem:
    """*found*, a clash of two settings, at the one *document* gives when it gives only that one.

    ``{"severe_pain": 3}`` clashes with ``regress_pain``'s default, 5: the
    place to change is ``/severe_pain``, in the file, not ``/regress_pain``,
    which it does not hold. When it gives both, the clash stays where the
    rules say it (at the setting named first in the message).
    """
    if found.code != "invalid-value" or found.template is None or found.template.template not in CLASHES:
        return found
    other = dict(found.template.values).get("other")
    if not isinstance(other, str) or other not in document or found.path.removeprefix("/") in document:
        return found
    return attrs.evolve(found, path=f"/{escape_pointer(other)}")
