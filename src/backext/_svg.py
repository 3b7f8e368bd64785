"""SVG drawings from a pack's folder, read as XML and let into a handout only if they draw themselves, cheaply.

A browser shows a drawing given by an ``<img>`` as a picture: its scripts do
not run and nothing is fetched from a network, but a picture *inside* the
drawing is shown (an ``<image>`` with a ``data:`` address, a CSS
``mask-image``), and that picture could hold billions of pixels; ``<use>``
elements that each draw the one before twice draw a shape 2^40 times. So a
drawing is parsed (by the standard library's expat, which fetches nothing)
and kept only if every element is one that draws itself, every reference in
it is to a part of the drawing itself (``href="#arrow"``, ``url(#fade)``),
its style sheets name nothing else and have no escapes, and it draws at most
:data:`MAX_SHAPES` shapes once its ``<use>`` elements are followed. Elements
of other namespaces (an editor's own, such as Inkscape's) draw nothing and
are kept. Entities may only stand for short plain text (as an editor's
namespace names).

This module holds the rules; :mod:`backext._media` reads the files.
"""

from __future__ import annotations

import re
import typing
import unicodedata
from urllib.parse import unquote
from xml.etree import ElementTree

import attrs

from ._i18n import N_


__all__ = ["MAX_SHAPES", "Drawing", "Refused", "read_drawing"]

#: The most elements a drawing may draw once every reference to a part of it is followed (a ``<use>``, a mask,
#: a clip path, a pattern, a filter, each drawn again where it is named); our choice: the built-in drawings draw
#: fewer than 100, a detailed one a few thousand, and a browser draws 20,000 in about a second.
MAX_SHAPES = 20_000

#: The most octaves of an ``feTurbulence`` filter (our choice: each one is drawn again over the whole area).
MAX_OCTAVES = 10

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

#: The SVG elements a drawing may hold: shapes, text, structure, paint servers, clipping, masking and filters
#: that draw from the drawing itself. Any other (``image``, ``foreignObject``, ``feImage``, animation, ``video``,
#: ``iframe``...) shows or fetches something else, or changes the drawing over time, and leaves it out.
_ALLOWED = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "a", "style", "script",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath", "flowRoot", "flowRegion", "flowPara", "flowSpan",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
        "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
        "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
        "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip

#: A reference in CSS or in a presentation attribute (``fill="url(#fade)"``): only to a part of the drawing.
_URL = re.compile(r"url\s*\(\s*(?![\"'\s#])|url\s*\(\s*[\"']\s*(?![\s#])", re.IGNORECASE)
#: What else in CSS names another file or picture: an import, image-set(), src(), a font face, cross-fade().
_CSS_ELSEWHERE = re.compile(r"@import|@font-face|image-set\s*\(|src\s*\(|cross-fade\s*\(|element\s*\(", re.IGNORECASE)

#: What makes a drawing cost more than its shapes: an animation (drawn again on every frame), a filter function.
_ANIMATION = re.compile(r"@keyframes|:has\(|text-shadow|box-shadow", re.IGNORECASE)
_FILTER_FUNCTION = re.compile(
    r"\b(?:blur|drop-shadow|brightness|contrast|grayscale|hue-rotate|invert|saturate|sepia|opacity)\s*\(",
    re.IGNORECASE,
)
#: The attributes SVG reads as CSS values (presentation attributes that may name something).
_PRESENTATION = frozenset(
    {"fill", "stroke", "mask", "clip-path", "filter", "marker-start", "marker-mid", "marker-end", "cursor"}
)

#: Namespaces whose elements a browser shows inside a drawing (an XHTML style sheet or picture, MathML).
_SHOWN = frozenset({"{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/1998/Math/MathML}"})

#: The most filter primitives a drawing may hold (our choice): each draws the whole area it applies to again.
MAX_FILTER_STEPS = 50

#: An entity declared in the document type: its name and its text (only short plain text is allowed).
_ENTITY = re.compile(r"<!ENTITY\s+(%\s+)?([^\s>]{1,100})\s+(?:\"([^\"<&%]{0,200})\"|'([^'<&%]{0,200})'|([^>]{0,400}))")
#: The most entity references a drawing may hold (our choice): each stands for at most 200 characters.
_MOST_REFERENCES = 2_000


