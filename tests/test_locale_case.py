"""Language tags in a pack are compared regardless of case, as BCP 47 asks; two spellings of one tag are refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext


BUILTIN = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))


def _retagged(node: object, spell: dict[str, str]) -> object:
    """*node* with each translated text's tags written as *spell* says."""
    if isinstance(node, dict) and "en" in node and all(isinstance(v, str) for v in node.values()):
        return {spell.get(tag, tag): text for tag, text in node.items()}
    if isinstance(node, dict):
        return {key: _retagged(value, spell) for key, value in node.items()}
    if isinstance(node, list):
        return [_retagged(item, spell) for item in node]
    return node


def _spelling(tag: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in tag)).map("".join)


@given(
    st.fixed_dictionaries({tag: _spelling(tag) for tag in ("en", "de", "fr", "es")}),
    _spelling("en"),
)
def test_the_case_of_the_tags_changes_nothing(spell, default):
    document = _retagged(BUILTIN, spell)
    document["default_locale"] = default
    assert backext.validate_pack(document) == []
    pack = backext.load_pack(document)
    assert pack.localize(pack.exercises[0].name, "de-AT") == "Aufrichten auf die Unterarme"


@pytest.mark.parametrize("twice", ["DE", "De", "dE"])
def test_two_spellings_of_one_tag_in_a_text_are_an_error(twice):
    document = json.loads(json.dumps(BUILTIN))
    document["exercises"][0]["name"][twice] = "Stütz"
    problems = backext.validate_pack(json.dumps(document), format="json")
    assert [(p.code, p.path, p.severity) for p in problems] == [
        ("duplicate-locale", f"/exercises/0/name/{twice}", "error")
    ]
    assert problems[0].line is not None
    with pytest.raises(backext.PackError):
        backext.load_pack(document)


def test_a_regional_default_locale_is_served_by_its_language():
    document = json.loads(json.dumps(BUILTIN))
    document["default_locale"] = "de-AT"
    assert backext.validate_pack(document) == []
    pack = backext.load_pack(document)
    assert pack.localize(pack.exercises[0].name) == "Aufrichten auf die Unterarme"
