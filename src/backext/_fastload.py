"""The loader's fast path: structuring code generated for each model class.

The strict cattrs :data:`~backext.converter` calls one hook per field, and
each hook is a Python function call. For a pack of thousands of exercises
those calls are most of the loading time. This module writes, for each attrs
class of the content model, one Python function (the way attrs and cattrs
generate theirs) that checks every field's type inline, with the same
strictness as the converter, and builds the instance. The functions ship
written out in :mod:`backext._structurers` (:func:`module_source` writes it);
they are generated and compiled on first use only when the model is not
the one they were written for.

The generated code gives no reasons: it raises at the first thing it does
not like. The loader then structures the document again with the detailed
converter, which collects every problem with its path. So this path decides
nothing on its own: a document it accepts is a document the converter
accepts, giving an equal pack (``tests/test_fastload.py`` checks both
directions with hypothesis).

While it walks the document it also counts the entries of every object it
reads, which lets the JSON loader prove that a document has no duplicate
keys without the slow per-object hook of :mod:`json` (see
:func:`json_has_no_duplicates`).
"""

from __future__ import annotations

import ast
import enum
import inspect
import linecache
import types
import typing
from collections.abc import Callable
from typing import Any, Union

import attrs

from ._clean import MAX_CLEAN_STRING
from ._text import LocalizedText, blank, is_text_type


__all__ = ["Structured", "Unstructurable", "json_has_no_duplicates", "structure"]


class Unstructurable(Exception):
    """Raised by the generated code at the first value it refuses."""


_REFUSE = Unstructurable()
_MISSING = object()

#: What the generated code notes, in the list it passes along: object
#: entries read, instances or texts that do not meet their conditions
#: (see :mod:`backext._clean`), plain-string texts, and the locales of the
#: first translated text (``None`` until there is one).
_ENTRIES, _UNCLEAN, _PLAIN, _LOCALES = range(4)


def _localized(value: object, count: list[Any]) -> LocalizedText:
    """Translations, checked as the converter checks them; noting what the proof of cleanliness needs."""
    if type(value) is not dict:
        raise _REFUSE
    for text in value.values():
        if type(text) is not str:
            raise _REFUSE
        if blank(text) or len(text) > MAX_CLEAN_STRING:
            count[_UNCLEAN] += 1
    count[_ENTRIES] += len(value)
    locales = count[_LOCALES]
    if locales is None:
        count[_LOCALES] = frozenset(value)
    elif locales != value.keys():
        count[_UNCLEAN] += 1  # texts in different locales: some translation is missing
    instance = _new_localized(LocalizedText)
    _set_translations(instance, tuple(value.items()))  # what LocalizedText's converter makes of a dict
    return instance


_new_localized = object.__new__
_set_translations = LocalizedText.__dict__["translations"].__set__


def _text(value: object, count: list[Any]) -> str | LocalizedText:
    if type(value) is not str:
        return _localized(value, count)
    count[_PLAIN] += 1
    if blank(value) or len(value) > MAX_CLEAN_STRING:
        count[_UNCLEAN] += 1
    return value


def _is_text(hint: Any) -> bool:
    return hint is LocalizedText or is_text_type(hint)


#: The globals every generated function uses, as the shipped module imports them.
_COMMON = {
    "_REFUSE": _REFUSE,
    "_MISSING": _MISSING,
    "_localized": _localized,
    "_text": _text,
    "_new": object.__new__,
    "blank": blank,
}


