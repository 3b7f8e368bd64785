"""For pack authors: a pack to start from (``backext new``) and a pack in another format (``backext convert``)."""

from __future__ import annotations

import datetime
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

from ._formats import Format, serialize
from ._i18n import N_
from ._limits import TOO_DEEP, shorten
from ._messages import Message
from ._problems import cut_pointer, escape_pointer
from ._schema import SCHEMA_ID


__all__ = ["ConversionError", "convert_document", "losses", "starter_pack", "starter_pictures"]


class ConversionError(ValueError):
    """A document the target format cannot hold; *template* says why, in any language."""

    def __init__(self, template: Message) -> None:
        self.template = template
        super().__init__(template.render())


def _slug(name: str) -> str:
    """*name* as a pack id: letters without their accents (``Übung`` is ``ubung``), other characters as hyphens."""
    import unicodedata  # noqa: PLC0415 - only for a new pack

    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug or "my-pack"


def _set(document: dict[str, Any], pointer: str, value: object) -> None:
    *parents, last = [raw.replace("~1", "/").replace("~0", "~") for raw in pointer.split("/")[1:]]
    node: Any = document
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


#: The comment before a document's content that names its schema, in each format whose editors read one:
#: Taplo (Even Better TOML) and yaml-language-server. Group 1 is the schema's address.
_SCHEMA_COMMENTS: dict[str, re.Pattern[str]] = {
    "toml": re.compile(r"#:schema[ \t]+(\S[^\r\n]*?)[ \t]*(?:\r?\n|\Z)"),
    "yaml": re.compile(r"#[ \t]*yaml-language-server:[ \t]*\$schema=(\S[^\r\n]*?)[ \t]*(?:\r\n|\r|\n|\Z)"),
}


def _schema_comment(text: str, source: str | None) -> re.Match[str] | None:
    """The comment naming the schema among the comments before the document's content, in *source*'s form.

    Editors read it there: after other comments, and in YAML after a directive (``%YAML 1.2``) and the ``---``
    that must then follow it (found by a black-box attack: one not on the first line was dropped in silence).
    """
    pattern = _SCHEMA_COMMENTS.get(source or "")
    if pattern is None:
        return None
    # Line by line, lazily (only up to the content), a CR alone ending a line as YAML reads it: every line matches
    # where it starts, so the scan is linear (found by a review: "[^\r\n]*(?:\r?\n|\Z)" retried a line ending in
    # a CR alone from each of its characters).
    for line in _LINES.finditer(text):
        stripped = line[0].strip()
        if stripped.startswith("#"):
            found = pattern.match(text, line.start() + line[0].index("#"))
            if found is not None:
                return found
        elif stripped and not (source == "yaml" and (stripped.startswith("%") or stripped == "---")):
            return None  # the content has begun
        if line.end() == len(text):
            break
    return None


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")


def _header(fmt: Format) -> str:
    """The line that names the schema, for editors, in the form each format's language server reads."""
    if fmt == "yaml":
        return f"# yaml-language-server: $schema={SCHEMA_ID}\n"
    if fmt == "toml":
        return f"#:schema {SCHEMA_ID}\n"
    return ""


