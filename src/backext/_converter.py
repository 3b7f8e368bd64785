"""The library's own strict cattrs converter.

cattrs is lenient by default: it turns ``"5"`` into ``5`` and ``True`` into
``1``. A content schema must not, so every scalar hook here checks the exact
type, every collection hook checks that it was given a list, and every class
hook refuses unknown keys. Failures are raised as cattrs' exception groups,
whose notes carry the path; :mod:`backext._problems` turns them into
:class:`~backext.Problem` objects with JSON Pointers.

Use :data:`converter` (re-exported as ``backext.converter``); never the
global cattrs converter.
"""

from __future__ import annotations

import contextvars
import datetime
import enum
import functools
import math
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from ._i18n import N_
from ._limits import Gathered, shorten
from ._messages import Message
from ._problems import Problem, escape_pointer, problem
from ._suggest import hint, nearest
from ._text import LocalizedText, is_text_type, unchecked
from ._wrong import WrongType, WrongValue, json_type_name, shown_number


__all__ = [
    "WrongType",
    "WrongValue",
    "converter",
    "json_type_name",
    "make_converter",
    "problems_from_exception",
]

T = TypeVar("T")

#: How many more item errors the detailed structuring may collect, when set
#: (as ``[count, unreported, countable, inexact]``): past it the errors of a
#: list's items are only counted (as the problems they stand for, added to
#: ``unreported``), not kept, so that the warning that sums up the rest gives
#: their number; past ``countable`` more of them, each list stops at its first
#: error (and ``inexact`` is set), so that a document with millions of wrong
#: items is explained in bounded time and memory. ``None`` (the default)
#: collects every error.
ERROR_BUDGET: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("ERROR_BUDGET", default=None)


def _structure_str(value: object, _: object) -> str:
    if type(value) is not str:
        raise WrongType(N_("a string"), value)
    return value


def _structure_int(value: object, _: object) -> int:
    if type(value) is not int:
        raise WrongType(N_("an integer"), value)
    return value


def _structure_float(value: object, _: object) -> float:
    if type(value) is int:
        return value
    if type(value) is not float:
        raise WrongType(N_("a number"), value)
    if not math.isfinite(value):
        raise WrongValue(
            "not-finite",
            Message(template=N_("expected a finite number, found {value}"), values={"value": shown_number(value)}),
        )
    return value


def _structure_bool(value: object, _: object) -> bool:
    if type(value) is not bool:
        raise WrongType(N_("a boolean (true or false)"), value)
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _structure_date(value: object, _: object) -> datetime.date:
    if type(value) is datetime.date:
        return value
    if type(value) is not str:
        raise WrongType(N_("a date written YYYY-MM-DD"), value)
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)  # noqa: TRY301 - one message for both failures
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise WrongValue(
            "invalid-date",
            Message(template=N_("expected a date written YYYY-MM-DD, found {value}"), values={"value": shorten(value)}),
        ) from None


def _structure_localized(value: object, _: object) -> LocalizedText:
    if type(value) is not dict:
        raise WrongType(N_("a string or an object of translations"), value)
    errors: list[Exception] = []
    for key, text in value.items():
        if type(text) is not str:
            error: Exception = WrongType(N_("a string"), text)
            error.__notes__ = [IterableValidationNote(f"translation {shorten(str(key))}", key, str)]
            errors.append(error)
    if errors:
        raise IterableValidationError("While structuring translations", errors, LocalizedText)
    return unchecked(tuple(value.items()))  # the tags are the pack's checks' to report, every one of them


def _structure_text(value: object, _: object) -> str | LocalizedText:
    if type(value) is str:
        return value
    if type(value) is dict:
        return _structure_localized(value, LocalizedText)
    raise WrongType(N_("a string or an object of translations"), value)


#: How a message's value that JSON has no type for is written: an object of one key naming its type.
_TAGS = ("date", "text", "message")


def _unstructure_message(message: Message) -> dict[str, object]:
    """*message* as JSON data: its fields that are not their defaults, each value tagged with its type if JSON has none.

    Numbers and strings are written as they are; a date as ``{"date": "YYYY-MM-DD"}``, translations as ``{"text":
    {...}}`` and a message as ``{"message": {...}}``, so that reading it back gives an equal message, rendered the
    same in every language.
    """
    written: dict[str, object] = {"template": message.template}
    for name in ("plural", "count", "context"):
        if getattr(message, name) is not None:
            written[name] = getattr(message, name)
    if message.values:
        written["values"] = [[name, _tagged(value)] for name, value in message.values]
    if message.default_locale != "en":
        written["default_locale"] = message.default_locale
    return written