class _Writer:
    """Writes the body of one generated function and collects its globals.

    Each global has a *recipe*: the Python expression that gives it in the
    shipped module (:func:`module_source`), where the functions of all the
    classes share one namespace, so the names carry the class's name.
    """

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.lines: list[str] = []
        self.globals: dict[str, Any] = dict(_COMMON)
        self.recipes: dict[str, str] = {}

    def name(self, prefix: str, value: object, recipe: str) -> str:
        """A global name bound to *value* in the generated code (and to *recipe* in the shipped module)."""
        for key, bound in self.globals.items():
            if bound is value and key.startswith(prefix):
                return key
        key = f"{prefix}_{self.owner}_{len(self.globals)}"
        self.globals[key] = value
        self.recipes[key] = recipe
        return key

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def check(self, indent: int, var: str, hint: Any, structure: Callable[[type], str]) -> None:
        """Emit code that checks (and converts, in place) the value in *var* against *hint*."""
        args = typing.get_args(hint)
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType) and type(None) in args:
            inner = [a for a in args if a is not type(None)]
            self.line(indent, f"if {var} is not None:")
            self.check(indent + 1, var, Union[tuple(inner)], structure)  # noqa: UP007 - built at run time
        elif _is_text(hint):
            # A plain string (which must be more than whitespace), or translations (rare: a function call).
            self.line(indent, f"if type({var}) is not str:")
            self.line(indent + 1, f"{var} = _localized({var}, count)")
            self.line(indent, "else:")
            self.line(indent + 1, f"count[{_PLAIN}] += 1")
            self.line(indent + 1, f"if blank({var}) or len({var}) > {MAX_CLEAN_STRING}:")
            self.line(indent + 2, f"count[{_UNCLEAN}] += 1")
        elif hint is str:
            self.line(indent, f"if type({var}) is not str:")
            self.line(indent + 1, "raise _REFUSE")
            self.line(indent, f"if len({var}) > {MAX_CLEAN_STRING}:")
            self.line(indent + 1, f"count[{_UNCLEAN}] += 1")
        elif hint is int or hint is bool:
            self.line(indent, f"if type({var}) is not {hint.__name__}:")
            self.line(indent + 1, "raise _REFUSE")
        elif hint is float:
            # An integer is a number; a float must be finite (inf - inf and nan - nan are nan, not 0).
            self.line(indent, f"if type({var}) is not int and (type({var}) is not float or {var} - {var} != 0):")
            self.line(indent + 1, "raise _REFUSE")
        elif isinstance(hint, type) and issubclass(hint, enum.Enum):
            members = self.name("members", {m.value: m for m in hint}, _members(hint))
            self.line(indent, f"if type({var}) is not str:")
            self.line(indent + 1, "raise _REFUSE")
            self.line(indent, f"{var} = {members}[{var}]")
        elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            self.line(indent, f"if type({var}) is not list and type({var}) is not tuple:")
            self.line(indent + 1, "raise _REFUSE")
            item = args[0]
            if item is str:
                self.line(indent, f"for item in {var}:")
                self.line(indent + 1, "if type(item) is not str:")
                self.line(indent + 2, "raise _REFUSE")
                self.line(indent + 1, f"if len(item) > {MAX_CLEAN_STRING}:")
                self.line(indent + 2, f"count[{_UNCLEAN}] += 1")
                self.line(indent, f"{var} = tuple({var})")
            elif _is_text(item):
                # Usually all plain strings: one quick pass; translations take the slower way.
                self.line(indent, f"for item in {var}:")
                self.line(indent + 1, "if type(item) is not str:")
                self.line(indent + 2, f"{var} = tuple([_text(item, count) for item in {var}])")
                self.line(indent + 2, "break")
                self.line(indent + 1, f"if blank(item) or len(item) > {MAX_CLEAN_STRING}:")
                self.line(indent + 2, f"count[{_UNCLEAN}] += 1")
                self.line(indent, "else:")
                self.line(indent + 1, f"count[{_PLAIN}] += len({var})")
                self.line(indent + 1, f"{var} = tuple({var})")
            elif isinstance(item, type) and issubclass(item, enum.Enum):
                members = self.name("members", {m.value: m for m in item}, _members(item))
                self.line(indent, f"items = tuple([{members}[item] for item in {var} if type(item) is str])")
                self.line(indent, f"if len(items) != len({var}):")
                self.line(indent + 1, "raise _REFUSE")
                self.line(indent, f"{var} = items")
            elif isinstance(item, type) and attrs.has(item):
                self.line(indent, f"{var} = tuple([{structure(item)}(item, count) for item in {var}])")
            else:  # pragma: no cover - the model has no other tuples; a new one must be added here
                raise TypeError(f"the fast loader cannot structure {hint!r}")
        elif isinstance(hint, type) and attrs.has(hint):
            self.line(indent, f"{var} = {structure(hint)}({var}, count)")
        else:  # pragma: no cover - the model has no other types; a new one must be added here
            raise TypeError(f"the fast loader cannot structure {hint!r}")


