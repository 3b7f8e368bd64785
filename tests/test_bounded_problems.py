"""A pack with very many problems is answered in bounded memory: problems past the most reported are only counted.

Every place that gathers problems (the JSON and YAML readers' duplicate and
wrong keys, the structuring, the detailed checks, the pictures' links)
makes no more of them than can be reported; past ten times that many more,
it stops looking, and the warning that sums up the rest says "at least".
Below the most reported, the problems are those they always were.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import Limits, PackError
from backext._cli import main
from backext._positions import _prefixes, index_json
from memory import peak as measured


def builtin_document() -> dict:
    return json.loads(backext.dump_pack(backext.builtin_pack(), "json"))


def written(document: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document)
    if fmt == "toml":
        import tomli_w  # noqa: PLC0415

        return tomli_w.dumps(document)
    import yaml  # noqa: PLC0415

    return yaml.safe_dump(document, sort_keys=False)


def peak(call: Callable[[], object]) -> int:
    """The most memory, in bytes, that Python allocated during *call*."""
    return measured(call)[1]


def left_out(problems: list[backext.Problem]) -> str:
    assert problems[-1].code == "too-many-problems"
    return problems[-1].message.split(" not reported")[0]


# --- keys written twice -------------------------------------------------------


def test_a_json_key_written_thousands_of_times_is_reported_as_often_as_the_limit_allows():
    text = "{" + ",".join(['"a":1'] * 20_000) + "}"
    found = backext.validate_pack(text, format="json", limits=Limits(max_problems=10))
    assert [(p.code, p.path, p.line, p.column, p.end_column) for p in found[:2]] == [
        ("duplicate-key", "/a", 1, 8, 11),
        ("duplicate-key", "/a", 1, 14, 17),
    ]
    assert len(found) == 11
    assert left_out(found) == "at least 100 more problems"


def test_json_keys_written_twice_are_counted_exactly_up_to_ten_times_the_limit():
    text = "{" + ", ".join(f'"k{index}": 1, "k{index}": 2' for index in range(50)) + "}"
    found = backext.validate_pack(text, format="json", limits=Limits(max_problems=10))
    assert [p.path for p in found[:-1]] == [f"/k{index}" for index in range(10)]
    assert left_out(found) == "40 more problems"


def test_json_keys_written_twice_take_memory_for_the_problems_reported_only():
    text = "{" + ",".join(['"a":1'] * 50_000) + "}"
    used = peak(lambda: backext.validate_pack(text, format="json", limits=Limits(max_problems=10)))
    assert used < 40 * len(text)  # a problem made for every key took more than 150 times the text


@pytest.mark.parametrize("loader", ["CStrictLoader", "StrictLoader"])
def test_yaml_keys_that_are_not_strings_are_counted_up_to_ten_times_the_limit(monkeypatch, loader):
    from backext import _yaml  # noqa: PLC0415

    if getattr(_yaml, loader) is None:
        pytest.skip("PyYAML without libyaml")
    monkeypatch.setattr(_yaml, "Loader", getattr(_yaml, loader))
    text = "".join(f"{index}: x\n" for index in range(3_000))
    found = backext.validate_pack(text, format="yaml", limits=Limits(max_problems=10))
    assert [(p.code, p.line) for p in found[:-1]] == [("wrong-type", line) for line in range(1, 11)]
    assert left_out(found) == "at least 100 more problems"


# --- the structuring and the checks -------------------------------------------


def test_empty_safety_notes_past_the_limit_are_counted_not_made():
    document = builtin_document()
    document["exercises"][0]["safety_notes"] = [""] * 5_000
    text = json.dumps(document)
    found = backext.validate_pack(text, format="json", limits=Limits(max_problems=10))
    assert [p.path for p in found[:-1]] == [f"/exercises/0/safety_notes/{index}" for index in range(10)]
    assert all(p.code == "empty-value" and p.line is not None for p in found[:-1])
    assert left_out(found) == "at least 100 more problems"
    with pytest.raises(PackError) as raised:
        backext.load_pack(document, limits=Limits(max_problems=10))
    assert left_out(raised.value.problems) == "at least 100 more problems"


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_unknown_sources_past_the_limit_are_counted_not_made(fmt):
    document = builtin_document()
    document["exercises"][1]["sources"] = ["nope-x"] * 5_000
    found = backext.validate_pack(written(document, fmt), format=fmt, limits=Limits(max_problems=10))
    assert [p.path for p in found[:-1]] == [f"/exercises/1/sources/{index}" for index in range(10)]
    assert all(p.code == "unknown-reference" and p.line is not None for p in found[:-1])
    assert left_out(found) == "at least 100 more problems"


def test_the_checks_take_memory_for_the_problems_reported_only():
    document = builtin_document()
    document["exercises"][0]["safety_notes"] = [""] * 20_000
    document["exercises"][1]["sources"] = ["nope-x"] * 20_000
    text = json.dumps(document)
    used = peak(lambda: backext.validate_pack(text, format="json", limits=Limits(max_problems=10)))
    assert used < 40 * len(text)  # a problem made for each took more than 120 times the text


def test_unknown_fields_past_the_limit_are_counted_the_first_in_the_file_reported():
    document = builtin_document()
    for index in range(3_000):
        document["exercises"][0][f"k{index}"] = 1
    found = backext.validate_pack(json.dumps(document), format="json", limits=Limits(max_problems=10))
    assert [p.path for p in found[:-1]] == [f"/exercises/0/k{index}" for index in range(10)]
    assert left_out(found) == "at least 100 more problems"


def test_an_error_after_more_warnings_than_are_counted_is_still_reported():
    document = builtin_document()
    document["title"] = {"en": "x", "de": "y"}  # a warning for every other text
    document["exercises"][0]["safety_notes"] = ["Stop if it hurts."] * 500
    document["exercises"][2]["hold"]["start_seconds"] = 0  # one error, after them all
    found = backext.validate_pack(json.dumps(document), format="json", limits=Limits(max_problems=3))
    assert "not-positive" in [p.code for p in found]
    assert not left_out(found).startswith("at least")  # no error past the limit: every warning is counted


def test_a_pack_that_does_not_load_counts_its_errors_only():
    document = builtin_document()
    document["title"] = {"en": "x", "de": "y"}  # a warning for every other text
    document["exercises"][0]["safety_notes"] = ["", "", ""]
    with pytest.raises(PackError) as raised:
        backext.load_pack(document, limits=Limits(max_problems=1))
    assert [p.code for p in raised.value.problems] == ["empty-value", "too-many-problems"]
    assert left_out(raised.value.problems) == "2 more problems"


# --- placing the problems reported --------------------------------------------

_json_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner, max_size=4),
    max_leaves=15,
)


def _pointers(value: object, at: str = "") -> list[str]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _pointers(item, f"{at}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _pointers(item, f"{at}/{index}")
    return found


@given(_json_documents, st.data())
def test_the_json_reader_asked_for_some_pointers_finds_them_where_the_whole_reading_does(document, data):
    text = json.dumps(document)
    everything = index_json(text).entries
    chosen = data.draw(st.lists(st.sampled_from(_pointers(document)), max_size=4))
    asked = index_json(text, _prefixes(chosen)).entries
    assert {pointer: asked[pointer] for pointer in chosen} == {pointer: everything[pointer] for pointer in chosen}
    assert set(asked) <= _prefixes(chosen), "nothing else is indexed"


# --- out of memory ------------------------------------------------------------


def test_running_out_of_memory_is_a_problem_not_a_traceback(monkeypatch, tmp_path):
    def exhausted(*_: object, **__: object) -> object:
        raise MemoryError

    monkeypatch.setattr(backext._load, "decode", exhausted)
    found = backext.validate_pack('{"id": "x"}', format="json")
    assert [p.code for p in found] == ["unreadable"]
    assert "memory" in found[0].message
    with pytest.raises(PackError, match="memory"):
        backext.load_pack('{"id": "x"}', format="json")
    path = tmp_path / "pack.json"
    path.write_text('{"id": "x"}', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        status = main(["validate", str(path)])
    finally:
        sys.stdout, sys.stderr = saved
    assert status == 2
    assert "memory" in out.getvalue() + err.getvalue()
    assert "Traceback" not in out.getvalue() + err.getvalue()
