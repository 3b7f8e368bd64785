"""``backext convert`` writes only what the limits let it read, and says so when it cannot write a document.

A few YAML aliases of a long string stand for gigabytes of text: the
characters a document stands for, its aliases expanded, are bounded by
``max_bytes`` wherever YAML is read. A document nested deeper than a
writer can go (with ``max_depth`` raised) is an error naming the file.
"""

from __future__ import annotations

import json

import pytest

import backext
from backext import Limits, PackError
from backext._authoring import ConversionError, convert_document
from backext._cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def aliases(count: int, length: int = 1_000) -> str:
    """A string of *length* characters anchored, and a list of *count* aliases of it."""
    return f"s: &s {'x' * length}\nl: [{', '.join(['*s'] * count)}]\n"


# --- aliases of long strings --------------------------------------------------


def test_aliases_that_stand_for_more_characters_than_the_most_bytes_read_are_refused_at_the_alias():
    text = aliases(19)  # 1 + 1,000 + 1 + 19 x 1,000 characters: more than 20,000
    found = backext.validate_pack(text, format="yaml", limits=Limits(max_bytes=20_000))
    # A problem of the aliases, at the one that crosses the limit (found by a black-box attack: it was said as the
    # pack's size, with the exit status of a file that cannot be read).
    assert [(p.code, p.line, p.column) for p in found] == [("too-many-aliases", 2, 5 + 4 * 18)]
    assert (
        found[0].message
        == "invalid YAML: the aliases stand for more than 20000 characters once expanded, the most a pack may hold"
    )
    with pytest.raises(PackError, match="too-many-aliases"):
        backext.load_pack(text, format="yaml", limits=Limits(max_bytes=20_000))


def test_aliases_that_stand_for_as_many_characters_as_the_most_bytes_read_are_read():
    text = aliases(18)  # 19,002 characters
    found = backext.validate_pack(text, format="yaml", limits=Limits(max_bytes=20_000))
    assert "too-many-aliases" not in [p.code for p in found]


def test_an_alias_bomb_of_long_strings_is_not_converted(capsys, tmp_path):
    source = tmp_path / "bomb.yaml"
    source.write_text(aliases(30), encoding="utf-8")
    target = tmp_path / "bomb.json"
    status, out, err = run(capsys, "convert", "--limit", "max_bytes=20000", str(source), str(target))
    assert status == 1
    assert "bomb.yaml:2:" in out + err
    assert "too-many-aliases" in out + err
    assert not target.exists()


def test_the_other_limits_on_aliases_are_said_first():
    laughs = ["a: &a [" + ", ".join(['"lol"'] * 10) + "]"]
    laughs += [f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 10) + "]" for n in range(8)]
    found = backext.validate_pack("\n".join(laughs), format="yaml")
    assert [p.code for p in found] == ["too-many-values"]


# --- documents nested deeper than a writer goes -------------------------------


def _deep_list(depth: int) -> str:
    return json.dumps({"id": "x"})[:-1] + ', "title": ' + "[" * depth + "]" * depth + "}"


def _deep_mapping(depth: int) -> str:
    return "id: x\ntitle: " + "{a: " * depth + "1" + "}" * depth + "\n"


@pytest.mark.parametrize(
    ("source", "text", "suffix"),
    [
        ("deep.json", _deep_list(500), ".toml"),
        ("deep.json", _deep_list(500), ".yaml"),
        ("deep.yaml", _deep_mapping(980), ".json"),
    ],
)
def test_a_document_too_deep_to_write_is_a_problem_in_the_file(capsys, tmp_path, source, text, suffix):
    read = tmp_path / source
    read.write_text(text, encoding="utf-8")
    target = tmp_path / f"deep{suffix}"
    status, out, err = run(capsys, "convert", "--limit", "max_depth=100000", str(read), str(target))
    assert "Traceback" not in out + err
    assert status == 1
    said = [line for line in (out + err).splitlines() if "too-deep" in line]
    assert len(said) == 1
    assert said[0].strip().startswith(f"{read}:")  # the YAML reader of positions does not go that deep
    # Too deep to write, or (an older PyYAML, a smaller stack) already too deep to read: a problem either way.
    assert "objects and lists nest more than" in said[0] or "nested too deeply to read" in said[0]
    assert not target.exists()


def test_a_document_deep_but_within_the_writer_is_converted(capsys, tmp_path):
    read = tmp_path / "deep.json"
    read.write_text(_deep_list(100), encoding="utf-8")
    for suffix in (".toml", ".yaml", ".json"):
        status, _, _ = run(capsys, "convert", "--limit", "max_depth=200", str(read), str(tmp_path / f"out{suffix}"))
        assert status == 0


@pytest.mark.parametrize("target", ["toml", "yaml", "json"])
def test_a_writer_that_runs_out_of_stack_is_a_conversion_error(target):
    document: dict[str, object] = {"id": "x"}
    node = document["title"] = []
    for _ in range(1_500):
        node.append([])
        node = node[0]
    try:
        written = convert_document(document, target)
    except ConversionError as error:  # never a RecursionError: a problem that says what is wrong
        assert f"cannot write it as {target.upper()}: objects and lists nest more than" in str(error)  # noqa: PT017
    else:  # a writer that goes this deep on this Python (3.13's JSON encoder does) writes it whole
        assert written.count("[") >= 1_500
