"""A strict, safe YAML loader: no Python tags, no duplicate keys, bounded aliases and size.

Where PyYAML was built with libyaml (``yaml.__with_libyaml__``), the text is
scanned and parsed in C, by libyaml, and only the nodes and values are made
in Python: :data:`Loader` is then :class:`CStrictLoader`, several times
faster than the pure-Python :class:`StrictLoader`, which is used otherwise.
Both share everything that makes them strict: the composer that counts
aliases (so an alias bomb is refused at the same alias, with the same
position), the measurement of the node graph, the refusal of duplicate keys
and of long integers, and the safe constructor, which refuses every tag it
does not know.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import attrs
import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from ._i18n import N_
from ._limits import ALIASED_VALUES, COUNTED_PAST_THE_LIMIT, DEFAULT_LIMITS, TOO_MANY_VALUES, Limits, shorten
from ._messages import Message, Value
from ._problems import escape_pointer
from ._wrong import json_type


try:
    from yaml._yaml import CParser, get_version
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None  # type: ignore[assignment,misc]
    _C_BOUNDS_NESTING = False
else:
    # libyaml refuses nesting deeper than 1,000 from 0.2.6 on; PyYAML up to 6.0.3 (and a PyYAML built against an
    # older system libyaml) composes nodes in recursive C code that a deeply nested text overflows.
    _C_BOUNDS_NESTING = get_version() >= (0, 2, 6)


__all__ = ["MAX_ALIASES", "CStrictLoader", "Loader", "StrictLoader", "dump", "too_deep"]

#: The most aliases (``*name``) a document may use: enough for any honest
#: pack, too few for an exponential "billion laughs" document.
MAX_ALIASES = 100

#: The most characters of an integer: any longer is far out of range (see
#: :data:`backext._formats.MAX_INTEGER_DIGITS`), and Python's own reading of
#: a long one would take time quadratic in its length.
_MAX_INTEGER_CHARACTERS = 100


class _LoaderError(yaml.constructor.ConstructorError):
    """A problem the strict loader finds: its code, and its message as a template and values (see ``_formats``)."""

    def __init__(
        self,
        code: str,
        template: str | tuple[str, str],
        values: dict[str, Value],
        mark: Any,
        path: str = "",
        *,
        count: int | None = None,
    ) -> None:
        singular, plural = (template, None) if isinstance(template, str) else template
        self.backext_message = Message(template=singular, plural=plural, count=count, values=values)
        super().__init__(None, None, self.backext_message.render(), mark)
        self.backext_code = code
        self.backext_path = path


_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"

#: YAML 1.2's core schema: its booleans, integers and floats, as yaml-language-server reads them. YAML 1.1's
#: other forms (``yes``, ``on``, ``010`` in octal, ``0b101``, ``1_0``, the base-60 ``1:00``) are strings.
_CORE_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_CORE_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_CORE_FLOAT = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)


def _add_core_resolvers(resolver: type[yaml.resolver.BaseResolver]) -> None:
    resolver.add_implicit_resolver(_BOOL, _CORE_BOOL, list("tTfF"))
    resolver.add_implicit_resolver(_INT, _CORE_INT, list("-+0123456789"))
    resolver.add_implicit_resolver(_FLOAT, _CORE_FLOAT, list("-+.0123456789"))


class _CoreResolver(Resolver):
    """PyYAML's resolver with YAML 1.2's core schema for booleans and numbers (nulls, dates, ``<<`` as before)."""


_CoreResolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in {_BOOL, _INT, _FLOAT}]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_add_core_resolvers(_CoreResolver)


class _Strict(Composer, SafeConstructor, _CoreResolver):
    """What makes a loader strict: the composer, constructor and resolver that both loaders share.

    Aliases make a YAML document a graph: a short text can stand for an
    enormous tree, or for one that contains itself. The graph of nodes is
    measured before any value is built: a node that contains itself is
    refused, and so is a document that stands for more than
    :attr:`~backext.Limits.max_values` values, each alias counted as a copy.
    """

    def _strict_init(self, limits: Limits) -> None:
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        _CoreResolver.__init__(self)
        self._aliases = 0
        self._nodes = 0
        self._characters = 0  # the characters of text composed so far, each alias's counted again
        self._too_large: Any = None  # where an alias makes them more than the most bytes read
        self._sizes: dict[int, int] = {}  # the characters each node stands for, once an alias needs them
        self._limits = limits
        self._found: list[yaml.MarkedYAMLError] = []  # the problems of keys, gathered to be reported together
        self._unreported = 0  # the problems of keys past the most reported: only counted
        self._exact = True  # whether every problem of a key was counted (the reading may stop before)
        self._checked: set[int] = set()  # the mappings whose keys are checked
        self._pointers: dict[int, str] | None = None  # each node's pointer, once one is needed

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        if self._nodes > self._limits.max_values:  # each node is at least one value: refused before it is built
            raise _LoaderError(
                "too-many-values",
                ALIASED_VALUES if self._aliases else TOO_MANY_VALUES,
                {"limit": str(self._limits.max_values)},
                self.peek_event().start_mark,  # type: ignore[attr-defined]
                count=self._limits.max_values,
            )
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            self._aliases += 1
            event = self.peek_event()  # type: ignore[attr-defined]
            if self._aliases > MAX_ALIASES:
                raise _LoaderError(
                    "too-many-aliases",
                    N_("the document uses more than {limit} aliases"),
                    {"limit": str(MAX_ALIASES)},
                    event.start_mark,
                )
            anchored = self.anchors.get(event.anchor)
            if anchored is not None and self._too_large is None:  # else PyYAML says the anchor is undefined
                self._characters += _characters(anchored, self._sizes)
                if self._characters > self._limits.max_bytes:
                    self._too_large = event.start_mark
            return super().compose_node(parent, index)
        node = super().compose_node(parent, index)
        if type(node) is yaml.ScalarNode:
            self._characters += len(node.value)
        return node

    def _refuse_if_too_large(self) -> None:
        """Refuse a document that stands for more characters of text than the most bytes read, at the alias.

        Without aliases, the text holds every character it stands for; an
        alias repeats those of its anchor's value, and a few aliases of a
        long string stand for gigabytes, which a pack written in another
        format would hold in full. The alias where the count crosses the
        limit is refused once the nodes are composed, if no other limit
        (on aliases or values) refuses them first.
        """
        if self._too_large is not None:
            # Written out, in any format, the pack would have at least as many bytes: a problem of its aliases, at
            # the one that crosses the limit (the file itself was read).
            raise _LoaderError(
                "too-many-aliases",
                N_("the aliases stand for more than {limit} characters once expanded, the most a pack may hold"),
                {"limit": str(self._limits.max_bytes)},
                self._too_large,
            )

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        if self._aliases or self._nodes > self._limits.max_values:
            # Without aliases the nodes form a tree of as many values as nodes were composed: nothing to measure.
            _measure(node, self._limits.max_values)
        self._refuse_if_too_large()
        return self.construct_document(node)

    def construct_document(self, node: Any) -> Any:
        self._root = node  # where a problem's pointer starts from
        try:
            data = super().construct_document(node)
        except yaml.MarkedYAMLError as error:
            if not self._found:
                raise
            if all(error is not found for found in self._found):  # else: the gathered problems, raised already
                self._found.append(error)
            raise self._gathered() from None
        if self._found:
            raise self._gathered()
        return data

    def _gathered(self) -> yaml.MarkedYAMLError:
        """The first problem found, in the order of the text, carrying the others (``backext_more``)."""
        found = sorted(self._found, key=lambda error: error.problem_mark.index if error.problem_mark else 0)
        first = found[0]
        first.backext_more = found[1:]  # type: ignore[attr-defined]
        first.backext_unreported = self._unreported  # type: ignore[attr-defined]
        first.backext_exact = self._exact  # type: ignore[attr-defined]
        return first

    def _pointer(self, node: Any) -> str:
        """The JSON Pointer of *node* (of a key, the pointer it names) in the document being built."""
        if self._pointers is None:
            self._pointers = _pointers(getattr(self, "_root", node))
        return self._pointers.get(id(node), "")

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError) as error:  # 2024-13-45, !!int "5x": the value its tag cannot hold
            if not isinstance(node, yaml.ScalarNode):
                raise
            raise _LoaderError(
                "syntax-error",
                # Translators: {value} is the value as written, {tag} its YAML type, such as !!timestamp or !!int.
                N_("the value {value} cannot be read as {tag}"),
                {"value": shorten(node.value), "tag": "!!" + node.tag.rsplit(":", 1)[-1]},
                node.start_mark,
                self._pointer(node),
            ) from error

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        pairs = node.value
        # Usually every key is a plain string: compare the texts, without building anything.
        if all(type(key) is yaml.ScalarNode and key.tag == _STR for key, _ in pairs) and len(
            {key.value for key, _ in pairs}
        ) == len(pairs):
            return super().construct_mapping(node, deep=deep)
        if id(node) not in self._checked:
            self._check_keys(node, self._pointer(node), deep=deep)
        return super().construct_mapping(node, deep=deep)

    def _check_keys(self, node: Any, where: str, *, deep: bool) -> None:
        """Gather the problems of the keys of the mapping *node* at *where*, and leave out the keys refused.

        Every key that is not a string, or that appears twice, is a problem at
        the key; so is a second merge key (``<<``). The keys that a merge key
        brings in (``<<: *base``) land in this mapping: they are checked as
        its own, at its pointer; they may override each other, and its own
        keys override them.
        """
        self._checked.add(id(node))
        kept: list[tuple[Any, Any]] = []
        seen: set[str] = set()
        merged = False
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                if merged:
                    self._refuse(functools.partial(_twice, key_node, "<<", where))
                    continue
                merged = True
                bases = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for base in bases:
                    if isinstance(base, yaml.MappingNode) and id(base) not in self._checked:
                        self._check_keys(base, where, deep=deep)
                kept.append((key_node, value_node))
                continue
            try:
                key = self.construct_object(key_node, deep=deep)
            except _LoaderError as error:  # a key that cannot be built, such as 2024-13-45: at its own pointer
                self._refuse(functools.partial(_itself, error))  # made already: it was raised
                continue
            if type(key) is not str:  # 1, true and 1.0 are distinct YAML keys, though equal in Python
                self._refuse(functools.partial(self._not_a_string, where, key_node, key))
            elif key in seen:
                self._refuse(functools.partial(_twice, key_node, key, where))
            else:
                seen.add(key)
                kept.append((key_node, value_node))
        node.value[:] = kept

    def _refuse(self, error: Callable[[], yaml.MarkedYAMLError]) -> None:
        """Gather the problem that *error* makes; past the most problems reported, only count it (not made).

        A warning says how many were counted; past
        :data:`~backext._limits.COUNTED_PAST_THE_LIMIT` times as many, the
        reading stops, and the problems gathered are raised ("at least" so many more).
        """
        limit = self._limits.max_problems
        if len(self._found) < limit:
            self._found.append(error())
            return
        self._unreported += 1
        if self._unreported >= COUNTED_PAST_THE_LIMIT * limit:
            self._exact = False
            raise self._gathered()

    def _not_a_string(self, where: str, key_node: Any, key: object) -> _LoaderError:
        """The problem of a key that is not a string, at the key, naming it as it is written."""
        if not isinstance(key_node, yaml.ScalarNode):
            return _LoaderError(
                "wrong-type",
                N_("keys must be strings, found {found}"),
                {"found": json_type(key)},
                key_node.start_mark,
                where,
            )
        return _LoaderError(
            "wrong-type",
            # Translators: {key} is the key as written (such as 'no'), {found} says what YAML reads it as.
            N_("keys must be strings: {key} is read as {found}; put it in quotes"),
            {"key": shorten(key_node.value), "found": json_type(key)},
            key_node.start_mark,
            f"{where}/{escape_pointer(key_node.value)}",
        )

    def construct_yaml_int(self, node: Any) -> int:
        if len(node.value) > _MAX_INTEGER_CHARACTERS:
            # At its pointer, gathered with the reader's other problems: the value is never converted.
            self._refuse(
                functools.partial(
                    _LoaderError,
                    "number-out-of-range",
                    N_("an integer of more than {limit} characters: far beyond the largest number allowed"),
                    {"limit": str(_MAX_INTEGER_CHARACTERS)},
                    node.start_mark,
                    self._pointer(node),
                )
            )
            return 0  # never returned to a caller: the problems gathered are raised once the document is read
        value = self.construct_scalar(node)
        if not _CORE_INT.match(value):  # !!int "1_0", !!int 0b101: YAML 1.1 forms, not YAML 1.2's
            raise ValueError(value)
        if value.startswith(("0o", "0x")):
            return int(value[2:], 8 if value[1] == "o" else 16)
        return int(value)

    def construct_yaml_float(self, node: Any) -> float:
        value = self.construct_scalar(node)
        if not (_CORE_FLOAT.match(value) or _CORE_INT.match(value)):
            raise ValueError(value)
        if value.startswith(("0o", "0x")):
            return float(int(value[2:], 8 if value[1] == "o" else 16))
        return float(value.lower().replace(".inf", "inf").replace(".nan", "nan"))

    def construct_not_json(self, node: Any) -> Any:
        """Refuse ``!!set``, ``!!omap`` and ``!!pairs``: values that JSON, TOML and a pack cannot hold."""
        raise _LoaderError(
            "syntax-error",
            # Translators: {tag} is a YAML tag, such as !!set or !!omap.
            N_("the tag {tag} is not allowed: a pack holds only mappings, lists, strings, numbers, booleans and null"),
            {"tag": "!!" + node.tag.rsplit(":", 1)[-1]},
            node.start_mark,
            self._pointer(node),
        )

    def construct_yaml_bool(self, node: Any) -> bool:
        value = self.construct_scalar(node)
        if not _CORE_BOOL.match(value):  # !!bool yes: a YAML 1.1 form, not YAML 1.2's
            raise ValueError(value)
        return value.lower() == "true"


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def _itself(error: _LoaderError) -> _LoaderError:
    return error


def _twice(key_node: Any, key: str, where: str) -> _LoaderError:
    """The problem of the key *key* of the mapping at *where*, written a second time at *key_node*."""
    return _LoaderError(
        "duplicate-key",
        N_("the key {key} appears twice in one mapping"),
        {"key": shorten(key)},
        key_node.start_mark,
        f"{where}/{escape_pointer(key)}",
    )


_Strict.add_constructor(_INT, _Strict.construct_yaml_int)  # type: ignore[type-var]
_Strict.add_constructor(_FLOAT, _Strict.construct_yaml_float)  # type: ignore[type-var]
_Strict.add_constructor(_BOOL, _Strict.construct_yaml_bool)  # type: ignore[type-var]
for _tag in ("set", "omap", "pairs"):
    _Strict.add_constructor(f"tag:yaml.org,2002:{_tag}", _Strict.construct_not_json)  # type: ignore[type-var]


class StrictLoader(Reader, Scanner, yaml.parser.Parser, _Strict):
    """The strict loader in pure Python: PyYAML's own reader, scanner and parser."""

    def __init__(self, stream: str, limits: Limits = DEFAULT_LIMITS) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        self._strict_init(limits)


