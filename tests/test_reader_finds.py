"""What the readers found wrong: NaN's pointer, YAML keys that cannot be built, merge keys, every bad key at once."""

from __future__ import annotations

import pytest

import backext
from backext import Limits


def problems(text: str, fmt: str = "yaml") -> list[tuple[str, str, int | None, int | None]]:
    return [
        (p.path, p.code, p.line, p.column)
        for p in backext.validate_pack(text, format=fmt)
        if p.code in {"syntax-error", "duplicate-key", "wrong-type", "not-finite"}
    ]


# --- A YAML key that cannot be built: at its own pointer ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pointer", "line", "column"),
    [
        ("title:\n  2024-13-45: x\n", "/title/2024-13-45", 2, 3),
        ("exercises:\n  - {id: a, 2024-02-30: x}\n", "/exercises/0/2024-02-30", 2, 13),
    ],
)
def test_a_yaml_key_that_cannot_be_built_has_the_pointer_of_the_key(text, pointer, line, column):
    [found] = problems(text)
    assert found == (pointer, "syntax-error", line, column)
    assert "cannot be read as !!timestamp" in backext.validate_pack(text, format="yaml")[0].message


# --- Merge keys ------------------------------------------------------------------------------------------------------


def test_a_second_merge_key_in_a_mapping_is_a_duplicate_key_at_the_key():
    text = "base: &b {en: x}\ntitle:\n  <<: *b\n  de: y\n  <<: {fr: z}\n"
    assert problems(text) == [("/title/<<", "duplicate-key", 5, 3)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A value that cannot be built, in a mapping merged by alias: where it is written, not "/title/<</1/y".
        ("b: &b {y: 2024-13-45}\ntitle:\n  <<: [{a: x}, *b]\n", [("/b/y", "syntax-error", 1, 11)]),
        ("title:\n  <<: [{a: x}, {y: 2024-13-45}]\n", [("/title/y", "syntax-error", 2, 20)]),
        # A key twice in a merged mapping: at the key, with the pointer of the mapping that merges it.
        ("title:\n  <<: [{a: x}, {y: x, y: z}]\n", [("/title/y", "duplicate-key", 2, 23)]),
        ("title:\n  <<: {en: x, 3: z}\n", [("/title/3", "wrong-type", 2, 15)]),
    ],
)
def test_problems_inside_merged_values_have_the_pointer_of_their_place_in_the_document(text, expected):
    found = problems(text)
    assert found == expected
    assert not any("<<" in path for path, *_ in found)


def test_merged_keys_may_still_be_overridden():
    text = "b: &b {en: x, de: y}\ntitle:\n  <<: *b\n  en: z\n"
    assert problems(text) == []


# --- Every bad key, not only the first -------------------------------------------------------------------------------


def test_every_non_string_and_duplicate_yaml_key_is_reported():
    text = "id: x\n1: a\ntitle:\n  en: x\n  en: y\n  false: z\nexercises: []\nid: y\n"
    assert problems(text) == [
        ("/1", "wrong-type", 2, 1),
        ("/title/en", "duplicate-key", 5, 3),
        ("/title/false", "wrong-type", 6, 3),
        ("/id", "duplicate-key", 8, 1),
    ]


def test_every_duplicate_json_key_is_reported():
    text = '{"id": "x", "id": "y",\n "title": {"en": "a", "en": "b", "en": "c"}}'
    assert problems(text, "json") == [
        ("/id", "duplicate-key", 1, 13),
        ("/title/en", "duplicate-key", 2, 23),
        ("/title/en", "duplicate-key", 2, 34),
    ]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_the_keys_reported_are_bounded_by_the_most_problems(fmt):
    pairs = [f'"k{index}": 1, "k{index}": 2' for index in range(50)]
    text = "{" + ", ".join(pairs) + "}"
    found = backext.validate_pack(text, format=fmt, limits=Limits(max_problems=10))
    duplicates = [p.path for p in found if p.code == "duplicate-key"]
    assert duplicates == [f"/k{index}" for index in range(10)]  # each once, in the order of the text
    assert found[-1].code == "too-many-problems"


def test_a_bad_value_after_bad_keys_is_reported_with_them():
    text = "id: x\nid: y\ntitle: {en: 2024-13-45}\n"
    assert problems(text) == [("/id", "duplicate-key", 2, 1), ("/title/en", "syntax-error", 3, 13)]


# --- A second YAML document ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column"), [("id: x\n---\nid: y\n", 2, 1), ("--- {id: x}\n\n--- {id: y}\n", 3, 1)]
)
def test_a_second_yaml_document_is_said_in_a_whole_sentence_with_its_place(text, line, column):
    [found] = backext.validate_pack(text, format="yaml")
    assert (found.code, found.path, found.line, found.column) == ("syntax-error", "", line, column)
    assert found.message == (
        f"invalid YAML: a pack is a single document, but a second document starts at line {line}, column {column}"
    )


def test_wording_of_a_few_reader_problems():
    # Found by a black-box attack: JSON's own words ended with a dangling "at" ("Invalid control character at"),
    # !!binary was "a bytes", and a lone surrogate read from a file was said to keep the pack from being written.
    (control,) = backext.validate_pack('{"id": "a\x01b"}', format="json")
    assert control.message.endswith("invalid JSON: Invalid control character")
    (unterminated,) = backext.validate_pack('{"id": "ab', format="json")
    assert unterminated.message.endswith("Unterminated string")
    binary = [p for p in backext.validate_pack("id: !!binary aGVsbG8=\n", format="yaml") if p.path == "/id"]
    assert [p.message for p in binary] == ["expected a string, found binary data"]
    (surrogate,) = backext.validate_pack('{"id": "\\ud800"}', format="json")
    assert surrogate.message == "the text holds a lone surrogate (U+D800), which UTF-8 cannot hold"
