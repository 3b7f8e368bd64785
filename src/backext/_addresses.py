"""What a pack's addresses may be: a source's link, and a picture's reference.

One place for the rule, read by the validator's warnings
(:mod:`backext._constraints`), the handout's links (:mod:`backext._handout`)
and its pictures (:mod:`backext._media`). Only the text of an address is
looked at here, but for :func:`looked_up` (and :func:`linked_out`), which
validation asks of a pack read from a file (with :mod:`os.path`, which costs
no import), in :func:`check_media_files`: whether each picture it names is a
file there, and not a link out of it. The table of rules is read only when
that finds a picture to report.
"""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._constraints import Finding
    from ._limits import Gathered
    from ._model import Pack
    from ._problems import Problem


__all__ = [
    "MAX_PATH_LOOKED_UP",
    "check_media_files",
    "inside_folder",
    "is_url",
    "linked_out",
    "looked_up",
    "safe_media",
    "web_address",
]

#: The longest media path that validation looks up in the file system, in characters: Linux's PATH_MAX, the longest
#: any system opens (a longer one is missing: a handout cannot open it either).
MAX_PATH_LOOKED_UP = 4096

#: The schemes a link may have: anything else from a pack (``javascript:``, ``data:``, ``file:``) is never a link.
WEB_SCHEMES = ("https://", "http://")

#: A URL or another scheme (``https:``, ``data:``, ``file:``), but not a Windows drive letter.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_DRIVE = re.compile(r"^[A-Za-z]:")


#: The longest web address (our choice): Chromium fails to print a page with a link tens of thousands of characters
#: long, and no real source's address comes near this.
MAX_WEB_ADDRESS = 2000


def web_address(url: str) -> bool:
    """Whether *url* is an ``http`` or ``https`` address with a host, no white space and no control character.

    An address the standard library cannot take apart (an unclosed ``[`` of an IPv6 host, a port beyond 65535)
    is none: a browser would not open it either. Nor is one with a user name (``https://a.org@b.org`` opens
    ``b.org``). Nor is one longer than :data:`MAX_WEB_ADDRESS`, or with a
    backslash (a browser reads it as a slash, and would open another host than the one checked here).

    Example:
        >>> web_address("https://doi.org/10.1016/s8756-3282(02)00739-1"), web_address("javascript:alert(1)")
        (True, False)
        >>> web_address("https://"), web_address("http://[::1"), web_address("https://example.org:99999/")
        (False, False, False)
    """
    if len(url) > MAX_WEB_ADDRESS or "\\" in url or not url.lower().startswith(WEB_SCHEMES):
        return False
    if any(c.isspace() or not c.isprintable() for c in url):
        return False
    from urllib.parse import urlsplit  # noqa: PLC0415 - only for a pack that gives an address

    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number from 0 to 65535 raises
    except ValueError:
        return False
    if "@" in parts.netloc:  # https://www.nhs.uk@evil.example/ opens evil.example
        return False
    host = parts.netloc
    if port is not None:
        host = host.rpartition(":")[0]
    return port != 0 and _host(host)