def starter_pack(fmt: Format, *, pack_id: str, locales: tuple[str, ...] = ()) -> str:
    """The text of a pack to start from: the built-in pack's exercises, under the id *pack_id*.

    Each text of the built-in pack is given under each of *locales* too: in
    the built-in pack's own translation where it has one for that tag or
    the language it narrows (German, French and Spanish: ``de-AT`` gets
    the German; tags compared regardless of case and written as BCP 47
    writes them), else in English, ready to be translated (it stays English
    until it is). Either
    way every text has every tag, so the pack validates as it is, without an
    incomplete translation. Without *locales*, every text is a plain English
    string.

    Example:
        >>> import backext
        >>> text = starter_pack("yaml", pack_id="Our Clinic", locales=("de", "it"))
        >>> print(text.splitlines()[2])
        id: our-clinic
        >>> backext.validate_pack(text, format="yaml")
        []
        >>> pack = backext.load_pack(text, format="yaml")
        >>> name = pack.exercises[0].name
        >>> name["de"], name["it"]
        ('Aufrichten auf die Unterarme', 'Forearm press-up')
    """
    from . import builtin_pack  # noqa: PLC0415
    from ._checks import _all_texts  # noqa: PLC0415
    from ._converter import converter  # noqa: PLC0415
    from ._model import Pack  # noqa: PLC0415

    pack = builtin_pack()
    document: dict[str, Any] = {"schema_version": pack.schema_version, **converter.unstructure(pack, Pack)}
    document["id"] = _slug(pack_id)
    from ._i18n import parse_locale  # noqa: PLC0415

    # Tags as BCP 47 writes them (``de_at`` and ``DE-AT`` are ``de-AT``), each once, the default left out.
    wanted = [tag for tag in dict.fromkeys(map(parse_locale, locales)) if tag.lower() != pack.default_locale.lower()]
    for pointer, text in _all_texts(pack):
        english = pack.localize(text, pack.default_locale)
        if not wanted:
            _set(document, pointer, english)
            continue
        shipped = {tag.lower(): translation for tag, translation in text.items()} if isinstance(text, Mapping) else {}
        translated = {tag: _shipped(shipped, tag) or english for tag in wanted}
        _set(document, pointer, {pack.default_locale: english, **translated})
    if fmt == "json":
        document = {"$schema": SCHEMA_ID, **document}
    return _header(fmt) + serialize(document, fmt)


def starter_pictures() -> dict[str, bytes]:
    """The pictures the pack of :func:`starter_pack` names, by their path from the pack's folder, and their bytes.

    The built-in pack's own pictures, read from the package's data (the
    folder its ``media`` paths are relative to), each once, in the order the
    pack first names them: ``backext new`` writes them at the same paths
    next to the pack it writes, so that the pack refers to files that are
    there.

    Example:
        >>> pictures = starter_pictures()
        >>> next(iter(pictures))
        'media/forearm-press-up-start.svg'
        >>> pictures["media/forearm-press-up-start.svg"][:4]
        b'<svg'
    """
    from importlib import resources  # noqa: PLC0415 - only for backext new

    from . import builtin_pack  # noqa: PLC0415
    from ._addresses import inside_folder  # noqa: PLC0415

    named: list[str] = []
    for exercise in builtin_pack().exercises:
        named += [step.media for step in exercise.steps if step.media is not None]
        named += [media for modification in exercise.modifications for media in modification.media]
    data = resources.files(__package__).joinpath("data")
    return {
        reference: data.joinpath(*reference.split("/")).read_bytes()
        for reference in dict.fromkeys(named)
        if inside_folder(reference)  # a picture on a web server is not copied
    }


def _shipped(shipped: Mapping[str, str], tag: str) -> str | None:
    """The built-in translation for *tag* (keys in lower case), with BCP 47 fallback: ``de-AT`` takes ``de``."""
    parts = tag.lower().split("-")
    for end in range(len(parts), 0, -1):
        found = shipped.get("-".join(parts[:end]))
        if found is not None:
            return found
    return None


def _nulls(node: object) -> str | None:
    """The pointer of the first null in *node*, if any (a walk without recursion: a document may nest deep)."""
    stack: list[tuple[str, object]] = [("", node)]
    while stack:
        pointer, value = stack.pop()
        if value is None:
            return pointer
        stack.extend(reversed([(f"{pointer}/{token}", item) for token, item in _items(value)]))
    return None


