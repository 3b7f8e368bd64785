"""Did you mean: the nearest known name, for long names and short ones."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext._suggest import _nearest, _one_edit, nearest, suggestion


def _restricted_distance(a: str, b: str) -> int:
    """The optimal string alignment distance: changes, insertions, deletions and swaps of neighbours."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@given(st.text("ab1-", max_size=6), st.text("ab1-", max_size=6))
def test_one_edit_is_a_distance_of_one(a, b):
    assert _one_edit(a, b) == (_restricted_distance(a, b) == 1)


def test_a_short_id_one_letter_off_is_suggested_when_it_is_the_only_one():
    # Found by a black-box attack: "s3" for a source "s1" got no suggestion (difflib finds them half alike).
    assert _nearest("s3", ["s1", "x9"]) == "s1"
    assert _nearest("S1", ["s1", "s2"]) == "s1"  # case alone
    assert _nearest("s3", ["s1", "s2"]) is None  # which one? no guess
    assert _nearest("x", ["y"]) is None  # one letter: anything is one edit away


def test_validate_suggests_a_short_source_id():
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["sources"] = [{**document["sources"][0], "id": "s1"}]
    for citing in document["exercises"] + document["avoid"]:
        citing["sources"] = ["s1"]
    document["exercises"][0]["sources"] = ["s2"]
    found = backext.validate_pack(json.dumps(document), format="json")
    assert [(p.code, p.message) for p in found] == [
        ("unknown-reference", "the pack lists no source with the id 's2'; did you mean 's1'?")
    ]


def test_a_field_written_in_another_case_is_suggested():
    # Found by a black-box attack: "ID", "URL" and "CUE" got no suggestion, though a reference in another case did.
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["ID"] = document.pop("id")
    found = [p.message for p in backext.validate_pack(json.dumps(document), format="json") if p.code == "unknown-field"]
    assert found == ["unknown field 'ID'; did you mean 'id'?"]


def test_a_link_is_never_told_to_point_at_its_own_exercise():
    # Found by a black-box attack: a typo in forearm-press-up's next_exercise got "did you mean 'forearm-press-up'?",
    # the exercise itself, which would be a self-reference.
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["exercises"][0]["progression"]["next_exercise"] = "forearm-press-upp"
    (found,) = [p for p in backext.validate_pack(json.dumps(document), format="json") if p.code == "unknown-reference"]
    assert "did you mean 'forearm-press-up'" not in found.message


@pytest.mark.parametrize(
    ("written", "meant", "known"),
    [
        ("variations", "modifications", {"repetitions", "modifications", "hold"}),
        ("Variations", "modifications", {"repetitions", "modifications"}),
        ("start", "start_seconds", {"start_seconds", "target_seconds", "increment_seconds"}),
        ("next", "next_exercise", {"next_exercise", "previous_exercise", "order"}),
        # Found by a black-box attack (round 12): these got no suggestion at all.
        ("picture", "media", {"text", "cue", "media"}),
        ("prev", "previous_exercise", {"next_exercise", "previous_exercise", "order"}),
        ("reps", "repetitions", {"hold", "repetitions", "modifications"}),
        ("references", "sources", {"exercises", "sources", "avoid"}),
    ],
)
def test_a_field_named_as_the_docs_speak_of_it_is_pointed_to_the_field_it_means(written, meant, known):
    # Found by a black-box attack (round 10): "variations" was pointed to "repetitions".
    assert nearest(written, known) == meant


def test_a_long_suggestion_is_shortened_as_every_quoted_value_is():
    # Found by a black-box attack: the id cut at 40 characters was followed by a suggestion of 100.
    long = "forearm-press-up-" + "x" * 83
    said = suggestion(long[:-1] + "y", [long]).render()
    assert said.startswith("; did you mean 'forearm-press-up-xxx")
    assert said.endswith("'…?")
    assert len(said) < 60