def _members(kind: type[enum.Enum]) -> str:
    return f"{{m.value: m for m in {kind.__name__}}}"


_FUNCTIONS: dict[type, Callable[[object, list[Any]], Any]] = {}

#: The sources and recipes of the functions generated in this process, for :func:`module_source`.
_WRITTEN: dict[type, tuple[str, _Writer]] = {}

#: Not empty until the shipped functions have been looked at.
_SHIPPED = [True]


def _function(cls: type) -> Callable[[object, list[Any]], Any]:
    """The structuring function of *cls*: shipped, or generated on first use (with those of the classes it holds)."""
    try:
        return _FUNCTIONS[cls]
    except KeyError:
        pass
    if not _WRITTEN and _SHIPPED:
        shipped = _shipped()
        _SHIPPED.clear()  # looked at once
        _FUNCTIONS.update(shipped)
        if cls in _FUNCTIONS:
            return _FUNCTIONS[cls]
    function = _FUNCTIONS[cls] = _generate(cls)
    return function


def _shipped() -> dict[type, Callable[[object, list[Any]], Any]]:
    """The functions of the shipped module, if it was generated from the model as it is now."""
    from . import _structurers  # noqa: PLC0415 - only when a pack is first structured

    functions: dict[type, Callable[[object, list[Any]], Any]] = _structurers.FUNCTIONS
    return functions if fingerprint(tuple(functions)) == _structurers.FINGERPRINT else {}


def fingerprint(classes: tuple[type, ...]) -> str:
    """What the generated functions of *classes* depend on in the model: their fields and defaults.

    A shipped module generated from another model is not used. (Whether it is
    what this module writes now, with the conditions of the proof derived
    from the table of rules as it is now, is checked by ``tests/test_fastload.py``:
    the table is not read to load a pack.)
    """
    parts = [str(MAX_CLEAN_STRING)]
    for cls in classes:
        # The annotations as written (attrs.resolve_types replaces the fields' own types with what they name).
        written = inspect.get_annotations(cls)
        fields = [
            (f.name, str(written.get(f.name)), repr(f.default), f.validator is None, f.converter is None)
            for f in attrs.fields(cls)
        ]
        parts.append(f"{cls.__module__}.{cls.__qualname__}: {fields!r}")
    return "\n".join(parts)


