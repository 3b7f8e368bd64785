"""Round 10: placing problems in TOML costs no memory per line; TOML duplicate keys are quoted short; too-deep
is placed where the nesting crosses the limit, with its pointer, however deep the document goes."""

from __future__ import annotations

import bisect
import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext._formats import parse
from backext._positions import _Lines, locate
from backext._problems import problem
from memory import peak


def _peak(function, *args):
    """The result of *function*, and the most memory (bytes) it held at once while it ran."""
    return peak(lambda: function(*args))


# --- F6: the positions of a TOML file of many lines ------------------------------------------------------------------


@pytest.mark.parametrize("line", ["#", "# a comment", "", "   ", "#\r"])
def test_placing_a_problem_after_many_toml_lines_keeps_no_memory_per_line(line):
    # Before: ~300 bytes a line (PyYAML-like backtracking state of the regular expression, a list of line
    # starts): 2.5 GB for 16 MB of comment lines. Now the peak is a small fraction of the text's own size.
    lines = 300_000
    text = f"{line}\n" * lines + "id = 5\n"
    wrong = problem("/id", "wrong-type", "expected a string")
    [placed], peak = _peak(locate, text, "toml", [wrong])
    assert (placed.line, placed.column, placed.end_line, placed.end_column) == (lines + 1, 6, lines + 1, 7)
    # Before Python 3.11 (no possessive repetition), runs of at most 4,096 lines at a time: bounded, not per line.
    assert peak < (200_000 if sys.version_info >= (3, 11) else 2_000_000), peak


def test_reading_a_toml_file_of_many_comment_lines_makes_no_object_per_line():
    # The check for keys of too many dotted parts split the text into lines: one string per line.
    text = "# ab\n" * 100_000 + 'id = "x"\n'
    document, peak = _peak(parse, text, "toml")
    assert document == {"id": "x"}
    assert peak < 1_000_000, peak


def _old_position(text: str, offset: int) -> tuple[int, int]:
    """How lines were counted before round 10 (a list of every line's start): the reference."""
    starts = [0] + [found.end() for found in re.finditer(r"\r\n|\r|\n", text[: offset + 1])]
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


@given(st.text(alphabet="\r\na", max_size=40), st.lists(st.integers(0, 40), max_size=6))
def test_lines_and_columns_are_counted_as_before(text, offsets):
    offsets = [offset for offset in offsets if offset <= len(text)]
    lines = _Lines(text)
    lines.place(offsets)
    for offset in [*offsets, len(text)]:
        assert lines.position(offset) == _old_position(text, offset), (text, offset)


# --- F4: TOML duplicate keys, quoted short ---------------------------------------------------------------------------

_KEY = "k" * 5_000


@pytest.mark.parametrize(
    ("text", "path", "line"),
    [
        (f"id = 'a'\n{_KEY} = 1\n{_KEY} = 2\n", f"/{_KEY}", 3),
        (f"id = 'a'\n[{_KEY}]\n[{_KEY}]\n", f"/{_KEY}", 3),
        (f'id = \'a\'\n"{_KEY}" = 1\n"{_KEY}" = 2\n', f"/{_KEY}", 3),
        (f"id = 'a'\nt = {{ {_KEY} = 1, {_KEY} = 2 }}\n", "/t", 2),  # the reader's own words name the key
    ],
)
def test_a_toml_duplicate_key_is_quoted_at_most_about_40_characters(text, path, line):
    [found] = backext.validate_pack(text, format="toml")
    assert (found.code, found.path, found.line) == ("duplicate-key", path, line)
    assert "…" in found.message
    assert len(found.message) < 120, found.message


# --- F1: too deep, at any depth --------------------------------------------------------------------------------------


def _deep(fmt: str, depth: int) -> str:
    if fmt == "json":
        return '{"id":' + "[" * depth + "]" * depth + "}"
    if fmt == "toml":
        return "id = " + "[" * depth + "]" * depth + "\n"
    return "id: " + "[" * depth + "]" * depth + "\n"


_COLUMN = {"json": 38, "toml": 37, "yaml": 36}  # the 32nd bracket: the value 33 levels deep


@pytest.mark.parametrize("fmt", ["json", "toml", "yaml"])
@pytest.mark.parametrize("depth", [100, 500, 1_000, 1_001, 20_000])
def test_too_deep_has_the_same_pointer_and_place_however_deep_the_document_goes(fmt, depth):
    [found] = backext.validate_pack(_deep(fmt, depth), format=fmt)
    assert found.code == "too-deep"
    assert found.message == "objects and lists nest more than 32 levels deep here"
    assert (found.path, found.line, found.column) == ("/id" + "/0" * 31, 1, _COLUMN[fmt])
    if fmt != "yaml" or depth < 1_000:  # past libyaml's own bound, PyYAML reads only so far: no end
        assert (found.end_line, found.end_column) == (1, _COLUMN[fmt] + 2 * (depth - 31))


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_too_deep_inside_tables_and_strings_is_placed_as_a_shallower_document_is(fmt):
    def text(depth: int) -> str:
        if fmt == "json":
            return '{"a": {"b]": "[[\\"", "c": ' + "[" * depth + "]" * depth + "}}"
        return 'x = "[[" # [[\n[a]\n"b]" = """\n[[\n"""\nc = ' + "[" * depth + "]" * depth + "\n"

    [shallow] = backext.validate_pack(text(60), format=fmt)
    [deep] = backext.validate_pack(text(5_000), format=fmt)
    assert shallow.code == deep.code == "too-deep"
    assert (deep.path, deep.line, deep.column) == (shallow.path, shallow.line, shallow.column)
    assert deep.path == "/a/c" + "/0" * 30


def test_too_deep_in_block_yaml_past_libyaml_bound_is_placed_as_a_shallower_document_is():
    def text(depth: int) -> str:
        return "".join("  " * level + "a:\n" for level in range(depth)) + "  " * depth + "x\n"

    [shallow] = backext.validate_pack(text(60), format="yaml")
    [deep] = backext.validate_pack(text(1_200), format="yaml")
    assert shallow.code == deep.code == "too-deep"
    assert (deep.path, deep.line, deep.column) == (shallow.path, shallow.line, shallow.column)
    assert deep.path == "/a" * 32
