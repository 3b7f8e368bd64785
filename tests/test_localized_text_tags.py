"""A LocalizedText built in Python holds well-formed tags, one of each, and finds them regardless of case."""

from __future__ import annotations

import json
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import LocalizedText, localize


LT = LocalizedText


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (
            {"en": "E", "x-foo": "X"},
            "'x-foo' is not a BCP 47 language tag with a primary language subtag",
        ),
        ({"en": "E", "": "X"}, "'' is not a BCP 47 language tag with a primary language subtag"),
        (
            {"de_DE": "X"},
            "'de_DE' is not a BCP 47 language tag with a primary language subtag; did you mean 'de-DE'?",
        ),
        (
            {"de-AT-AT": "X"},
            "'de-AT-AT' is not a BCP 47 language tag with a primary language subtag; a subtag comes twice",
        ),
        ({"de": "X", "DE": "Y"}, "'DE' is the language tag 'de' written another way: keep one translation"),
        ((("de", "a"), ("de", "b")), "the language tag 'de' is given twice: keep one translation"),
    ],
)
def test_a_malformed_or_repeated_tag_is_refused(keys, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        LT(keys)


def test_a_key_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="a language tag must be a string, not int"):
        LT({"en": "E", 1: "X"})  # type: ignore[dict-item]


@pytest.mark.parametrize("tag", ["x-foo", "", "de_DE", "DE", "de-AT-AT"])
def test_the_constructor_refuses_what_a_pack_file_reports(tag):
    """The constructor's message is the one the pack's problem has for the same key."""
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["title"] = {"en": "Back", "de": "Rücken", tag: "X"}
    with pytest.raises(backext.PackError) as caught:
        backext.load_pack(document)
    [problem] = caught.value.problems
    assert problem.code in {"invalid-locale", "duplicate-locale"}
    with pytest.raises(ValueError, match=re.escape(problem.message)) as refused:
        LT(document["title"])
    assert str(refused.value) == problem.message


def test_a_pack_file_keeps_its_problems_for_every_bad_key():
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["title"] = {"en": "T", "x-foo": "X", "de_DE": "Y", "": "W", "EN": "V"}
    document["exercises"][0]["name"] = {"en": "N", "DE": "A", "de": "B"}
    with pytest.raises(backext.PackError) as caught:
        backext.load_pack(document)
    found = [(p.path, p.code) for p in caught.value.problems]
    assert found == [
        ("/title/x-foo", "invalid-locale"),
        ("/title/de_DE", "invalid-locale"),
        ("/title/", "invalid-locale"),
        ("/title/EN", "duplicate-locale"),
        ("/exercises/0/name/de", "duplicate-locale"),
    ]


def test_a_tag_is_found_regardless_of_case_as_localize_finds_it():
    text = LT({"en": "E", "de-AT": "A", "zh-Hant-TW": "Z"})
    assert (text["EN"], text["de-at"], text["DE_AT"], text["ZH-HANT-tw"]) == ("E", "A", "A", "Z")
    assert "De-At" in text
    assert "de" not in text  # no fallback: a mapping has the tag or not
    assert text.get("fr") is None
    assert text.get("x-foo", "none") == "none"  # a malformed tag is no key: not an error
    assert 1 not in text
    with pytest.raises(KeyError):
        text["EN-GB"]
    for tag in ("EN", "de-at", "DE_AT", "zh-hant-tw"):
        assert text[tag] == localize(text, tag)
    assert list(text) == ["en", "de-AT", "zh-Hant-TW"]  # the tags as given
    assert dict(text) == {"en": "E", "de-AT": "A", "zh-Hant-TW": "Z"}


_TAGS = st.sampled_from(["en", "de", "de-AT", "fr-CA", "es-419", "zh-Hant-TW", "sr-Latn"])


def _spelled(tag: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in tag)).map("".join)


@given(st.dictionaries(_TAGS, st.text(min_size=1), min_size=1), st.data())
def test_every_translation_is_found_in_any_case_and_agrees_with_localize(translations, data):
    text = LT(translations)
    assert len(text) == len(dict(text)) == len(translations)
    for tag, wanted in translations.items():
        spelled = data.draw(_spelled(tag))
        assert spelled in text
        assert text[spelled] == wanted == localize(text, spelled)


@given(st.dictionaries(_TAGS, st.text(min_size=1), min_size=1))
def test_a_text_pickles_hashes_and_round_trips_the_converter(translations):
    text = LT(translations)
    assert pickle.loads(pickle.dumps(text)) == text
    assert hash(LT(dict(translations))) == hash(text)
    assert backext.converter.structure(backext.converter.unstructure(text), LocalizedText) == text