def _generate(cls: type) -> Callable[[object, list[Any]], Any]:
    """Write and compile the structuring function of the attrs class *cls*."""
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    owner = cls.__name__
    writer = _Writer(owner)
    writer.globals.update({f"cls_{owner}": cls, f"keys_{owner}": frozenset(f.name for f in fields)})
    writer.recipes.update({f"cls_{owner}": owner, f"keys_{owner}": f"frozenset({tuple(f.name for f in fields)!r})"})
    # Building the instance with the slots' own setters skips attrs' __init__,
    # which is safe only for plain fields: check that nothing runs there.
    plain = all(
        f.validator is None and f.converter is None and f.on_setattr in (None, attrs.setters.NO_OP) for f in fields
    ) and not hasattr(cls, "__attrs_post_init__")
    setters = {}
    for field in fields:
        descriptor: Any = cls.__dict__.get(field.name)
        if type(descriptor).__name__ != "member_descriptor":
            plain = False
            break
        setters[field.name] = writer.name("set", descriptor.__set__, f"{owner}.__dict__[{field.name!r}].__set__")

    def structure(other: type) -> str:
        function = _function(other)
        name = f"structure_{other.__name__}"
        writer.globals[name] = function
        return name

    writer.line(1, f"if type(value) is not dict or not value.keys() <= keys_{owner}:")
    writer.line(2, "raise _REFUSE")
    writer.line(1, f"count[{_ENTRIES}] += len(value)")
    for field in fields:
        var = f"f_{field.name}"
        hint = hints[field.name]
        if field.default is attrs.NOTHING:
            writer.line(1, f"{var} = value[{field.name!r}]")
            writer.check(1, var, hint, structure)
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]  # pragma: no cover - none yet
            raise TypeError(f"the fast loader does not handle factories ({cls.__name__}.{field.name})")
        elif field.default is None:
            writer.line(1, f"{var} = value.get({field.name!r})")
            writer.check(1, var, hint, structure)
        else:
            default = writer.name("default", field.default, f"attrs.fields({owner}).{field.name}.default")
            writer.line(1, f"{var} = value.get({field.name!r}, _MISSING)")
            writer.line(1, f"if {var} is _MISSING:")
            writer.line(2, f"{var} = {default}")
            writer.line(1, "else:")
            writer.check(2, var, hint, structure)
    from ._constraints import NAMES, proof  # noqa: PLC0415 - the table of rules: only to generate the code

    conditions = proof(cls, lambda name: ast.Name(f"f_{name}", ast.Load()))
    if conditions is not None:
        writer.globals.update(NAMES)
        writer.line(1, f"if not ({conditions}):")
        writer.line(2, f"count[{_UNCLEAN}] += 1")
    if plain:
        writer.line(1, f"instance = _new(cls_{owner})")
        for field in fields:
            writer.line(1, f"{setters[field.name]}(instance, f_{field.name})")
        writer.line(1, "return instance")
    else:
        arguments = ", ".join(f"{f.alias}=f_{f.name}" for f in fields)
        writer.line(1, f"return cls_{owner}({arguments})")
    name = f"structure_{owner}"
    source = "\n".join([f"def {name}(value, count):", *writer.lines, ""])
    filename = f"<backext generated structure {cls.__module__}.{cls.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace = dict(writer.globals)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    function: Callable[[object, list[Any]], Any] = namespace[name]
    _WRITTEN[cls] = (source, writer)
    return function