@attrs.frozen
class Drawing:
    """A drawing that may be embedded, and its own title (text alternative), if any, with that title's language."""

    title: str | None = None
    title_lang: str | None = None


@attrs.frozen
class Refused:
    """A drawing left out: the reason's stable code, and its message (marked with ``N_``) and values."""

    reason: str
    template: str
    values: dict[str, int | str] = attrs.field(factory=dict)


_NOT_SVG = Refused("not-a-picture", N_("its content is not an SVG image"))
_ELSEWHERE = Refused(
    "not-self-contained", N_("the drawing embeds or names other pictures or files, which a handout does not embed")
)
_ESCAPED = Refused(
    "not-self-contained", N_("the drawing's style has a CSS escape (a backslash), which a handout does not read")
)
#: An element a handout does not draw, named in the message (``{element}``).
_NOT_DRAWN = N_("the drawing holds a {element} element, which a handout does not draw")
#: The elements that show or fetch a picture or a page from elsewhere.
_ELSEWHERE_ELEMENTS = frozenset(
    {"image", "foreignObject", "feImage", "iframe", "video", "audio", "object", "embed", "img", "canvas"}
)
_COSTLY = Refused(
    "too-large", N_("the drawing's style animates it, or filters it from a style sheet: a handout does not draw that")
)


def read_drawing(data: bytes) -> Drawing | Refused:
    """Whether the SVG file *data* may be embedded in a handout, and its title; or why it is left out.

    Example:
        >>> read_drawing(b'<svg xmlns="http://www.w3.org/2000/svg"><title>A chest lift</title><path d="M0 0"/></svg>')
        Drawing(title='A chest lift', title_lang=None)
        >>> read_drawing(b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AA"/></svg>')
        Refused(reason='not-self-contained', template='the drawing embeds or names other pictures or files, ...
    """
    text = _decoded(data)
    if text is None:
        return _NOT_SVG
    if _entities(text) is None or "<!ATTLIST" in text:  # an ATTLIST could move an element to another namespace
        return _ELSEWHERE
    try:
        # Safe here without defusedxml: expat fetches nothing, and the entities were read above (plain text only,
        # a bounded number of references): no entity can grow the document or bring in another file.
        parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("start", "pi"))
        parser.feed(data)
        parser.close()
        root: ElementTree.Element | None = None
        for read in parser.read_events():
            event, found = typing.cast("tuple[str, object]", read)
            if event == "pi":  # <?xml-stylesheet href="data:text/css,..."?> is applied, in the prolog too
                return _ELSEWHERE
            if root is None and isinstance(found, ElementTree.Element):
                root = found
    except (ElementTree.ParseError, ValueError, UnicodeError, LookupError, RecursionError):
        return _NOT_SVG
    if root is None or root.tag != f"{_SVG}svg":  # with no SVG namespace, a browser shows no drawing at all
        return _NOT_SVG
    ids: dict[str, ElementTree.Element] = {}
    steps = 0
    for element in root.iter():
        refused = _element(element)
        if refused is not None:
            return refused
        steps += (_local(element.tag).startswith("fe") and _namespace(element.tag) == _SVG) + _filter_functions(element)
        if steps > MAX_FILTER_STEPS:
            return Refused(
                "too-large", N_("the drawing's filters have more than {limit} steps"), {"limit": MAX_FILTER_STEPS}
            )
        identifier = element.get("id")
        if identifier is not None:
            ids.setdefault(identifier, element)
    shapes = _shapes(root, ids)
    if shapes is None:  # a reference to a part that is not there: a browser may read it another way
        return _ELSEWHERE
    if shapes > MAX_SHAPES:
        return Refused(
            "too-large",
            N_("the drawing draws more than {limit} shapes once its copies are made"),
            {"limit": MAX_SHAPES},
        )
    return Drawing(*_title(root))