def _tagged(value: object) -> object:
    if isinstance(value, Message):
        return {"message": _unstructure_message(value)}
    if isinstance(value, LocalizedText):
        return {"text": dict(value)}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value


def _structure_message(value: object, _: object) -> Message:
    """The message :func:`_unstructure_message` wrote; anything else refused with what is wrong (not rendered)."""
    if type(value) is not dict:
        raise WrongType(N_("an object"), value)
    unknown = set(value) - {"template", "plural", "count", "context", "values", "default_locale"}
    if unknown:
        raise ValueError(f"a message has no field {min(unknown)!r}")
    pairs = value.get("values", [])
    if not isinstance(pairs, list):
        raise TypeError(f"the values of a message are a list of [name, value] pairs, not {type(pairs).__name__}")
    values = []
    for pair in pairs:
        if not (isinstance(pair, list | tuple) and len(pair) == 2 and type(pair[0]) is str):
            raise TypeError(f"the values of a message are [name, value] pairs, not {shorten(repr(pair))}")
        values.append((pair[0], _untagged(pair[1])))
    fields = {k: v for k, v in value.items() if k != "values"}
    return Message(**fields, values=tuple(values))


def _untagged(value: object) -> Any:
    if type(value) in (int, float, str):
        return value
    if type(value) is dict and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "date":
            return _structure_date(inner, datetime.date)
        if tag == "text":
            return _structure_localized(inner, LocalizedText)
        if tag == "message":
            return _structure_message(inner, Message)
    raise TypeError(
        f"a value of a message is a number, a string or an object of one key of {', '.join(_TAGS)},"
        f" not {shorten(repr(value))}"
    )