if CParser is not None:

    class CStrictLoader(_Strict, CParser):
        """The strict loader with libyaml's scanner and parser (in C): the same strictness, several times faster.

        The composer stays the Python one of :class:`StrictLoader` (it costs
        little next to scanning), so that aliases are counted, and their
        positions reported, exactly as there.
        """

        def __init__(self, stream: str, limits: Limits = DEFAULT_LIMITS) -> None:
            CParser.__init__(self, stream)
            self._strict_init(limits)
            self._aliases_possible = "*" in stream
            # A value is separated from the next by a line break or a comma: a text with fewer of them than the
            # limit cannot hold more values, and libyaml may compose all of it at once; a larger one is composed
            # node by node, refused at the first node past the limit, before the rest is built.
            self._perhaps_too_many = stream.count("\n") + stream.count(",") >= limits.max_values

        def get_single_data(self) -> Any:
            if self._aliases_possible or self._perhaps_too_many or not _C_BOUNDS_NESTING:
                return super().get_single_data()  # the Python composer: aliases counted, nesting bounded
            # No "*" anywhere, so no alias: libyaml composes the nodes too (it refuses nesting deeper
            # than 1,000 as it parses), and they form a tree, whose values are counted in one quick walk.
            node = CParser.get_single_node(self)
            if node is None:
                return None
            if _count(node) > self._limits.max_values:
                _measure(node, self._limits.max_values)
            return self.construct_document(node)

    #: The loader that :func:`backext.load_pack` uses: :class:`CStrictLoader` where libyaml is present.
    Loader: Callable[[str, Limits], StrictLoader | CStrictLoader] = CStrictLoader