def _decoded(data: bytes) -> str | None:
    """The text of *data* in the encoding its byte-order mark or XML declaration gives (UTF-8 if none).

    ``None`` if it gives one a drawing is not written in: a compressing or stateful one could hide what the file
    holds from the checks.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        codec = "utf-8-sig"
    else:
        declared = re.match(rb"<\?xml[^>]{0,200}encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']", data)
        codec = declared[1].decode("ascii").lower().replace("_", "-") if declared else "utf-8"
        if codec not in _ENCODINGS and not re.fullmatch(r"(?:iso-8859-[0-9]{1,2}|windows-125[0-8]|cp125[0-8])", codec):
            return None
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError):
        return None


#: The encodings a drawing may be written in (with the ISO 8859 and Windows 125x ones).
_ENCODINGS = frozenset({"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "latin-1", "latin1"})


def _entities(data: str) -> int | None:
    """How many entity references *data* may expand, or ``None`` if an entity could stand for more than text.

    An editor may declare namespace names as entities (``<!ENTITY ns_svg "http://www.w3.org/2000/svg">``);
    one that stands for markup, another entity, an outside file or a parameter would let the drawing grow
    as it is read, or hide what it holds.
    """
    if "<!ENTITY" not in data:
        return 0
    for found in _ENTITY.finditer(data):
        if found[1] or found[5] is not None:  # a parameter entity, or one that is not a plain quoted text
            return None
    if data.count("<!ENTITY") != len(_ENTITY.findall(data)):
        return None  # a declaration the pattern does not read: not plain
    references = len(re.findall(r"&[^\s#;&<]{1,100};", data))
    return None if references > _MOST_REFERENCES else references


def _element(element: ElementTree.Element) -> Refused | None:
    """Why *element* makes its drawing not self-contained, or costly, if it does."""
    namespace, name = _namespace(element.tag), _local(element.tag)
    if namespace in _SHOWN or _XML_BASE in element.attrib:
        return _ELSEWHERE  # xml:base would make every reference in it another file's
    if namespace in ("", _SVG) and name not in _ALLOWED:
        if name in _ELSEWHERE_ELEMENTS:
            return _ELSEWHERE
        # Said by name: an animation, a marker... is no picture from elsewhere, and the author looks for none.
        return Refused("not-self-contained", _NOT_DRAWN, {"element": name[:40]})
    for attribute, value in element.attrib.items():
        if attribute in ("href", _XLINK_HREF):
            if name != "a" and not value.strip().startswith("#"):  # a link is never followed in a picture
                return _ELSEWHERE
        elif _namespace(attribute) == "":  # an editor's attributes, in its namespace, draw nothing
            if _URL.search(value) or _CSS_ELSEWHERE.search(value):
                return _ELSEWHERE
            if (attribute == "style" or attribute in _PRESENTATION) and "\\" in value:
                return _ESCAPED  # CSS read there: an escape could spell url( past any check
            if attribute == "style" and _animated(value):
                return _COSTLY
    if name == "style" and namespace == _SVG:
        css = "".join(element.itertext())
        # A style sheet applies to any number of elements: no reference, escape, animation or filter in it.
        if "\\" in css:
            return _ESCAPED
        if re.search(r"url\s*\(", css, re.IGNORECASE) or _CSS_ELSEWHERE.search(css):
            return _ELSEWHERE
        if _animated(css) or _FILTER_FUNCTION.search(css):
            return _COSTLY
    if name == "feTurbulence":
        octaves = element.get("numOctaves", "1").strip()
        if not re.fullmatch(r"[0-9]{1,3}", octaves) or int(octaves) > MAX_OCTAVES:
            return Refused(
                "too-large", N_("a turbulence filter of more than {limit} octaves is drawn too slowly"),
                {"limit": MAX_OCTAVES},
            )  # fmt: skip
    return None


def _animated(css: str) -> bool:
    """Whether *css* animates, matches at a cost or draws shadows of text, which no count of shapes bounds.

    ``@keyframes`` and ``animation`` properties, ``:has()`` selectors, text and box shadows. The properties are
    read declaration by declaration, in time linear in the text (a pattern that looked for a property name ending
    in a colon went back over "animation-animation-..." from each word of it).
    """
    if _ANIMATION.search(css):
        return True
    return any(part.split(":", 1)[0].strip().lower().startswith("animation") for part in _DECLARATIONS.split(css))


#: What separates CSS declarations and rules.
_DECLARATIONS = re.compile(r"[;{}]")


def _filter_functions(element: ElementTree.Element) -> int:
    """How many CSS filter functions (``blur()``, ``drop-shadow()``...) *element*'s own style applies."""
    return sum(len(_FILTER_FUNCTION.findall(element.get(name, ""))) for name in ("style", "filter"))