def _is_homogeneous_tuple(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_frozenset(type_: Any) -> bool:
    return get_origin(type_) is frozenset


def make_converter(*, detailed: bool = True) -> cattrs.Converter:
    """Build a new strict converter for the content model.

    Most programs use the shared :data:`converter`; build your own to add
    hooks for types of your own without touching it.

    Args:
        detailed: Collect every error, with its path, in exception groups
            (the default). Without it, structuring stops at the first error
            and runs faster. (:func:`~backext.load_pack` goes faster still:
            it first tries structuring code generated for the model, and
            uses this detailed converter only when something is wrong.)

    Example:
        >>> import backext
        >>> converter = backext.make_converter()
        >>> converter.structure({"minimum": 8, "maximum": 10}, backext.Repetitions)
        Repetitions(minimum=8, maximum=10, sets=1)

    .. versionadded:: 0.1.0
    """
    conv = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True, detailed_validation=detailed)

    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(LocalizedText, _structure_localized)
    conv.register_unstructure_hook(LocalizedText, dict)
    conv.register_structure_hook(datetime.date, _structure_date)
    conv.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    conv.register_structure_hook(Message, _structure_message)
    conv.register_unstructure_hook(Message, _unstructure_message)

    def text_hook(type_: Any) -> Callable[[object, object], object]:
        optional = type(None) in get_args(type_)

        def structure(value: object, _: object) -> object:
            if value is None and optional:
                return None
            return _structure_text(value, _)

        return structure

    conv.register_structure_hook_factory(is_text_type, text_hook)

    def enum_hook(type_: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
        by_value = {member.value: member for member in type_}
        choices = ", ".join(repr(v) for v in by_value)

        def structure(value: object, _: object) -> enum.Enum:
            if type(value) is not str:
                raise WrongType(Message(template=N_("one of {choices}"), values={"choices": choices}), value)
            try:
                return by_value[value]
            except KeyError:
                raise WrongValue(
                    "invalid-choice",
                    Message(
                        template=N_("expected one of {choices}, found {value}"),
                        values={"choices": choices, "value": shorten(value)},
                    ),
                ) from None

        return structure

    conv.register_structure_hook_factory(lambda t: isinstance(t, type) and issubclass(t, enum.Enum), enum_hook)

    def tuple_hook(type_: Any) -> Callable[[object, object], tuple[Any, ...]]:
        item_type = get_args(type_)[0]
        handler = conv.get_structure_hook(item_type)

        def fast(value: object, _: object) -> tuple[Any, ...]:
            if type(value) is not list and type(value) is not tuple:
                raise WrongType(N_("a list"), value)
            return tuple([handler(item, item_type) for item in value])

        if not detailed:
            return fast

        def structure(value: object, _: object) -> tuple[Any, ...]:
            if type(value) is not list and type(value) is not tuple:
                raise WrongType(N_("a list"), value)
            items: list[Any] = []
            errors: list[Exception] = []
            budget = ERROR_BUDGET.get()
            for index, item in enumerate(value):
                # An item begun before enough errors were kept is kept whole: its own items' errors are in it.
                full = budget is not None and budget[0] <= 0
                try:
                    items.append(handler(item, item_type))
                except Exception as error:  # noqa: BLE001 - collected, re-raised as a group
                    if budget is not None and full:  # enough errors to report: count the rest
                        if budget[2] <= 0:  # too many even to count: stop explaining the rest of this list
                            budget[3] = 1
                            break
                        budget[2] -= 1
                        budget[1] += _count_problems(error)
                        continue
                    error.__notes__ = [
                        *getattr(error, "__notes__", []),
                        IterableValidationNote(f"Structuring item @ index {index}", index, item_type),
                    ]
                    errors.append(error)
                    if budget is not None:
                        budget[0] -= 1
            if errors:
                raise IterableValidationError(f"While structuring {type_!r}", errors, type_)
            return tuple(items)

        return structure

    conv.register_structure_hook_factory(_is_homogeneous_tuple, tuple_hook)

    def frozenset_hook(type_: Any) -> Callable[[object, object], frozenset[Any]]:
        as_tuple = tuple_hook(tuple[get_args(type_)[0], ...])  # type: ignore[misc]  # a runtime type

        def structure(value: object, _: object) -> frozenset[Any]:
            return frozenset(as_tuple(value, _))

        return structure

    def unstructure_frozenset(value: frozenset[Any]) -> list[Any]:
        return sorted((conv.unstructure(item) for item in value), key=repr)

    conv.register_structure_hook_factory(_is_frozenset, frozenset_hook)
    conv.register_unstructure_hook_func(lambda t: _is_frozenset(t) or t is frozenset, unstructure_frozenset)

    def class_hook(cls: type[T]) -> Callable[[object, object], T]:
        generated = make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=detailed
        )

        def structure(value: object, _: object) -> T:
            if type(value) is not dict:
                raise WrongType(N_("an object"), value)
            return generated(value, cls)

        if not detailed:
            return structure

        def every_problem(value: object, _: object) -> T:
            try:
                return structure(value, _)
            except (IterableValidationError, WrongType):
                raise
            except Exception as error:
                # cattrs collects the errors of structuring each field; then the class's own checks run, and attrs
                # stops at the first field they refuse. Each field's check is run on its own, so that every refused
                # field is reported at once.
                first = error
                if isinstance(error, ClassValidationError):
                    with_notes, without = error.group_exceptions()
                    if with_notes or len(without) != 1:
                        raise  # a field could not be structured: cattrs has collected every such error
                    first = without[0]
                refused = _refused_fields(cls, value, conv)  # type: ignore[arg-type]  # a dict, checked above
                if len(refused) > 1 and any(type(e) is type(first) and str(e) == str(first) for e in refused):
                    raise ClassValidationError(f"While structuring {cls.__name__}", refused, cls) from None
                raise

        return every_problem

    conv.register_structure_hook_factory(attrs.has, class_hook)
    conv.register_unstructure_hook_factory(
        attrs.has,
        lambda cls: make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True),
    )
    return conv


def _refused_fields(cls: type[Any], value: dict[str, Any], conv: cattrs.Converter) -> list[Exception]:
    """The error of each field of *cls* whose own check refuses its value in *value*, marked with the field.

    Only for a mapping whose every field could be structured; a field whose
    check looks at other fields (none does in the model) is passed over.
    """
    refused: list[Exception] = []
    for field in attrs.fields(cls):
        if field.validator is None or field.alias not in value:
            continue
        try:
            structured = conv.structure(value[field.alias], field.type)
            field.validator(None, field, structured)
        except AttributeError:
            continue  # a check that needs the whole object
        except Exception as error:  # noqa: BLE001 - collected, reported as problems
            if not (isinstance(error, WrongValue) and error.field is not None):
                error.__notes__ = [
                    *getattr(error, "__notes__", []),
                    AttributeValidationNote(
                        f"Structuring class {cls.__name__} @ attribute {field.name}", field.name, field.type
                    ),
                ]
            refused.append(error)
    return refused


#: The library's converter: strict structuring, and unstructuring that leaves
#: out fields at their defaults (so TOML, which has no null, can hold a pack).
converter: cattrs.Converter = make_converter()


