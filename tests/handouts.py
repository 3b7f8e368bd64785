"""Handouts to test: the built-in ones, and a hostile pack with pictures of its own (shared by the browser tests)."""

from __future__ import annotations

import datetime
import json
import pathlib
import struct
import zlib
from html.parser import HTMLParser

import attrs

import backext


#: Marks that a script from the pack ran: no test page may ever set it.
PWNED = "__backext_pwned"

HOSTILE_NAME = f'<script>window.{PWNED} = "name"</script><img src=x onerror="window.{PWNED} = 1">'
HOSTILE_PURPOSE = f'</style></title><script>window.{PWNED} = "purpose"</script>{{{{ 7 * 7 }}}}'
LONG_WORD = "Rückenstreckerübung" * 20
RIGHT_TO_LEFT = "הרימו את החזה לאט \u200fمرحبا بكم في التمرين\u200f then continue"  # noqa: RUF001 - Arabic on purpose
EVIL_SVG = (
    f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="window.parent.{PWNED} = 1">'
    f'<script>window.parent.{PWNED} = "svg"; top.{PWNED} = "svg"</script>'
    # A link is let in (a picture never follows one): the browser test proves that nothing is fetched for it.
    '<a href="https://example.invalid/tracker"><rect width="10" height="10"/></a></svg>'
)


def png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def hostile_pack(folder: pathlib.Path) -> pathlib.Path:
    """Write a hostile pack and its pictures into *folder*; return the pack file's path."""
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    exercise = document["exercises"][0]
    exercise["name"] = HOSTILE_NAME
    exercise["purpose"] = HOSTILE_PURPOSE
    exercise["steps"][0]["text"] = f"{LONG_WORD} {RIGHT_TO_LEFT}"
    exercise["steps"][0]["media"] = "pictures/evil.svg"
    exercise["steps"][1]["media"] = "pictures/grey.png"
    exercise["steps"][2]["media"] = "../outside.svg"
    exercise["steps"][3]["media"] = "link.svg"  # a symbolic link out of the pack's folder
    exercise["safety_notes"][0] = LONG_WORD
    document["sources"][0]["url"] = f"javascript:window.{PWNED}='link'"
    document["sources"][1]["url"] = "https://doi.org/10.1016/s8756-3282(02)00739-1"
    document["title"] = RIGHT_TO_LEFT
    pictures = folder / "pack" / "pictures"
    pictures.mkdir(parents=True)
    (pictures / "evil.svg").write_text(EVIL_SVG, encoding="utf-8")
    (pictures / "grey.png").write_bytes(png())
    (folder / "outside.svg").write_text(EVIL_SVG, encoding="utf-8")
    (folder / "pack" / "link.svg").symlink_to(folder / "outside.svg")
    path = folder / "pack" / "hostile.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def arabic_pack(pack: backext.Pack) -> backext.Pack:
    """The built-in pack with an Arabic title, and the forearm press-up's name and steps in Arabic."""

    def arabic(text: backext.LocalizedText, words: str) -> backext.LocalizedText:
        return backext.LocalizedText({**dict(text.translations), "ar": words})

    exercise = pack.exercise("forearm-press-up")
    steps = tuple(attrs.evolve(step, text=arabic(step.text, f"الخطوة {n}")) for n, step in enumerate(exercise.steps, 1))
    exercise = attrs.evolve(exercise, name=arabic(exercise.name, "تمرين الساعدين"), steps=steps)
    return attrs.evolve(pack, title=arabic(pack.title, "تمارين الظهر"), exercises=(exercise, *pack.exercises[1:]))


def prone_log(
    day: datetime.date, pain: int, red_flags: tuple[str, ...] = (), *, done: bool = True
) -> backext.SessionLog:
    """A session of the prone chest lift on *day* (all of it done, or none), with *pain* and *red_flags*."""
    return backext.SessionLog(
        date=day,
        exercise_id="prone-chest-lift",
        repetitions_completed=8 if done else 0,
        hold_seconds=5 if done else 0,
        pain=pain,
        red_flags=frozenset(red_flags),
    )


def severe_pain_stop(pack: backext.Pack, day: datetime.date, pain: int = 9) -> backext.State:
    """A person on the prone chest lift stopped by severe pain on *day*."""
    return backext.step(pack, backext.start(pack, "prone-chest-lift"), prone_log(day, pain)).state


def after_one_session(pack: backext.Pack, exercise_id: str, day: datetime.date) -> backext.State:
    """A person on *exercise_id* who did one session as prescribed on *day*."""
    state = backext.start(pack, exercise_id)
    return backext.step(pack, state, backext.SessionLog.as_prescribed(state.prescription, day)).state


def stopped_state() -> backext.State:
    """A person on the prone chest lift whose last session reported numbness and severe pain."""
    pack = backext.builtin_pack()
    log = prone_log(datetime.date(2026, 1, 5), 8, ("numbness-or-tingling",))
    return backext.step(pack, backext.start(pack, "prone-chest-lift"), log).state


class Page(HTMLParser):
    """A parsed page: its elements in document order as ``(tag, attributes, text inside)``, and its text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._open: list[list[str]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        inside: list[str] = []
        self.elements.append((tag, dict(attrs), inside))
        if tag not in {"img", "meta", "br", "hr", "link", "input"}:
            self._open.append(inside)

    def handle_endtag(self, tag: str) -> None:  # the page is well formed: tags close in order
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for inside in self._open:
            inside.append(data)

    @property
    def plain(self) -> str:
        """The page's text as one line, its runs of white space made one space."""
        return " ".join("".join(self.text).split())

    def all(self, tag: str) -> list[tuple[dict[str, str | None], str]]:
        return [(attributes, " ".join("".join(inside).split())) for t, attributes, inside in self.elements if t == tag]

    def texts(self, tag: str) -> list[str]:
        return [text for _, text in self.all(tag)]
