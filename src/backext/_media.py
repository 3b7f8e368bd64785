"""Pictures a pack names in its ``media`` fields, read safely from the pack's folder.

A pack file is untrusted, and so are the pictures it names. Only an SVG or
PNG file inside the pack's own folder is read: never a path that is absolute,
climbs out with ``..`` or leaves the folder through a symbolic link, never a
URL (a handout works without a network), never more than
:data:`MAX_PICTURE_BYTES` for one picture or :data:`MAX_PICTURES_BYTES` for
all of a handout's. A picture is embedded as an ``<img>`` with a ``data:``
URI, which a browser shows as an image and nothing more: a script or an
external reference inside an SVG file neither runs nor loads there. Anything
else is left out, with the reason (:class:`Omitted`), never an exception.
"""

from __future__ import annotations

import base64
import html
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import attrs

from ._addresses import inside_folder, is_url
from ._i18n import N_
from ._limits import shorten, surrogate
from ._messages import Message, Value


__all__ = [
    "MAX_PICTURES_BYTES",
    "MAX_PICTURE_BYTES",
    "MAX_PICTURE_PIXELS",
    "Omitted",
    "Picture",
    "Pictures",
    "builtin_folder",
]

#: The largest picture file embedded, in bytes (our choice: a detailed drawing is far smaller); whole megabytes,
#: as the messages say it.
MAX_PICTURE_BYTES = 1_000_000

#: The most bytes of pictures embedded in one handout, all together, each counted every time the page holds it
#: (our choice; whole megabytes, as the messages say it).
MAX_PICTURES_BYTES = 8_000_000

#: The most pixels of a PNG picture embedded (our choice: an A4 page scanned at 300 dpi has about 8.7 million). A
#: small file can hold a picture of billions of pixels, which a browser would unpack to show or print the page.
MAX_PICTURE_PIXELS = 16_000_000

#: The most pixels of PNG pictures in one handout, all together, each counted every time the page holds it (our
#: choice: four pictures at :data:`MAX_PICTURE_PIXELS`); a browser unpacks every one to show or print the page.
MAX_PICTURES_PIXELS = 64_000_000

_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: The longest title of a picture kept as its text alternative, in characters (our choice).
MAX_TITLE = 300

# The SVG file is never parsed as XML (no entity is expanded, nothing is fetched): its root element and first title
# are found by these patterns; a title with markup inside is not taken (its text is escaped in the page, as all is).
_ROOT = re.compile(rb"<svg\b[^>]{0,4000}>")
# The title is the root's first child (comments and white space before it), as SVG has it describe the drawing
# (a title further in describes a part of it); attributes only as XML writes them, its text with no markup in it.
_TITLE = re.compile(
    rb"(?:\s|<!--(?:(?!-->).){0,4000}-->){0,100}"
    rb"<title\b((?:\s+[\w:.-]{1,64}\s*=\s*(?:\"[^\"<>]{0,200}\"|'[^'<>]{0,200}')){0,8})\s*>"
    rb"([^<]{1,4000})</title\s*>",
    re.DOTALL,
)
_LANG = re.compile(rb"""(?:\s|^)(?:xml:)?lang\s*=\s*(?:"([^"]{1,64})"|'([^']{1,64})')""")


@attrs.frozen
class Picture:
    """A picture ready to embed.

    Attributes:
        reference: The ``media`` value that named it.
        uri: A ``data:`` URI holding the whole file.
        title: The picture's own text alternative: an SVG file's first
            ``<title>``, if it has one of plain text (entities decoded,
            spaces collapsed, at most :data:`MAX_TITLE` characters).
        title_lang: The language the SVG file gives its title in
            (``xml:lang`` or ``lang`` on the title or the root), if any.
    """

    reference: str
    uri: str
    title: str | None = None
    title_lang: str | None = None


@attrs.frozen
class Omitted:
    """A picture left out, and why.

    Attributes:
        reference: The ``media`` value that named it.
        reason: A stable code: ``no-folder``, ``not-local``, ``outside-folder``,
            ``unsupported-type``, ``missing``, ``not-a-file``, ``too-large``,
            ``too-large-in-all``, ``unreadable``, ``not-a-picture`` or
            ``not-self-contained`` (a drawing that embeds or names other
            pictures or files).
        message: The reason in words.
    """

    reference: str
    reason: str
    message: str
    template: Message | None = attrs.field(default=None, eq=False, repr=False)

    def __str__(self) -> str:
        return self.render()

    def render(self, locale: str | None = None) -> str:
        """The sentence that says it, in *locale*'s words (``None``: English)."""
        why: Message | str = self.message if self.template is None else self.template
        values: dict[str, Value] = {"reference": shorten(self.reference, 120), "why": why}
        return Message(template=N_("picture {reference} left out: {why}"), values=values).render(locale)