def problems_from_exception(
    error: BaseException, pointer: str = "", *, gathered: Gathered | None = None, document: object = None
) -> list[Problem]:
    """Turn an exception raised by the strict converter into problems.

    With *gathered*, they are gathered there, in bounded memory (only those
    it keeps are made), and those it keeps are returned. Given the
    *document* structured, the unknown fields of an object come in the order
    it has them (else in alphabetical order), so that those kept are the
    first.
    """
    found = _findings(error, pointer, document)
    if gathered is None:
        return [finding.problem() for finding in found]
    gathered.gather(found)
    return gathered.kept


class _Found(NamedTuple):
    """A problem of structuring, made only when it is kept: every one is an error."""

    problem: Callable[[], Problem]
    severity: str = "error"


def _findings(error: BaseException, pointer: str, document: object) -> Iterator[_Found]:
    """The problems of *error*, in the order :func:`problems_from_exception` lists them, each made on demand."""
    if isinstance(error, ClassValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            if isinstance(inner, KeyError):
                missing = N_("the required field {name} is missing")
                yield _Found(functools.partial(problem, pointer, "missing-field", missing, {"name": repr(note.name)}))
            else:
                yield from _findings(inner, f"{pointer}/{escape_pointer(note.name)}", document)
        for inner in without:
            if isinstance(inner, ForbiddenExtraKeysError):
                known = [f.name for f in attrs.fields(inner.cl)]
                # Many unknown fields are no misspelling: suggest only among a few.
                suggest = len(inner.extra_fields) <= _SUGGEST_AT_MOST
                for key in _in_order(inner.extra_fields, _at(document, pointer)):
                    at = f"{pointer}/{escape_pointer(key)}"
                    yield _Found(functools.partial(_unknown_field, at, key, known, suggest=suggest))
            else:
                yield from _findings(inner, pointer, document)
    elif isinstance(error, IterableValidationError):
        items, rest = error.group_exceptions()
        for inner, item in items:
            yield from _findings(inner, f"{pointer}/{escape_pointer(item.index)}", document)
        for inner in rest:
            yield from _findings(inner, pointer, document)
    else:
        yield _Found(functools.partial(_problem_of, error, pointer))


def _at(document: object, pointer: str) -> object:
    """The value at *pointer* in *document*; ``None`` if there is none."""
    node = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list | tuple) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _in_order(keys: set[str], mapping: object) -> list[str]:
    """*keys* in the order *mapping* has them, if it has them all; else in alphabetical order."""
    if isinstance(mapping, dict):
        ordered = [key for key in mapping if key in keys]
        if len(ordered) == len(keys):
            return ordered
    return sorted(keys)


def _problem_of(error: BaseException, pointer: str) -> Problem:
    """The problem of *error*, one that the converter raised for the value at *pointer*."""
    if isinstance(error, WrongType):
        return Problem(path=pointer, code="wrong-type", message=str(error), template=error.template)
    if isinstance(error, WrongValue):
        at = pointer if error.field is None else f"{pointer}/{escape_pointer(error.field)}"
        return Problem(path=at, code=error.code, message=str(error), template=error.template)
    template = getattr(error, "template", None)  # the model's checks keep their message as a template
    return Problem(
        path=pointer,
        code="invalid-value",
        message=str(error) or type(error).__name__,
        template=template if isinstance(template, Message) else None,
    )


def _count_problems(error: BaseException) -> int:
    """How many problems :func:`problems_from_exception` makes of *error*, without making them."""
    if isinstance(error, ClassValidationError):
        with_notes, without = error.group_exceptions()
        return sum(1 if isinstance(inner, KeyError) else _count_problems(inner) for inner, _ in with_notes) + sum(
            len(inner.extra_fields) if isinstance(inner, ForbiddenExtraKeysError) else _count_problems(inner)
            for inner in without
        )
    if isinstance(error, IterableValidationError):
        return sum(_count_problems(inner) for inner in error.exceptions)
    return 1


#: "Did you mean" is looked for only in objects with at most this many unknown
#: fields, and only for keys at most :data:`_SUGGEST_LENGTH` long: each look-up
#: compares the key with every known field.
_SUGGEST_AT_MOST = 20
_SUGGEST_LENGTH = 100


def _unknown_field(pointer: str, key: str, known: list[str], *, suggest: bool = True) -> Problem:
    if suggest and len(key) <= _SUGGEST_LENGTH:
        close = nearest(key, known)  # as every did-you-mean: a field differing in case alone too ("ID")
        if close is not None:
            return problem(
                pointer, "unknown-field", N_("unknown field {key}{hint}"), {"key": shorten(key), "hint": hint(close)}
            )
    return problem(
        pointer,
        "unknown-field",
        N_("unknown field {key}; expected one of {known}"),
        {"key": shorten(key), "known": ", ".join(known)},
    )
