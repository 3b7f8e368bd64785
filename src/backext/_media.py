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
import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import attrs

from ._addresses import inside_folder, is_url
from ._i18n import N_
from ._limits import shorten, surrogate
from ._messages import Message, Value
from ._svg import Refused, read_drawing


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


@attrs.frozen
class Picture:
    """A picture ready to embed.

    Attributes:
        reference: The ``media`` value that named it.
        uri: A ``data:`` URI holding the whole file.
        title: The picture's own text alternative: an SVG file's first
            ``<title>``, if it has one of plain text (entities decoded,
            spaces collapsed, at most 300 characters).
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
        title: tuple[str | None, str | None] = (None, None)
        if kind == "image/svg+xml":
            drawing = read_drawing(data)  # parsed: only a drawing that draws itself, cheaply, is embedded
            if isinstance(drawing, Refused):
                return omit(drawing.reason, drawing.template, dict(drawing.values))
            title = (drawing.title, drawing.title_lang)
        elif not _is_png(data):
            return omit("not-a-picture", N_("its content is not a PNG image"))
        elif _animated(data):
            return omit("not-a-picture", N_("it is an animated PNG: a handout shows still pictures"))
        elif _pixels(data) > MAX_PICTURE_PIXELS:
            return omit(
                "too-large",
                N_("it is {width} by {height} pixels, more than {limit} million in all"),
                {"width": _png_size(data)[0], "height": _png_size(data)[1], "limit": MAX_PICTURE_PIXELS // 1_000_000},
            )
        self._sizes[reference] = len(data)
        if kind == "image/png":
            self._pixels[reference] = _pixels(data)
        uri = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
        return Picture(reference, uri, *title)


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


def _is_png(data: bytes) -> bool:
    """Whether *data* starts as a PNG file does: the signature, then the header chunk (IHDR, 13 bytes)."""
    return data.startswith(_PNG_SIGNATURE) and data[8:16] == b"\x00\x00\x00\x0dIHDR" and len(data) >= 33


def _animated(data: bytes) -> bool:
    """Whether a PNG file is animated (APNG): its animation chunk comes before its first image data.

    Each frame may be as large as the picture, and a browser unpacks them all: the pixels of the header are not
    all it holds.
    """
    at = 8
    while at + 8 <= len(data):
        length, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        if kind == b"acTL":
            return True
        if kind == b"IDAT":
            return False
        at += 12 + length
    return False


def _png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG picture, from its header chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _pixels(data: bytes) -> int:
    width, height = _png_size(data)
    return width * height