else:  # pragma: no cover - PyYAML built without libyaml
    CStrictLoader = None  # type: ignore[assignment,misc]
    Loader = StrictLoader


def compose(text: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The root node of the YAML *text* (``None`` if it is empty), composed in C where libyaml bounds the nesting.

    For the positions of problems: the Python composer recurses once per
    level, and a document of a few hundred levels (refused as too deep)
    would overflow Python's stack before any of its problems were placed.
    """
    loader = Loader(text, limits)
    try:
        if CParser is not None and _C_BOUNDS_NESTING and isinstance(loader, CParser):
            return CParser.get_single_node(loader)
        return loader.get_single_node()
    finally:
        loader.dispose()


def _count(root: Any) -> int:
    """How many nodes the tree under *root* holds (a tree: without aliases, no node is shared)."""
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        count += 1
        kind = type(node)
        if kind is yaml.MappingNode:
            for pair in node.value:
                stack.extend(pair)
        elif kind is yaml.SequenceNode:
            stack.extend(node.value)
    return count


def _pointers(root: Any) -> dict[int, str]:
    """The JSON Pointer of each node of the graph under *root*, by its ``id``: where it first stands in the text.

    A key's node has the pointer it names. The keys a merge key brings in
    (``<<: *base``) stand in the mapping that merges them: a merge key names
    no place of the document. Only on the error path: a walk over the
    nodes, each visited once.
    """
    found: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, pointer = stack.pop()
        if id(node) in found:
            continue
        found[id(node)] = pointer
        children: list[tuple[Any, str]] = []
        if isinstance(node, yaml.SequenceNode):
            children = [(child, f"{pointer}/{index}") for index, child in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == _MERGE:
                    bases = value.value if isinstance(value, yaml.SequenceNode) else [value]
                    children.extend((base, pointer) for base in bases)
                elif isinstance(key, yaml.ScalarNode):
                    named = f"{pointer}/{escape_pointer(key.value)}"
                    children.extend(((key, named), (value, named)))
        stack.extend(reversed(children))  # in the order of the text: the first place of a node shared is its own
    return found


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _characters(root: Any, sizes: dict[int, int]) -> int:
    """How many characters of text (keys and scalars) the node graph under *root* stands for, aliases expanded.

    *sizes* keeps each node's count, so that each is counted once however
    often aliases repeat it. A node that contains itself (refused later, by
    :func:`_measure`) adds nothing for the part that repeats.
    """
    stack: list[tuple[Any, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = sum(sizes.get(id(child), 0) for child in _children(node))
        elif key not in sizes and key not in open_nodes:
            if type(node) is yaml.ScalarNode:
                sizes[key] = len(node.value)
                continue
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    return sizes.get(id(root), 0)


def _measure(root: Any, max_values: int) -> None:
    """Refuse a node graph that contains itself or stands for more than *max_values* values.

    Each node is measured once (a depth-first walk remembering sizes), so the
    time is linear in the number of nodes, however many times aliases repeat
    them.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # nodes whose children are being measured: their ancestors-to-be
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > max_values:
                raise _LoaderError(
                    "too-many-values",
                    ALIASED_VALUES,
                    {"limit": str(max_values)},
                    node.start_mark,
                    count=max_values,
                )
            sizes[key] = size
        elif key not in sizes:
            if key in open_nodes:
                raise _LoaderError(
                    "too-deep",
                    N_("an alias refers to a node that contains it: the value would nest without end"),
                    {},
                    node.start_mark,
                )
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


#: The characters YAML reads as line breaks besides ``\n`` and ``\r``. In a plain, single-quoted or block
#: string PyYAML writes them as they are, and a reader folds them (``"Stop\x85now"`` reads back as
#: ``"Stop now"``); in a double-quoted string they are written as escapes (``\N``, ``\L``, ``\P``).
_FOLDED_BREAKS = frozenset("\x85\u2028\u2029")


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe writer, keeping every string exactly as it is.

    A string is quoted where YAML 1.1 or YAML 1.2's core schema would read it
    as something else (``yes``, ``010``, ``1e-1``, ``0o17``): backext and
    other readers of either version read it back as a string.
    """


_add_core_resolvers(_Dumper)


#: Words the YAML 1.1 specification's boolean type lists but PyYAML's resolver does not: other YAML 1.1 readers
#: read them as true and false, so they are written in quotes.
_SPEC_BOOLEANS = frozenset({"y", "Y", "n", "N"})


def _represent_str(dumper: _Dumper, text: str) -> Any:
    style = '"' if not _FOLDED_BREAKS.isdisjoint(text) else "'" if text in _SPEC_BOOLEANS else None
    return dumper.represent_scalar(_STR, text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(document: object) -> str:
    """*document* as YAML text (block style, keys in their order): reading it gives back an equal document."""
    dumped: str = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return dumped


@attrs.define
class _Open:
    """A mapping or list open in the events: the key or index of the value being read in it."""

    mapping: bool
    key: str | None = None
    key_start: int = 0
    index: int = 0

    def token(self) -> str:
        return (self.key or "") if self.mapping else str(self.index)


def _value_read(opened: list[_Open]) -> None:
    if opened:
        if opened[-1].mapping:
            opened[-1].key = None
        else:
            opened[-1].index += 1


def too_deep(text: str, limits: Limits) -> tuple[str, int, int | None] | None:
    """Where the YAML *text* first nests deeper than ``max_depth``: the pointer, and the value's start and end.

    For a document too deep to compose (Python's recursion limit, or
    libyaml's own bound of 1,000 levels): the parser's events are followed
    in a loop, each mapping or list one level, up to the first that goes too
    deep. The value is placed as :func:`backext._positions.locate` places
    it: from its key if it starts on a later line. ``None`` if nothing goes
    too deep (or a mapping or list is a key: no pointer names what it holds).

    libyaml's scanner refuses a flow of more than 1,000 levels before the
    parser gives the events of the first: then PyYAML's own parser, which
    has no such bound, follows them in the text up to there (the end is
    then ``None``: the value goes on past it). PyYAML's parser is followed
    only to the value's start, not to its end (``None``): its scanner takes
    time quadratic in the levels of a flow (each bracket may start a key).
    """
    if Loader is StrictLoader:  # pragma: no cover - PyYAML built without libyaml
        found = _too_deep(StrictLoader(text, limits), text, limits, to_the_end=False)
    else:
        found = _too_deep(Loader(text, limits), text, limits, to_the_end=True)
        if isinstance(found, int):  # only up to where libyaml stopped: the value goes on past it
            found = _too_deep(StrictLoader(text[:found], limits), text, limits, to_the_end=False)
    return found if isinstance(found, tuple) else None


def _too_deep(loader: Any, text: str, limits: Limits, *, to_the_end: bool) -> tuple[str, int, int | None] | int | None:
    """:func:`too_deep` with *loader* (the end looked for only *to_the_end*); if its parser fails first, where."""
    opened: list[_Open] = []
    found: tuple[str, int, int] | None = None  # the pointer, the start, and how many were open there
    try:
        while True:
            event = loader.get_event()
            kind = type(event)
            if event is None or kind is yaml.StreamEndEvent:
                return None
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                opened.pop()
                if found is not None and len(opened) < found[2]:
                    return found[0], found[1], event.end_mark.index
                _value_read(opened)
                continue
            if kind not in _NODE_EVENTS:
                continue
            parent = opened[-1] if opened else None
            if parent is not None and parent.mapping and parent.key is None:  # a key
                if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                    return None
                parent.key = event.value if kind is yaml.ScalarEvent else f"*{event.anchor}"
                parent.key_start = event.start_mark.index
            elif kind is yaml.ScalarEvent or kind is yaml.AliasEvent:
                _value_read(opened)
            else:
                opened.append(_Open(mapping=kind is yaml.MappingStartEvent))
                if found is None and len(opened) > limits.max_depth:
                    pointer = "".join(f"/{escape_pointer(each.token())}" for each in opened[:-1])
                    start = event.start_mark.index
                    if parent is not None and parent.mapping and _breaks(text, parent.key_start, start):
                        start = parent.key_start
                    found = (pointer, start, len(opened))
                    if not to_the_end:
                        return pointer, start, None
    except yaml.YAMLError as error:
        if found is not None:
            return found[0], found[1], None
        mark = getattr(error, "problem_mark", None)
        return None if mark is None else int(mark.index)
    finally:
        loader.dispose()


_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def _breaks(text: str, start: int, end: int) -> bool:
    """Whether a line ends between the offsets *start* and *end* of *text*."""
    return text.find("\n", start, end) >= 0 or text.find("\r", start, end) >= 0