def module_source(cls: type) -> str:
    """The source of ``backext/_structurers.py``: the functions that structure *cls* and what it holds, as shipped.

    Generating and compiling them takes about as long as a small command's
    whole run, so the package ships them written out (and compiled by Python
    like any module). ``tests/test_fastload.py`` checks that the shipped module
    is what this function writes.
    """
    _FUNCTIONS.clear()
    _WRITTEN.clear()
    _SHIPPED.clear()
    try:
        _function(cls)
        written = dict(_WRITTEN)
    finally:
        _FUNCTIONS.clear()
        _WRITTEN.clear()
        _SHIPPED.append(True)
    from . import _conditions  # noqa: PLC0415
    from ._constraints import NAMES, PASSES  # noqa: PLC0415 - the table of rules: only to write the code

    classes = tuple(written)
    # The conditions' names: those of backext._conditions, and the numbers defined elsewhere, written out.
    numbers = {
        name: value
        for name, value in NAMES.items()
        if name not in _conditions.NAMES and type(value) is int and not name.startswith("_")
    }
    sources = [source for source, _ in written.values()] + [PASSES[name] for name in sorted(PASSES)]
    used = {n.id for source in sources for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
    missing = sorted(used & (NAMES.keys() - _conditions.NAMES.keys() - numbers.keys() - PASSES.keys()))
    if missing:  # pragma: no cover - a name for messages only, used in a condition: move it to _conditions
        raise TypeError(f"the fast proof's conditions use names that backext._conditions lacks: {missing}")
    imports: dict[str, set[str]] = {}
    for kind in classes:
        imports.setdefault(kind.__module__, set()).add(kind.__name__)
    for _, writer in written.values():
        for value in writer.globals.values():
            if isinstance(value, dict) and value and all(isinstance(m, enum.Enum) for m in value.values()):
                kind = type(next(iter(value.values())))
                imports.setdefault(kind.__module__, set()).add(kind.__name__)
    lines = [
        '"""The fast loader\'s structuring functions, written out: generated by ``backext._fastload.module_source``.',
        "",
        "With them, the conditions of the proof that a pack is clean, derived from the table of rules",
        "(``backext._constraints.RULES``) when they were written: loading a pack does not read the table.",
        "",
        "Do not edit: regenerate with ``python -m backext._fastload > src/backext/_structurers.py``.",
        '"""',
        "# mypy: ignore-errors",
        "",
        "import attrs",
        "",
        "from ._conditions import NAMES",
        "from ._fastload import _MISSING, _REFUSE, _localized, _text",
    ]
    for module, names in sorted(imports.items()):
        lines.append(f"from .{module.rpartition('.')[2]} import {', '.join(sorted(names))}")
    lines += ["", "", "globals().update(NAMES)", *(f"{name} = {value!r}" for name, value in sorted(numbers.items()))]
    lines.append("_new = object.__new__")
    for _, writer in written.values():
        lines += [f"{key} = {recipe}" for key, recipe in writer.recipes.items()]
    for source in sources:
        lines += ["", "", source.rstrip("\n")]
    lines += [
        "",
        "",
        f"FUNCTIONS = {{{', '.join(f'{c.__name__}: structure_{c.__name__}' for c in classes)}}}",
        f"FINGERPRINT = {fingerprint(classes)!r}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    from ._model import Pack

    sys.stdout.write(module_source(Pack))


T = typing.TypeVar("T")


class Structured(typing.Generic[T]):
    """What :func:`structure` built, and what it saw on the way.

    A plain class (not attrs, whose classes are made when the module is
    imported, at a cost a small command notices): it is made once per load.

    Attributes:
        value: The instance.
        entries: How many entries all the objects of the document hold.
        clean: Whether every instance met its conditions and every plain
            text was more than whitespace.
        plain: How many texts are plain strings.
        locales: The locales of the translated texts (a
            :class:`~backext.LocalizedText`), if all of them have the
            same; ``None`` if no text is translated.
    """

    __slots__ = ("clean", "entries", "locales", "plain", "value")

    def __init__(self, value: T, entries: int, clean: bool, plain: int, locales: frozenset[str] | None) -> None:
        self.value = value
        self.entries = entries
        self.clean = clean
        self.plain = plain
        self.locales = locales

    def _fields(self) -> tuple[object, ...]:
        return (self.value, self.entries, self.clean, self.plain, self.locales)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Structured) or type(other) is not type(self):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # compared by value, and not frozen

    def __repr__(self) -> str:
        return f"Structured{self._fields()!r}"


def structure(document: object, cls: type[T]) -> Structured[T]:
    """Structure *document* as *cls*.

    Raises:
        Exception: Any exception at all means "not here": structure the
            document with the detailed converter to learn why.
    """
    count: list[Any] = [0, 0, 0, None]
    value = _function(cls)(document, count)
    return Structured(value, count[_ENTRIES], not count[_UNCLEAN], count[_PLAIN], count[_LOCALES])


def json_has_no_duplicates(data: bytes, entries: int) -> bool:
    """Whether the JSON text *data* certainly has no duplicate keys.

    *entries* is the number of entries in all the objects parsed from
    *data*. A duplicate key leaves the text with more keys than that, and
    every key is followed by a colon, so the text has no duplicate when:

    - it has exactly *entries* colons (none inside strings); or
    - with all whitespace taken out, so that every key's colon directly
      follows the key's closing quote, ``":`` appears exactly *entries* times
      (inside strings a quote is always escaped, so ``":`` is rare there, and
      taking out whitespace can only add such pairs, never remove a key's).

    ``False`` means "cannot tell": parse again with the exact, slower check.
    """
    if data.count(b":") == entries:
        return True
    return data.translate(None, b" \t\r\n").count(b'":') == entries
