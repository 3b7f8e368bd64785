"""Finds of the third break-it round on the library's languages: each a test."""

from __future__ import annotations

import json

import attrs
import pytest

import backext


def _half_second_pack(start: float) -> backext.Pack:
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    exercise = document["exercises"][0]
    exercise["hold"] = {"start_seconds": start, "target_seconds": start + 2, "increment_seconds": 0.5}
    return backext.load_pack(document)


@pytest.mark.parametrize(("start", "word"), [(0.5, "seconde"), (1.5, "seconde"), (2.5, "secondes")])
def test_a_fraction_of_a_second_takes_the_form_of_its_whole_part_in_french_cues(start, word):
    pack = _half_second_pack(start)
    state = backext.start(pack, pack.exercises[0].id)
    cues = backext.timeline(pack, state, rest_seconds=start, locale="fr")
    said = [pack.localize(cue.text, "fr") for cue in cues if cue.kind.value in {"hold", "rest"}]
    assert said
    for text in said:
        assert text.endswith(f" {word}"), text


def test_a_range_of_seconds_takes_the_form_of_its_upper_end_in_french():
    from backext._render import describe_hold  # noqa: PLC0415

    hold = attrs.evolve(_half_second_pack(0.5).exercises[0].hold, target_seconds=1.5, increment_seconds=None)
    text = describe_hold(hold, "fr")
    assert "1,5 seconde" in text
    assert "1,5 secondes" not in text


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANGUAGE": "C", "LANG": "de_DE.UTF-8"}, []),
        ({"LANGUAGE": "POSIX", "LANG": "fr_FR"}, []),
        ({"LANGUAGE": "C.UTF-8", "LANG": "es_ES"}, []),
        ({"LANGUAGE": "de:C:fr"}, ["de"]),
        ({"LANGUAGE": "i-klingon", "LANG": "de_DE"}, ["de-DE"]),
        ({"LC_ALL": "x-klingon", "LANG": "de_DE"}, ["de-DE"]),
        ({"LC_MESSAGES": "??", "LANG": "de_DE"}, ["de-DE"]),
        ({"LC_ALL": "C", "LANG": "de_DE"}, []),
    ],
)
def test_c_means_no_language_everywhere_and_malformed_values_are_passed_over(environment, expected):
    from backext._locales import environment_locales  # noqa: PLC0415

    assert environment_locales(environment) == expected
