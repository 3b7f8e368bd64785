"""Text for a terminal is measured in columns: wide characters take two, marks and zero-width ones none."""

from __future__ import annotations

import doctest
import itertools
import json
import pathlib
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import _cli, _width
from backext._cli import main
from backext._width import display_width, pad


def reference_width(text: str) -> int:
    """Columns counted one character at a time, straight from the Unicode database."""
    total = 0
    for char in text:
        zero = unicodedata.combining(char) or unicodedata.category(char) in {"Mn", "Me", "Cf", "Cc"}
        if zero or 0x1160 <= ord(char) <= 0x11FF:
            continue
        total += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return total


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("Rest", 4),
        ("前腕", 4),
        ("骨粗鬆症のための背中伸展運動", 28),
        ("한국어", 6),
        ("\uff21\uff22", 4),  # fullwidth Latin A and B
        ("ｱｲ", 2),  # halfwidth katakana
        ("e\u0301", 1),  # a combining acute accent
        ("a\u200bb\u200d", 2),  # zero-width space and joiner
        ("\u1100\u1161\u11a8", 2),  # one Hangul syllable in conjoining jamo
        ("ü · é", 5),
    ],
)
def test_known_widths(text, width):
    assert display_width(text) == width


@given(st.text())
def test_the_width_is_counted_character_by_character(text):
    assert display_width(text) == reference_width(text)


@given(st.text(), st.text())
def test_the_width_of_two_texts_is_their_sum(first, second):
    assert display_width(first + second) == display_width(first) + display_width(second)


@given(st.text(), st.integers(0, 60))
def test_pad_fills_to_the_width_in_columns(text, width):
    padded = pad(text, width)
    assert padded.startswith(text)
    assert padded[len(text) :].strip(" ") == ""
    assert display_width(padded) == max(width, display_width(text))


def test_the_examples_in_the_module_hold():
    assert doctest.testmod(_width).failed == 0


# --- the command line, on a pack whose texts are Japanese -------------------------------------------------------

_CJK = {
    "title": {"en": "Back extension exercises", "ja": "骨粗鬆症のための背中伸展運動"},
    "forearm-press-up": {"en": "Forearm press-up", "ja": "前腕"},
    "hand-press-up": {"en": "Press-up on the hands", "ja": "手での腕立て"},
    "prone-chest-lift": {"en": "Prone chest lift", "ja": "うつ伏せ胸上げ"},
}


_JAPANESE_PURPOSE = (
    "膝を曲げずに、背中をゆっくりと反らせます。肘は肩の真下に置き、前腕で体重を支えてください。"
    "腰と脚は床につけたままにします。痛みが出たらすぐにやめて、医師に相談してください。"
)


@pytest.fixture
def cjk_pack(tmp_path) -> pathlib.Path:
    """The built-in pack with its title and exercise names in Japanese too."""
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["title"] = _CJK["title"]
    for exercise in document["exercises"]:
        exercise["name"] = _CJK[exercise["id"]]
    document["exercises"][0]["purpose"]["ja"] = _JAPANESE_PURPOSE
    path = tmp_path / "cjk.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def run(capsys, *argv: str) -> str:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return out


#: A cell of a table: words one space apart (columns are two or more spaces apart).
_CELL = re.compile(r"\S+(?: \S+)*")


def column_starts(line: str) -> list[int]:
    """The terminal column each cell of *line* starts at."""
    return [reference_width(line[: cell.start()]) for cell in _CELL.finditer(line)]


def test_the_plan_columns_line_up_after_wide_names(capsys, cjk_pack):
    out = run(capsys, "plan", "--pack", str(cjk_pack), "--locale", "ja", "--start-date", "2026-01-05", "--weeks", "20")
    table = out.split("\n\n")[0].splitlines()
    assert {cell.group() for line in table for cell in _CELL.finditer(line)} >= {"前腕", "手での腕立て"}
    starts = {tuple(column_starts(line)) for line in table}
    assert len(starts) == 1, starts
    assert len(next(iter(starts))) == 7


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_show_underlines_each_heading_as_wide_as_it_shows(capsys, cjk_pack, locale):
    lines = run(capsys, "show", "--pack", str(cjk_pack), "--locale", locale).splitlines()
    underlined = [
        (heading, rule) for heading, rule in itertools.pairwise(lines) if rule and set(rule) in ({"="}, {"-"})
    ]
    assert len(underlined) == 5  # the title, the three exercises and what to avoid
    for heading, rule in underlined:
        assert len(rule) == reference_width(heading), heading
    if locale == "ja":
        assert underlined[0] == (_CJK["title"]["ja"], "=" * 28)


def test_show_wraps_wide_text_at_the_terminal_width(capsys, cjk_pack):
    out = run(capsys, "show", "--pack", str(cjk_pack), "--locale", "ja")
    lines = out.splitlines()
    assert max(reference_width(line) for line in lines) <= 79
    assert _JAPANESE_PURPOSE in "".join(lines)  # cut between characters, nothing lost
    wrapped = [line for line in lines if line and set(line) <= set(_JAPANESE_PURPOSE)]
    assert "".join(wrapped) == _JAPANESE_PURPOSE
    assert [len(line) for line in wrapped[:-1]] == [39] * (len(_JAPANESE_PURPOSE) // 39)  # 78 columns of 79


#: Texts of mostly wide characters (and a few narrow, zero-width and space ones), or any text at all.
_MOSTLY_WIDE = st.sampled_from("前腕한背中ｱab \u0301\u200b\u3000\n")
_WRAPPED = st.text(_MOSTLY_WIDE, min_size=100, max_size=400) | st.text(max_size=200)


@given(_WRAPPED, st.sampled_from([("", ""), ("  ", "  "), ("     ", "  1. "), ("    ", "  - ")]))
def test_wrapped_lines_fit_the_terminal_and_keep_every_word(text, indents):
    from backext._render import _wrap  # noqa: PLC0415

    indent, first = indents
    wrapped = _wrap(text, indent, first)
    assert all(reference_width(line) <= 79 for line in wrapped.splitlines())
    assert "".join(wrapped.split()).removeprefix(first.strip()) == "".join(text.split())  # only cut, never lost


def test_the_session_kind_column_lines_up_with_wide_words(capsys, monkeypatch):
    # No catalog of ours is in a language of wide characters: words the catalogs do not hold are shown as they are.
    monkeypatch.setitem(_cli._KIND_WORDS, "hold", "保持")
    monkeypatch.setitem(_cli._KIND_WORDS, "rest", "休憩する時間です")
    out = run(capsys, "session", "--exercise", "forearm-press-up", "--locale", "en")
    lines = out.splitlines()
    assert any("保持" in line for line in lines)
    assert any("休憩する時間です" in line for line in lines)
    assert {column_starts(line)[2] for line in lines} == {25}


def test_the_usage_lines_stay_under_a_wide_usage_word(monkeypatch):
    from backext import _i18n  # noqa: PLC0415

    words = {"usage: ": "使い方: "}
    real = _i18n.gettext
    monkeypatch.setattr(_i18n, "gettext", lambda message, *tags: words.get(message) or real(message, *tags))
    usage = "usage: backext session [-h]\n                       [--pack FILE]\n"
    first, second, _ = _cli._localized_usage(usage, "ja").split("\n")
    assert first == "使い方: backext session [-h]"
    assert column_starts(second) == [reference_width("使い方: backext session ")]