def _shapes(root: ElementTree.Element, ids: dict[str, ElementTree.Element]) -> int | None:
    """How many elements *root* draws once every reference to a part of it is followed (at most the limit and one).

    A ``<use>`` draws what it names again, and so does a mask, a clip path, a pattern or a filter at each element
    that names it (``mask="url(#m)"``). Each element is counted once (remembered), without recursion, so that
    copies of copies are counted in the time of reading the drawing; a reference back to an ancestor (a loop)
    counts past the limit. ``None`` if a reference names no part of the drawing: a browser may read it another way
    (``#%67`` is ``#g``) and draw what the count missed.
    """
    counted: dict[int, int] = {}
    started: set[int] = set()
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if key in counted:
            continue
        named = _named(node, ids)
        if named is None:
            return None
        needs = [*node, *named]
        if not ready:
            started.add(key)
            stack.append((node, True))
            for need in needs:
                if id(need) in counted:
                    continue
                if id(need) in started:  # an ancestor of its own: a loop of copies
                    return MAX_SHAPES + 1
                stack.append((need, False))
            continue
        counted[key] = min(1 + sum(counted[id(need)] for need in needs), MAX_SHAPES + 1)
        started.discard(key)
    return counted[id(root)]


def _named(node: ElementTree.Element, ids: dict[str, ElementTree.Element]) -> list[ElementTree.Element] | None:
    """The parts of the drawing *node* draws again where it is, or ``None`` if one is not there.

    What its ``href`` (not a link's) and its ``url(#...)`` references name.
    """
    fragments = []
    for attribute, value in node.attrib.items():
        if attribute in ("href", _XLINK_HREF):
            if _local(node.tag) != "a":  # a link is never followed in a picture
                fragments.append(value.strip())
        elif "url" in value.lower():
            fragments += [f"#{found}" for found in _FRAGMENT.findall(value)]
    named = []
    for fragment in fragments:
        target = ids.get(unquote(fragment.removeprefix("#")))  # as a browser reads it: #%67 is #g
        if target is None:
            return None
        named.append(target)
    return named


#: The part a ``url(#...)`` reference names, quoted or not.
_FRAGMENT = re.compile(r"url\s*\(\s*[\"']?\s*#([^\"')\s]*)", re.IGNORECASE)


def _title(root: ElementTree.Element) -> tuple[str | None, str | None]:
    """The drawing's own title and its language: the root's first ``<title>`` child, if it holds text only."""
    from ._i18n import parse_locale  # noqa: PLC0415

    title = next((child for child in root if _local(child.tag) == "title"), None)
    if title is None or len(title):
        return None, None
    # Characters that show nothing (a zero-width space) are no text alternative.
    text = " ".join("".join(c for c in title.text or "" if unicodedata.category(c) != "Cf").split())
    if not text:
        return None, None
    if len(text) > _MAX_TITLE:
        text = text[: _MAX_TITLE - 1] + "\N{HORIZONTAL ELLIPSIS}"
    lang = title.get(_XML_LANG) or title.get("lang") or root.get(_XML_LANG) or root.get("lang")
    try:  # xml:lang="" says the language is not known: none is given
        return text, parse_locale(lang.strip()) if lang and lang.strip() else None
    except ValueError:
        return text, None


#: The longest title of a drawing kept as its text alternative, in characters (our choice).
_MAX_TITLE = 300


def _namespace(tag: str) -> str:
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