def _resolved(schema: Mapping[str, Any], node: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    """The part of the schema *node* that describes a value of JSON type *kind* ("object", "array"), if any."""
    if "$ref" in node:
        node = schema["$defs"][str(node["$ref"]).rsplit("/", 1)[1]]
    if node.get("type") == kind:
        return node
    for option in node.get("anyOf", ()):
        found = _resolved(schema, option, kind)
        if found is not None:
            return found
    return None


def optional_nulls(document: object) -> list[tuple[object, ...]]:
    """The paths (keys and indexes) of the nulls in *document* that stand for an optional field left out.

    As the schema has them. TOML has no null: :func:`convert_document` leaves these out, which reads back the
    same. A null anywhere else (a required field, a list item, an unknown key) is kept, and refused in TOML.
    """
    from ._schema import json_schema  # noqa: PLC0415 - built only when a document is converted to TOML

    schema = json_schema()
    found: list[tuple[object, ...]] = []
    stack: list[tuple[tuple[object, ...], object, Mapping[str, Any] | None]] = [((), document, schema)]
    while stack:
        path, value, node = stack.pop()
        if node is None:  # no schema here (an unknown key): nothing below is an optional field
            continue
        if isinstance(value, dict):
            described = _resolved(schema, node, "object")
            properties = described.get("properties", {}) if described is not None else {}
            required = described.get("required", ()) if described is not None else ()
            for key, item in value.items():
                field = properties.get(key) if isinstance(key, str) else None
                nullable = field is not None and any(o.get("type") == "null" for o in field.get("anyOf", ()))
                if item is None and nullable and key not in required:
                    found.append((*path, key))
                else:
                    stack.append(((*path, key), item, field))
        elif isinstance(value, list):
            described = _resolved(schema, node, "array")
            items = described.get("items") if described is not None else None
            stack.extend(((*path, index), item, items) for index, item in enumerate(value))
    return sorted(found, key=lambda p: [str(k) for k in p])


def _left_out(document: object, paths: list[tuple[object, ...]]) -> object:
    """*document* without the keys at *paths*: containers along the paths are copied, the rest is shared."""
    copied: dict[tuple[object, ...], Any] = {}

    def own(path: tuple[object, ...], value: Any) -> Any:
        if path not in copied:
            copied[path] = dict(value) if isinstance(value, dict) else list(value)
        return copied[path]

    if not paths:
        return document
    root: Any = own((), document)
    for path in paths:
        node = root
        for depth, key in enumerate(path[:-1]):
            child = own(path[: depth + 1], node[key])
            node[key] = child
            node = child
        del node[path[-1]]
    return root


def _yaml_marks(text: str) -> tuple[bool, bool, bool, bool]:
    """Whether the YAML *text* has comments, anchors or aliases, merge keys (``<<``), directives: by its tokens.

    A ``#`` or ``&`` inside a string is no comment and no anchor: a comment is a ``#`` outside every token.
    """
    import yaml  # noqa: PLC0415 - the text was read as YAML: PyYAML is there

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's scanner takes tabs as YAML does
    loader = loader_class(text)
    anchors, merges, directives, outside, start = False, False, False, [], 0
    after_key = False
    try:
        while loader.check_token():
            token = loader.get_token()
            anchors = anchors or isinstance(token, (yaml.AnchorToken, yaml.AliasToken))
            directives = directives or isinstance(token, yaml.DirectiveToken)
            merges = merges or (
                after_key and isinstance(token, yaml.ScalarToken) and token.plain and token.value == "<<"
            )
            after_key = isinstance(token, yaml.KeyToken)
            outside.append(text[start : token.start_mark.index])
            start = max(start, token.end_mark.index)
    finally:
        loader.dispose()
    outside.append(text[start:])
    return any("#" in part for part in outside), anchors, merges, directives


def _toml_comments(text: str) -> bool:
    """Whether the TOML *text* has a comment: a ``#`` outside every string."""
    from ._formats import _BRACKETS  # noqa: PLC0415

    return any(found[0].startswith("#") for found in re.finditer(_BRACKETS["toml"], text))


def losses(text: str, source: Format, target: Format, document: object = None) -> list[Message]:
    r"""What converting *text* from *source* to *target* cannot keep, in plain words (render them in any locale).

    Given the *document* read from *text*, a comment naming another schema than the document's ``$schema`` key
    is said to be left for the key.

    Example:
        >>> [lost.render() for lost in losses("# our pack\\nid: x\\n", "yaml", "json")]
        ['comments: JSON has none, and the other formats are rewritten without them']
        >>> losses("# our pack\\nid: x\\n", "yaml", "json")[0].render("de")
        'Kommentare: JSON hat keine, und die anderen Formate werden ohne sie neu geschrieben'
    """
    lost = []
    named = _schema_comment(text, source)
    if named is not None:  # the comment that names the schema is carried over, in the form the target reads
        text = text[: named.start()] + text[named.end() :]
        key = document.get("$schema") if isinstance(document, dict) else None
        if isinstance(key, str) and key.strip() != named[1].strip() and not source == target == "yaml":
            lost.append(
                Message(
                    template=N_("the comment naming the schema {comment}: the $schema key names {key}, and is kept"),
                    values={"comment": shorten(named[1].strip()), "key": shorten(key.strip())},
                )
            )
    if source == "yaml":
        comments, anchors, merges, directives = _yaml_marks(text)
    else:
        comments, anchors, merges, directives = source == "toml" and _toml_comments(text), False, False, False
    if comments:
        lost.append(
            Message(template=N_("comments: JSON has none, and the other formats are rewritten without them"))
            if target == "json"
            else Message(template=N_("comments: the pack is rewritten from its values, without them"))
        )
    if anchors:
        lost.append(Message(template=N_("YAML anchors and aliases: what an alias stands for is written out in full")))
    if merges:
        lost.append(
            Message(template=N_("YAML merge keys (<<): the keys they bring in are written out in each mapping"))
        )
    if directives:
        lost.append(Message(template=N_("YAML directives (%YAML, %TAG): the pack is rewritten without them")))
    if target == "toml" and document is not None:
        left = optional_nulls(document)
        if left:
            pointers = ", ".join(cut_pointer("".join(f"/{escape_pointer(str(k))}" for k in p)) for p in left[:5])
            lost.append(
                Message(
                    # Translators: {pointers} lists JSON Pointers, such as /sources/0/url.
                    template=N_("null, at {pointers}: TOML has no null, and an optional field left out means the same"),
                    values={"pointers": pointers + (", …" if len(left) > 5 else "")},
                )
            )
    return lost


def _items(node: object) -> Any:
    if isinstance(node, dict):
        return ((escape_pointer(k) if isinstance(k, str) else str(k), v) for k, v in node.items())
    if isinstance(node, list):
        return enumerate(node)
    return ()


#: The most and the least integer TOML holds: its integers are 64-bit.
_TOML_INT = (-(2**63), 2**63 - 1)


#: A lone surrogate: a character no UTF-8 file can hold, which a JSON escape (``\ud800``) can still name.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _what(value: object, target: Format) -> Message | None:
    """What *value* is, if *target* cannot hold it (``None`` if it can)."""
    if isinstance(value, str):
        return (
            Message(template=N_("a lone surrogate, a character no UTF-8 file holds"))
            if _SURROGATE.search(value)
            else None
        )
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if target == "toml" and not _TOML_INT[0] <= value <= _TOML_INT[1]:
            return Message(template=N_("an integer beyond 64 bits"))
        return None
    if isinstance(value, float):
        return None if target != "json" or math.isfinite(value) else Message(template=N_("a number that is not finite"))
    if isinstance(value, bytes):
        return None if target == "yaml" else Message(template=N_("binary data"))
    if isinstance(value, datetime.time):
        return None if target == "toml" else Message(template=N_("a time of day without a date"))
    if isinstance(value, datetime.date):  # a datetime too
        return None if target != "json" else Message(template=N_("a date or a date and time"))
    return None


def _unheld(document: object, target: Format) -> tuple[str, Message] | None:
    """The pointer of the first value that *target* cannot hold, and what it is; ``None`` if there is none."""
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        what = _what(node, target)
        if what is not None:
            return pointer, what
        items = list(_items(node))
        for token, _ in items:  # a key is written too
            what = _what(token, target)
            if what is not None:
                return f"{pointer}/{token}", what
        stack.extend(reversed([(f"{pointer}/{token}", value) for token, value in items]))
    return None


def _named_schema(document: object, target: Format, text: str, source: Format | None) -> tuple[object, str]:
    """*document*, and the header of the text in *target*, with the schema named as *target*'s editors read it.

    The schema is named by a ``$schema`` key in JSON (and may be in YAML),
    by a ``#:schema`` comment in TOML, by a
    ``# yaml-language-server: $schema=`` comment in YAML, each among the
    comments before the content (see the guide to writing a pack). Into TOML, a ``$schema`` key (a
    string on one line) becomes the comment; out of TOML, the comment
    becomes a ``$schema`` key, unless the document has one.
    """
    found = _schema_comment(text, source)
    named = None if found is None else found[1]
    if not isinstance(document, dict):
        return document, ""
    if target == "toml":
        key = document.get("$schema")
        if isinstance(key, str) and key.strip() and not re.search(r"[\x00-\x1f\x7f]", key):
            document = {name: value for name, value in document.items() if name != "$schema"}
            named = key.strip()
        return document, "" if named is None else f"#:schema {named}\n"
    if named is None:
        return document, ""
    if target == "yaml" and source == "yaml":
        return document, f"# yaml-language-server: $schema={named}\n"  # the comment stays where it was
    if "$schema" in document:
        return document, ""
    return {"$schema": named, **document}, ""


#: A time (of day, or of a date) with more than six decimal places of seconds: Python keeps microseconds only.
_FINE_TIME = re.compile(
    r"(?<![\w:.])(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ])?[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{7,}[^\s,\]}#]*"
)


def _too_fine(text: str, source: Format | None) -> tuple[str, str] | None:
    """The pointer and text of the first time in *text* written finer than a microsecond, if there is one.

    Python's readers of TOML and YAML cut such a time to the microsecond,
    silently: converting it would change the value.
    """
    if _FINE_TIME.search(text) is None:
        return None
    if source == "toml":
        from ._positions import _TOML_STRINGS, index_toml  # noqa: PLC0415 - only for a TOML pack

        strings = "|".join(pattern.pattern for pattern in _TOML_STRINGS)  # a time inside a string is text
        times = (found for found in re.finditer(rf"{strings}|#[^\n]*|({_FINE_TIME.pattern})", text) if found[1])
        first = next(times, None)
        if first is None:
            return None
        start = first.start(1)
        entries = index_toml(text).entries
        inside = [(end - begin, pointer) for pointer, (begin, end) in ((p, e.value) for p, e in entries.items())]
        inside = [
            (size, pointer)
            for size, pointer in inside
            if entries[pointer].value[0] <= start < entries[pointer].value[1]
        ]
        return (min(inside)[1] if inside else ""), first[1]
    if source == "yaml":
        import yaml  # noqa: PLC0415 - the text was read as YAML: PyYAML is there

        from ._yaml import _pointers  # noqa: PLC0415

        loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loader = loader_class(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        pointers = _pointers(root) if root is not None else {}
        stack = [root] if root is not None else []
        fine: list[tuple[int, str, str]] = []
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.ScalarNode):
                if node.tag == "tag:yaml.org,2002:timestamp" and _FINE_TIME.match(node.value):
                    fine.append((node.start_mark.index, pointers.get(id(node), ""), node.value))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
            elif isinstance(node, yaml.MappingNode):
                stack.extend(part for pair in node.value for part in pair)
        if fine:
            _, pointer, value = min(fine)
            return pointer, value
    return None


#: How many frames of Python's stack each writer takes for each level of nesting, at most: measured (JSON
#: takes one, TOML four in arrays, YAML three), with a margin.
_FRAMES_PER_LEVEL: dict[Format, int] = {"json": 2, "toml": 5, "yaml": 4}

#: The frames of Python's stack left unused by the writers: the margin of :func:`writable_depth`.
_SPARE_FRAMES = 50


def writable_depth(target: Format) -> int:
    """How deeply objects and lists may nest for the writer of *target*, called from here, to write them.

    The writers recurse, a level of nesting at a time, within Python's
    recursion limit: a document read with ``max_depth`` raised may nest
    deeper than they go (TOML's about 250 levels, YAML's 330, JSON's 990).
    """
    used = 0
    frame: Any = sys._getframe()  # noqa: SLF001 - how deep the stack is already
    while frame is not None:
        used += 1
        frame = frame.f_back
    return max(1, (sys.getrecursionlimit() - used - _SPARE_FRAMES) // _FRAMES_PER_LEVEL[target])


def too_deep(limit: int) -> Message:
    """The message of a document that nests more than *limit* levels deep (the ``too-deep`` problem's)."""
    return Message(template=TOO_DEEP[0], plural=TOO_DEEP[1], count=limit, values={"limit": str(limit)})


def convert_document(document: object, target: Format, *, text: str = "", source: Format | None = None) -> str:
    """*document*, read from any format, written in *target*.

    Given the *text* it was read from, in *source*, the schema named there
    is named in *target* as its editors read it (:func:`_named_schema`), and
    a time finer than the reader keeps is refused.

    Raises:
        ConversionError: If *target* cannot hold it (TOML has no null, and needs a table at the top; JSON
            has no dates, times or binary data, nor numbers that are not finite; TOML's integers are
            64-bit; YAML has no time of day without a date), or if *text* has a time finer than a
            microsecond, which the reader has cut. The error names the place of the value. Also if
            the document nests deeper than the writer of *target* goes (read with ``max_depth`` raised).
    """
    document, header = _named_schema(document, target, text, source)
    if target == "toml":
        if not isinstance(document, dict):
            raise ConversionError(Message(template=N_("TOML can only hold a pack whose top level is an object")))
        document = _left_out(document, optional_nulls(document))  # an optional field left out reads the same
        null = _nulls(document)
        if null is not None:
            raise ConversionError(
                Message(
                    template=N_("TOML has no null, found at {pointer}: remove it, or convert to JSON or YAML"),
                    values={"pointer": cut_pointer(null)},
                )
            )
    unheld = _unheld(document, target)
    if unheld is not None:
        raise ConversionError(
            Message(
                # Translators: {what} is "binary data", "an integer beyond 64 bits"...; {pointer} a JSON Pointer.
                template=N_("{format} cannot hold {what}, found at {pointer}"),
                values={"format": target.upper(), "what": unheld[1], "pointer": cut_pointer(unheld[0]) or '""'},
            )
        )
    fine = _too_fine(text, source)
    if fine is not None:
        raise ConversionError(
            Message(
                # Translators: {value} is a time as written, such as '07:32:00.999999999'; {pointer} a JSON Pointer.
                template=N_(
                    "backext reads times to the microsecond and cannot keep {value}, found at {pointer}:"
                    " round it to six decimal places"
                ),
                values={"value": shorten(fine[1]), "pointer": cut_pointer(fine[0]) or '""'},
            )
        )
    try:
        return header + serialize(document, target)
    except RecursionError:  # a last resort: a document deeper than writable_depth() is refused before
        deepest = writable_depth(target)
        raise ConversionError(
            Message(
                template=N_("cannot write it as {format}: {reason}"),
                values={"format": target.upper(), "reason": too_deep(deepest)},
            )
        ) from None
    except (TypeError, ValueError) as error:  # pragma: no cover - every value is checked above
        raise ConversionError(
            Message(
                template=N_("cannot write it as {format}: {reason}"),
                values={"format": target.upper(), "reason": str(error)[:200]},
            )
        ) from None
