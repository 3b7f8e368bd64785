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
from xml.etree import ElementTree

import attrs

from ._i18n import N_


__all__ = ["MAX_SHAPES", "Drawing", "Refused", "read_drawing"]

#: The most elements a drawing may draw once its ``<use>`` elements are followed (our choice: the built-in
#: drawings draw fewer than 100; a detailed one thousands).
MAX_SHAPES = 100_000

#: The most octaves of an ``feTurbulence`` filter (our choice: each one is drawn again over the whole area).
MAX_OCTAVES = 10

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: The SVG elements a drawing may hold: shapes, text, structure, paint servers, clipping, masking and filters
#: that draw from the drawing itself. Any other (``image``, ``foreignObject``, ``feImage``, animation, ``video``,
#: ``iframe``...) shows or fetches something else, or changes the drawing over time, and leaves it out.
_ALLOWED = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "a", "style", "script",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath",
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

#: What makes a drawing cost more than its shapes: an animation, a transition, a filter function in CSS.
_CSS_COSTLY = re.compile(
    r"@keyframes|\banimation(?:-[a-z-]+)?\s*:|\btransition(?:-[a-z-]+)?\s*:"
    r"|\b(?:blur|drop-shadow|brightness|contrast|grayscale|hue-rotate|invert|saturate|sepia)\s*\(",
    re.IGNORECASE,
)

#: Namespaces whose elements a browser shows inside a drawing (an XHTML style sheet or picture, MathML).
_SHOWN = frozenset({"{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/1998/Math/MathML}"})

#: The most filter primitives a drawing may hold (our choice): each draws the whole area it applies to again.
MAX_FILTER_STEPS = 20

#: An entity declared in the document type: its name and its text (only short plain text is allowed).
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s>]{1,100})\s+(?:\"([^\"<&%]{0,200})\"|'([^'<&%]{0,200})'|([^>]{0,400}))")
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
    values: dict[str, int] = attrs.field(factory=dict)


_NOT_SVG = Refused("not-a-picture", N_("its content is not an SVG image"))
_ELSEWHERE = Refused(
    "not-self-contained", N_("the drawing embeds or names other pictures or files, which a handout does not embed")
)


def read_drawing(data: bytes) -> Drawing | Refused:
    """Whether the SVG file *data* may be embedded in a handout, and its title; or why it is left out.

    Example:
        >>> read_drawing(b'<svg xmlns="http://www.w3.org/2000/svg"><title>A chest lift</title><path d="M0 0"/></svg>')
        Drawing(title='A chest lift', title_lang=None)
        >>> read_drawing(b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AA"/></svg>')
        Refused(reason='not-self-contained', template='the drawing embeds or names other pictures or files, ...
    """
    entities = _entities(data)
    if entities is None:
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
    except (ElementTree.ParseError, ValueError, UnicodeError, RecursionError):
        return _NOT_SVG
    if root is None or root.tag != f"{_SVG}svg":  # with no SVG namespace, a browser shows no drawing at all
        return _NOT_SVG
    ids: dict[str, ElementTree.Element] = {}
    steps = 0
    for element in root.iter():
        refused = _element(element)
        if refused is not None:
            return refused
        steps += _local(element.tag).startswith("fe") and _namespace(element.tag) == _SVG
        if steps > MAX_FILTER_STEPS:
            return Refused(
                "too-large", N_("the drawing's filters have more than {limit} steps"), {"limit": MAX_FILTER_STEPS}
            )
        identifier = element.get("id")
        if identifier is not None:
            ids.setdefault(identifier, element)
    if _shapes(root, ids) > MAX_SHAPES:
        return Refused(
            "too-large",
            N_("the drawing draws more than {limit} shapes once its copies are made"),
            {"limit": MAX_SHAPES},
        )
    return Drawing(*_title(root))


def _entities(data: bytes) -> int | None:
    """How many entity references *data* may expand, or ``None`` if an entity could stand for more than text.

    An editor may declare namespace names as entities (``<!ENTITY ns_svg "http://www.w3.org/2000/svg">``);
    one that stands for markup, another entity, an outside file or a parameter would let the drawing grow
    as it is read, or hide what it holds.
    """
    if b"<!ENTITY" not in data:
        return 0
    for found in _ENTITY.finditer(data):
        if found[1] or found[5] is not None:  # a parameter entity, or one that is not a plain quoted text
            return None
    if data.count(b"<!ENTITY") != len(_ENTITY.findall(data)):
        return None  # a declaration the pattern does not read: not plain
    references = len(re.findall(rb"&[^\s#;&<]{1,100};", data))
    return None if references > _MOST_REFERENCES else references


def _element(element: ElementTree.Element) -> Refused | None:
    """Why *element* makes its drawing not self-contained, if it does."""
    namespace, name = _namespace(element.tag), _local(element.tag)
    if (namespace in ("", _SVG) and name not in _ALLOWED) or namespace in _SHOWN:
        return _ELSEWHERE
    for attribute, value in element.attrib.items():
        if attribute in ("href", _XLINK_HREF):
            if name != "a" and not value.strip().startswith("#"):  # a link is never followed in a picture
                return _ELSEWHERE
        elif _namespace(attribute) == "" and _css_refused(value):
            # An attribute of SVG's own (an editor's, in its namespace, draws nothing); a CSS escape could spell
            # url( past any check.
            return _ELSEWHERE
    if name == "style" and _css_refused("".join(element.itertext())):
        return _ELSEWHERE
    if name == "feTurbulence":
        octaves = element.get("numOctaves", "1").strip()
        if not octaves.isdigit() or int(octaves) > MAX_OCTAVES:
            return Refused(
                "too-large", N_("a turbulence filter of more than {limit} octaves is drawn too slowly"),
                {"limit": MAX_OCTAVES},
            )  # fmt: skip
    return None


def _css_refused(css: str) -> bool:
    """Whether style text (a ``style`` attribute, a presentation attribute, a style sheet) names or costs too much.

    A reference that is not to a part of the drawing, an import, an image-set(), a CSS escape (which could spell
    url( past any check), an animation or a filter function (each redrawn over the whole area, on every frame).
    """
    return "\\" in css or bool(_URL.search(css) or _CSS_ELSEWHERE.search(css) or _CSS_COSTLY.search(css))


def _shapes(root: ElementTree.Element, ids: dict[str, ElementTree.Element]) -> int:
    """How many elements *root* draws once each ``<use>`` is replaced by what it names (at most the limit and one).

    Each element is counted once (remembered), without recursion, so that a chain of copies of copies is counted
    in the time of reading the drawing; a ``<use>`` that names itself or one of its own ancestors (a loop of
    copies) counts past the limit.
    """
    counted: dict[int, int] = {}
    started: set[int] = set()
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if key in counted:
            continue
        needs = [*node, *_named(node, ids)]
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


def _named(node: ElementTree.Element, ids: dict[str, ElementTree.Element]) -> list[ElementTree.Element]:
    """What a ``<use>`` element draws a copy of, if it names a part of the drawing; nothing for any other."""
    if _local(node.tag) != "use":
        return []
    target = ids.get((node.get("href") or node.get(_XLINK_HREF) or "").strip().removeprefix("#"))
    return [] if target is None else [target]


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