def builtin_folder() -> Path:
    """The folder of the built-in pack file, which its ``media`` paths are relative to."""
    return Path(__file__).parent / "data"


class Pictures:
    """Reads the pictures of one handout from *folder*, each once, within the size limits.

    ``None`` for *folder* means that the pack has no folder (it was not read
    from a file): no picture is embedded.
    """

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self._folder = None if folder is None else Path(folder)
        self._root: Path | None = None
        self._used = 0
        self._seen: dict[str, Picture | Omitted] = {}
        self._sizes: dict[str, int] = {}  # the bytes of each picture read
        self._pixels: dict[str, int] = {}  # the pixels of each PNG picture read
        self._pixels_used = 0
        self._over: dict[str, Omitted] = {}  # pictures left out, at least once, for the budget of all

    @property
    def omitted(self) -> list[Omitted]:
        """Every picture left out so far (once each), in the order first asked for."""
        left = [found for found in self._seen.values() if isinstance(found, Omitted)]
        return left + [
            omitted for reference, omitted in self._over.items() if not isinstance(self._seen[reference], Omitted)
        ]

    def _refused(self) -> set[str]:
        return {reference for reference, found in self._seen.items() if isinstance(found, Omitted)}

    def get(self, reference: str) -> Picture | Omitted:
        """The picture *reference* names, to embed once more, or why it is left out.

        A file is read once, however often it is named; every time it is
        embedded counts towards :data:`MAX_PICTURES_BYTES` and, for a PNG
        picture, :data:`MAX_PICTURES_PIXELS`, as the page holds it that many
        times.
        """
        if reference not in self._seen:
            self._seen[reference] = self._read(reference)
        found = self._seen[reference]
        if isinstance(found, Omitted):
            return found
        size, pixels = self._sizes[reference], self._pixels.get(reference, 0)
        over = None
        if self._used + size > MAX_PICTURES_BYTES:
            megabytes = MAX_PICTURES_BYTES // 1_000_000
            over = Message(template=N_("the handout's pictures would exceed {limit} MB"), values={"limit": megabytes})
        elif self._pixels_used + pixels > MAX_PICTURES_PIXELS:
            millions = MAX_PICTURES_PIXELS // 1_000_000
            over = Message(
                template=N_("the handout's pictures would exceed {limit} million pixels"), values={"limit": millions}
            )
        if over is not None:
            omitted = Omitted(reference, "too-large-in-all", over.render(), over)
            self._over.setdefault(reference, omitted)
            return omitted
        self._used += size
        self._pixels_used += pixels
        return found

    def all(self, references: Iterable[str]) -> list[Picture]:
        """The pictures of *references* that can be embedded, in order."""
        return [found for found in map(self.get, references) if isinstance(found, Picture)]

    def _read(self, reference: str) -> Picture | Omitted:
        def omit(reason: str, template: str, values: dict[str, Value] | None = None) -> Omitted:
            why = Message(template=template, values=values or {})
            return Omitted(reference, reason, why.render(), why)

        if self._folder is None:
            return omit("no-folder", N_("pictures are embedded only from the folder of a pack file"))
        if is_url(reference):
            return omit("not-local", N_("only a file next to the pack is embedded, never a URL"))
        path = PurePosixPath(reference)
        if not inside_folder(reference):
            return omit("outside-folder", N_("the path must be relative and stay inside the pack's folder"))
        if surrogate().search(reference):  # no file system can name it
            return omit("missing", N_("there is no such file in the pack's folder"))
        kind = _TYPES.get(path.suffix.lower())
        if kind is None:
            return omit("unsupported-type", N_("only .svg and .png files are embedded"))
        try:
            if self._root is None:
                self._root = self._folder.resolve(strict=True)
            real = (self._root / path).resolve(strict=True)
        except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links, on Python < 3.13
            return omit("missing", N_("there is no such file in the pack's folder"))
        if not real.is_relative_to(self._root):
            return omit("outside-folder", N_("the path leads out of the pack's folder"))
        try:
            if not stat.S_ISREG(real.stat().st_mode):
                return omit("not-a-file", N_("it is not a regular file"))
            # Not blocking: a FIFO put in place of the file after the check above is not waited on. Opened one
            # folder at a time from the pack's, following no link: a link swapped in after the check is refused.
            descriptor = _open_inside(self._root, real.relative_to(self._root).parts)
            with os.fdopen(descriptor, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    return omit("not-a-file", N_("it is not a regular file"))
                data = file.read(MAX_PICTURE_BYTES + 1)
        except OSError as error:
            return omit(
                "unreadable", N_("it cannot be read ({reason})"), {"reason": error.strerror or type(error).__name__}
            )
        if len(data) > MAX_PICTURE_BYTES:
            return omit("too-large", N_("it is larger than {limit} MB"), {"limit": MAX_PICTURE_BYTES // 1_000_000})
        if not _looks_like(kind, data):
            return omit(
                "not-a-picture",
                N_("its content is not a PNG image") if kind == "image/png" else N_("its content is not an SVG image"),
            )
        if kind == "image/svg+xml" and _refers_elsewhere(data):
            return omit(
                "not-self-contained",
                N_("the drawing embeds or names other pictures or files, which a handout does not embed"),
            )
        if kind == "image/png" and _pixels(data) > MAX_PICTURE_PIXELS:
            return omit(
                "too-large",
                N_("it is {width} by {height} pixels, more than {limit} million in all"),
                {"width": _png_size(data)[0], "height": _png_size(data)[1], "limit": MAX_PICTURE_PIXELS // 1_000_000},
            )
        self._sizes[reference] = len(data)
        if kind == "image/png":
            self._pixels[reference] = _pixels(data)
        uri = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
        return Picture(reference, uri, *(_title(data) if kind == "image/svg+xml" else (None, None)))


def _open_inside(root: Path, parts: tuple[str, ...]) -> int:
    """A descriptor of the file *parts* below *root*, opened without following any link on the way.

    Where the system cannot open relative to a folder, the path is opened
    whole (the check that it stays inside the folder was made just before).
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    no_follow = getattr(os, "O_NOFOLLOW", 0)
    if os.open not in os.supports_dir_fd or not no_follow:  # pragma: no cover - Windows
        return os.open(root.joinpath(*parts), os.O_RDONLY | nonblocking)
    folder = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | no_follow, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(parts[-1], os.O_RDONLY | nonblocking | no_follow, dir_fd=folder)
    finally:
        os.close(folder)


def _title(data: bytes) -> tuple[str | None, str | None]:
    """An SVG file's own title and its language, read without parsing the file as XML."""
    root = _ROOT.search(data)
    title = _TITLE.match(data, root.end()) if root else None
    if root is None or title is None:
        return None, None
    text = " ".join(html.unescape(title[2].decode("utf-8", "replace")).split())
    if not text:
        return None, None
    if len(text) > MAX_TITLE:
        text = text[: MAX_TITLE - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return text, _lang(title[1]) or _lang(root[0])


def _lang(attributes: bytes) -> str | None:
    from ._i18n import parse_locale  # noqa: PLC0415 - only for a picture with a title

    found = _LANG.search(attributes)
    if found is None:
        return None
    try:
        return parse_locale((found[1] or found[2]).decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None


def _looks_like(kind: str, data: bytes) -> bool:
    if kind == "image/png":  # the signature, then the header chunk (IHDR, 13 bytes), as the PNG standard says
        return data.startswith(_PNG_SIGNATURE) and data[8:16] == b"\x00\x00\x00\x0dIHDR" and len(data) >= 33
    return b"<svg" in data


def _refers_elsewhere(data: bytes) -> bool:
    """Whether an SVG file embeds or names anything outside itself, its characters' references read.

    A browser shows a picture inside a drawing (an ``<image>`` with a ``data:`` address, a CSS ``url()``), and
    that picture could hold billions of pixels; an entity declared in the file could write any of these. Only a
    reference to a part of the drawing itself (``href="#arrow"``) is allowed.
    """
    text = html.unescape(data.decode("utf-8", "replace")).lower()
    return bool(_ELSEWHERE.search(text))


#: What makes a drawing not self-contained: an element that shows other content, a reference that is not to a
#: part of the drawing (``#id``), a style sheet imported, an entity declared. (A script is left in: a browser never
#: runs one in a picture shown by an ``<img>``.)
_ELSEWHERE = re.compile(
    r"<\s*(?:[\w.-]+:)?(?:image|feimage|foreignobject|iframe|video|audio|object|embed)\b"
    r"|(?:href|src)\s*=\s*[\"']?\s*(?!#)[^\s\"'>]"
    r"|url\s*\(\s*[\"']?\s*(?!#)[^\s\"')]"
    r"|@import|<!entity|[\"'=(]\s*data\s*:"  # an address given otherwise: <set to="data:...">
)


def _png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG picture, from its header chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _pixels(data: bytes) -> int:
    width, height = _png_size(data)
    return width * height