def _host(host: str) -> bool:
    """Whether *host* (as written in an address, without its port) is a name, an IPv4 or a bracketed IPv6 address.

    A name is dot-separated labels of 1 to 63 letters, digits, hyphens or underscores, none beginning or ending
    with a hyphen (letters of any script, one to a label and in the form a browser keeps: an international name
    before its IDNA encoding). A host whose last label
    is a number is an IPv4 address to a browser: it must be one, in four parts of 0 to 255. An IPv6 address has no
    zone (``%eth0``), which browsers refuse.
    """
    import ipaddress  # noqa: PLC0415 - only for an address that gives one

    if host.startswith("[") and host.endswith("]"):
        try:
            return "%" not in host and bool(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            return False
    labels = host.removesuffix(".").split(".")
    last = labels[-1].lower()
    if last.isascii() and (last.isdigit() or last.startswith("0x")):  # read as a number: the host is an IPv4 address
        try:
            return bool(ipaddress.IPv4Address(host.removesuffix(".")))
        except ValueError:
            return False
    return 0 < len(host) <= 253 and all(
        0 < len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(c.isalnum() or c in "-_" for c in label)
        and _as_written(label)
        for label in labels
    )


def _as_written(label: str) -> bool:
    """Whether a browser opens the *label* of a host as it reads, and it reads as what it is.

    A browser rewrites a full-width letter to its plain form (a full-width e in "example" opens the plain name);
    a label that mixes the Latin, Greek and Cyrillic alphabets, whose letters look alike (a Cyrillic a in
    "example"), or Latin letters with digits of another script (an Arabic-Indic one for a 1), looks like another
    host. Other scripts mix by right (Japanese kana and kanji, Latin letters in a Japanese name). A label in its
    ASCII form (``xn--``) is judged as a browser shows it.
    """
    if label[:4].lower() == "xn--":
        try:
            label = label.encode("ascii").decode("idna")
        except (UnicodeError, ValueError):
            return False  # no label punycode decodes: a browser refuses it
    if label.isascii():
        return True
    import unicodedata  # noqa: PLC0415 - only for an international name

    if unicodedata.normalize("NFKC", label).lower() != label.lower():
        return False
    alphabets = {unicodedata.name(c, "?").split(" ", 1)[0] for c in label if c.isalpha()} & _LOOK_ALIKE
    other_digits = any(c.isdigit() and not c.isascii() for c in label)
    return len(alphabets) <= 1 and not (other_digits and "LATIN" in alphabets)


#: The alphabets whose letters pass for one another's (a, e, o, p, c, x in Latin, Cyrillic and Greek).
_LOOK_ALIKE = frozenset({"LATIN", "CYRILLIC", "GREEK"})


def is_url(reference: str) -> bool:
    """Whether *reference* starts with a scheme (``https:``, ``data:``), and not a Windows drive (``C:``)."""
    return bool(_SCHEME.match(reference)) and not _DRIVE.match(reference)


def inside_folder(reference: str) -> bool:
    """Whether *reference* is a relative path that stays inside its folder, by its text alone.

    Not a URL, not absolute, no ``..``, no backslash, no drive letter, no
    NUL, not empty, no empty or ``.`` part (a doubled or a trailing slash,
    ``./``: a file's name is one path, written one way). (A symbolic link
    can still lead out: only the file system can tell.)

    Example:
        >>> inside_folder("media/start.svg"), inside_folder("../x.svg"), inside_folder("/etc/x.svg")
        (True, False, False)
        >>> inside_folder("media//start.svg"), inside_folder("media/start.svg/"), inside_folder("./media/start.svg")
        (False, False, False)
    """
    return (
        bool(reference.strip())
        and not is_url(reference)
        and "\\" not in reference
        and "\x00" not in reference
        and not reference.startswith("/")
        and not _DRIVE.match(reference)
        and not {"..", ".", ""} & set(reference.split("/"))
    )


def file_like(reference: str) -> bool:
    """Whether *reference* names a file by its text: it has a folder or a suffix; else it may be an app's asset name.

    Example:
        >>> file_like("media/start"), file_like("start.svg"), file_like("forearm-start")
        (True, True, False)
    """
    return "/" in reference or bool(_SUFFIX.search(reference))


_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}\Z")


def safe_media(reference: str) -> bool:
    """Whether a ``media`` reference is a path inside the pack's folder, or an ``http`` or ``https`` address.

    Example:
        >>> safe_media("media/start.svg"), safe_media("https://example.org/a.png"), safe_media("javascript:x")
        (True, True, False)
    """
    return web_address(reference) if is_url(reference) else inside_folder(reference)


def linked_out(folder: str, reference: str) -> str | None:
    """How the file *reference* names in *folder* links elsewhere: ``symbolic``, ``hard`` or ``None``.

    ``symbolic``: the path resolves to a file outside the folder (a handout
    refuses it); ``hard``: the file has more than one name, one of which may
    be outside the folder (a handout embeds it). A reference that is not a
    path inside the folder by its text, or a file that is not there, is
    ``None``: other rules speak of those, and so is a path longer than
    :data:`MAX_PATH_LOOKED_UP` characters, which is not looked up.
    """
    found = looked_up(folder, reference)
    return None if found == "missing" else found


def looked_up(folder: str, reference: str, root: str | None = None) -> str | None:
    """What the file system says of the file *reference* names in *folder*: ``missing``, ``symbolic``, ``hard``.

    ``missing``: no regular file is there (nothing, a folder, a symbolic
    link that leads nowhere, even one that would lead out of the folder, or
    a name no file system holds): a handout leaves the picture out.
    ``symbolic`` and ``hard``: as :func:`linked_out` says. ``None``: a file
    inside the folder with one name, or a reference that is not looked up:
    a URL or another path that is not inside the folder by its text (other
    rules speak of those), or any in a folder that is not there itself. One
    longer than :data:`MAX_PATH_LOOKED_UP` characters is missing. *root*, if
    given, is the folder's real path (``os.path.realpath``), for a caller
    that looks up many.
    """
    if not inside_folder(reference):
        return None
    if len(reference) > MAX_PATH_LOOKED_UP:
        return "missing"
    try:
        root = os.path.realpath(folder, strict=True) if root is None else root
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a loop of symbolic links, on some Pythons
        return None
    try:
        real = os.path.realpath(os.path.join(root, reference), strict=True)  # noqa: PTH118 - pathlib is slow to import
        if os.path.commonpath([root, real]) != root:
            return "symbolic"
        status = os.stat(real)  # noqa: PTH116
    except (OSError, ValueError, RuntimeError):  # ValueError: a lone surrogate, which no file's name holds
        return "missing"
    if not stat.S_ISREG(status.st_mode):
        return "missing"  # a folder, a device, a pipe: no picture
    return "hard" if status.st_nlink > 1 else None


def check_media_files(pack: Pack, folder: os.PathLike[str] | str, gathered: Gathered | None = None) -> list[Problem]:
    """The problems of the pictures a pack read from a file names in *folder*: missing, or links out of it.

    Only paths inside the folder by their text are looked up (file system
    only), each once: a URL is never checked.

    With *gathered*, they are gathered there, in bounded memory, and those it keeps are returned.
    """
    findings = _media_findings(pack, os.fspath(folder))
    if gathered is None:
        return [finding.problem() for finding in findings]
    gathered.gather(findings)
    return gathered.kept


#: The rule each finding of :func:`looked_up` breaks.
_RULES = {"missing": "media-missing", "symbolic": "media-symbolic-link-out", "hard": "media-hard-link"}


def _media_findings(pack: Pack, folder: str) -> Iterator[Finding]:
    named: list[tuple[str, str]] = []
    for index, exercise in enumerate(pack.exercises):
        at = f"/exercises/{index}"
        named += [(f"{at}/steps/{n}/media", step.media) for n, step in enumerate(exercise.steps) if step.media]
        for m, modification in enumerate(exercise.modifications):
            named += [(f"{at}/modifications/{m}/media/{n}", media) for n, media in enumerate(modification.media)]
    if not named:
        return
    try:
        root = os.path.realpath(folder, strict=True)
    except (OSError, ValueError, RuntimeError):  # the folder is gone: nothing in it to speak of
        return
    found: dict[str, str | None] = {}
    for pointer, reference in named:
        if reference not in found:  # each path is looked up once, however often the pack names it
            found[reference] = looked_up(folder, reference, root)
        what = found[reference]
        if what == "missing" and not file_like(reference) and not os.path.lexists(os.path.join(root, reference)):  # noqa: PTH118
            continue  # a bare name with no folder, no suffix and nothing there: an app's asset name
        if what is not None:
            from ._constraints import rule  # noqa: PLC0415 - the table of rules: only for a problem to report
            from ._limits import shorten  # noqa: PLC0415

            yield rule(_RULES[what]).at(pointer, value=shorten(reference))
