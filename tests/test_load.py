"""Loading and dumping packs: round trips, strictness, and errors with paths."""

from __future__ import annotations

import copy
import json
import pathlib

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import PackError
from backext._text import blank
from strategies import packs


def builtin_document() -> dict:
    return json.loads(backext.dump_pack(backext.builtin_pack(), "json"))


def problems_of(document, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(PackError) as caught:
        backext.load_pack(document, **kwargs)
    return [(p.path, p.code) for p in caught.value.problems]


@given(pack=packs())
def test_dump_then_load_gives_an_equal_pack(pack):
    for fmt in backext.FORMATS:
        text = backext.dump_pack(pack, fmt)
        assert backext.load_pack(text, format=fmt) == pack, fmt
        assert backext.load_pack(text.encode(), format=fmt) == pack, fmt


@pytest.mark.parametrize("fmt", backext.FORMATS)
def test_builtin_pack_round_trips_through_files(tmp_path, fmt):
    pack = backext.builtin_pack()
    path = tmp_path / f"pack.{'yml' if fmt == 'yaml' else fmt}"
    path.write_text(backext.dump_pack(pack, fmt), encoding="utf-8")
    assert backext.load_pack(path) == pack
    assert backext.load_pack(str(path)) == pack


def test_dump_always_writes_the_schema_version_first():
    assert next(iter(json.loads(backext.dump_pack(backext.builtin_pack(), "json")))) == "schema_version"
    for fmt in ("toml", "yaml"):
        assert backext.dump_pack(backext.builtin_pack(), fmt).startswith("schema_version")


def test_load_from_an_already_parsed_mapping():
    assert backext.load_pack(builtin_document()) == backext.builtin_pack()


@pytest.mark.parametrize(
    ("pointer", "value", "code"),
    [
        ("/exercises/0/hold/start_seconds", "5", "wrong-type"),
        ("/exercises/0/hold/start_seconds", True, "wrong-type"),
        ("/exercises/0/hold/start_seconds", None, "wrong-type"),
        ("/exercises/0/hold/start_seconds", float("nan"), "not-finite"),
        ("/exercises/0/hold/start_seconds", float("inf"), "not-finite"),
        ("/exercises/0/repetitions/minimum", 5.5, "wrong-type"),
        ("/exercises/0/repetitions/minimum", 5.0, "wrong-type"),
        ("/exercises/0/repetitions/minimum", True, "wrong-type"),
        ("/exercises/0/repetitions/minimum", "10", "wrong-type"),
        ("/exercises/0/level", "expert", "invalid-choice"),
        ("/exercises/0/level", 1, "wrong-type"),
        ("/exercises/0/steps", "lie down", "wrong-type"),
        ("/exercises/0/steps", {"text": "x"}, "wrong-type"),
        ("/exercises/0/name", ["Press-up"], "wrong-type"),
        ("/exercises/0/name", {"en": 5}, "wrong-type"),
        ("/exercises/0/hold", [5, 30], "wrong-type"),
        ("/exercises/2/modifications/0/requires_clearance", "yes", "wrong-type"),
        ("/exercises/2/modifications/0/requires_clearance", 1, "wrong-type"),
        ("/version", 1, "wrong-type"),
        ("/exercises", {}, "wrong-type"),
    ],
)
def test_the_converter_never_coerces(pointer, value, code):
    document = builtin_document()
    *parents, last = pointer.split("/")[1:]
    node = document
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    node[last] = value
    problems = problems_of(document)
    expected = pointer + ("/en" if value == {"en": 5} else "")
    assert (expected, code) in problems


def test_unknown_fields_are_errors_with_a_suggestion():
    document = builtin_document()
    document["exercises"][1]["hold"]["target_secs"] = 2
    document["titel"] = "x"
    with pytest.raises(PackError) as caught:
        backext.load_pack(document)
    by_path = {p.path: p for p in caught.value.problems}
    assert by_path["/exercises/1/hold/target_secs"].code == "unknown-field"
    assert "did you mean 'target_seconds'" in by_path["/exercises/1/hold/target_secs"].message
    assert by_path["/titel"].code == "unknown-field"


def test_every_problem_is_reported_at_once_in_document_order():
    document = builtin_document()
    document["exercises"][2]["hold"]["start_seconds"] = "5"
    document["exercises"][0]["repetitions"]["sets"] = True
    del document["exercises"][1]["steps"]
    document["id"] = 7
    problems = problems_of(document)
    assert problems == [
        ("/id", "wrong-type"),
        ("/exercises/0/repetitions/sets", "wrong-type"),
        ("/exercises/1", "missing-field"),
        ("/exercises/2/hold/start_seconds", "wrong-type"),
    ]
    with pytest.raises(PackError, match=r"4 problems") as caught:
        backext.load_pack(document)
    message = str(caught.value)
    for path, code in problems:
        assert f"<mapping>: error {code}" in message
        assert f'(at "{path}")' in message


def test_missing_field_points_at_the_object_and_names_the_field():
    document = builtin_document()
    del document["exercises"][0]["hold"]["target_seconds"]
    with pytest.raises(PackError) as caught:
        backext.load_pack(document)
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("/exercises/0/hold", "missing-field")
    assert "'target_seconds'" in problem.message


def mutated(change) -> dict:
    document = builtin_document()
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["exercises"][0]["hold"].update(start_seconds=40),
            ("/exercises/0/hold/target_seconds", "hold-start-above-target"),
        ),
        (
            lambda d: d["exercises"][0]["hold"].update(start_seconds=0),
            ("/exercises/0/hold/start_seconds", "not-positive"),
        ),
        (
            lambda d: d["exercises"][0]["hold"].update(increment_seconds=-1),
            ("/exercises/0/hold/increment_seconds", "not-positive"),
        ),
        (
            lambda d: d["exercises"][0]["hold"].update(increment_seconds=60),
            ("/exercises/0/hold/increment_seconds", "increment-too-large"),
        ),
        (
            lambda d: d["exercises"][2]["repetitions"].update(maximum=4),
            ("/exercises/2/repetitions/maximum", "repetitions-min-above-max"),
        ),
        (lambda d: d["exercises"][2]["repetitions"].update(sets=0), ("/exercises/2/repetitions/sets", "not-positive")),
        (lambda d: d["exercises"][1].update(id="hand press-up"), ("/exercises/1/id", "invalid-id")),
        (lambda d: d["exercises"][1].update(id="forearm-press-up"), ("/exercises/1", "duplicate-id")),
        (
            lambda d: d["exercises"][0]["progression"].update(next_exercise="hand-pressup"),
            ("/exercises/0/progression/next_exercise", "unknown-reference"),
        ),
        (
            lambda d: d["exercises"][0]["progression"].update(next_exercise="forearm-press-up"),
            ("/exercises/0/progression/next_exercise", "self-reference"),
        ),
        (lambda d: d["exercises"][0]["sources"].append("nobody-2020"), ("/exercises/0/sources/2", "unknown-reference")),
        (lambda d: d["exercises"][0].update(steps=[]), ("/exercises/0/steps", "empty-value")),
        (lambda d: d["exercises"][0].update(name="  "), ("/exercises/0/name", "empty-value")),
        (lambda d: d.update(exercises=[]), ("/exercises", "empty-value")),
        (lambda d: d.update(default_locale="english!"), ("/default_locale", "invalid-locale")),
        (lambda d: d.update(title={"de": "Rückenübungen"}), ("/title", "missing-default-locale")),
        (lambda d: d.update(title={"en": "x", "not a tag": "y"}), ("/title/not a tag", "invalid-locale")),
    ],
)
def test_value_checks_point_at_the_field(change, expected):
    assert expected in problems_of(mutated(change))


@pytest.mark.parametrize("version", [2, 99])
def test_a_pack_newer_than_the_library_is_refused_clearly(version):
    document = builtin_document()
    document["schema_version"] = version
    with pytest.raises(PackError, match="upgrade backext") as caught:
        backext.load_pack(document)
    assert caught.value.problems[0].code == "unsupported-schema-version"
    document["schema_version"] = 0
    assert problems_of(document) == [("/schema_version", "unsupported-schema-version")]


def test_the_schema_version_may_be_left_out():
    document = builtin_document()
    del document["schema_version"]
    assert backext.load_pack(document).schema_version == backext.SCHEMA_VERSION


@pytest.mark.parametrize(
    ("text", "fmt", "code", "line"),
    [
        ('{"id": "a",\n  "id": "b"}', "json", "duplicate-key", 2),
        ('{"id": "a",\n  "title": }', "json", "syntax-error", 2),
        ('{"x": NaN}', "json", "not-finite", 1),
        ('{"x": -Infinity}', "json", "not-finite", 1),
        ("[" * 100_000, "json", "too-deep", 1),
        ("id = 'a'\nid = 'b'\n", "toml", "duplicate-key", 2),
        ("id = \n", "toml", "syntax-error", 1),
        ("id: a\ntitle: x\nid: b\n", "yaml", "duplicate-key", 3),
        ("id: [a\n", "yaml", "syntax-error", 2),
        ("!!python/object/apply:os.system ['echo hi']\n", "yaml", "syntax-error", 1),
        ("[]", "json", "wrong-type", None),
        ("- a\n", "yaml", "wrong-type", None),
    ],
)
def test_syntax_errors_are_problems_with_positions(text, fmt, code, line):
    with pytest.raises(PackError) as caught:
        backext.load_pack(text, format=fmt)
    (problem,) = caught.value.problems
    assert problem.code == code
    # A duplicate key is named: in JSON by the position-keeping reader, in TOML and YAML where the reader stopped.
    # A NaN is at its value.
    assert problem.path == {"duplicate-key": "/id", "not-finite": "/x"}.get(code, "")
    if line is not None:
        assert problem.line == line


def test_yaml_alias_bombs_are_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x, x, x]"]
    lines.extend(f"a{index}: &a{index} [{', '.join([f'*a{index - 1}'] * 12)}]" for index in range(1, 12))
    with pytest.raises(PackError) as caught:
        backext.load_pack("\n".join(lines), format="yaml")
    assert caught.value.problems[0].code == "too-many-aliases"


def test_bytes_that_are_not_utf8_name_the_offset(tmp_path):
    path = tmp_path / "pack.json"
    path.write_bytes(b'{"id":\n "caf\xe9"}')
    with pytest.raises(PackError) as caught:
        backext.load_pack(path)
    (problem,) = caught.value.problems
    assert problem.code == "not-utf8"
    assert "byte 12" in problem.message
    assert (problem.line, problem.column) == (2, 6)
    assert str(path) in str(caught.value)


def test_a_byte_order_mark_is_allowed():
    text = backext.dump_pack(backext.builtin_pack(), "json")
    assert backext.load_pack(b"\xef\xbb\xbf" + text.encode(), format="json") == backext.builtin_pack()


def test_files_over_the_limit_are_refused_before_parsing(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(" " * 2000)
    with pytest.raises(PackError) as caught:
        backext.load_pack(path, max_bytes=1000)
    assert caught.value.problems[0].code == "too-large"
    with pytest.raises(PackError):
        backext.load_pack(b" " * 2000, format="json", max_bytes=1000)


def test_unreadable_files_are_pack_errors_naming_the_file(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(PackError, match=r"missing\.toml") as caught:
        backext.load_pack(missing)
    assert caught.value.problems[0].code == "unreadable"
    with pytest.raises(PackError):
        backext.load_pack(tmp_path.joinpath("dir.json").mkdir() or tmp_path / "dir.json")


def test_format_must_be_known(tmp_path):
    (tmp_path / "pack.txt").write_text("{}")
    with pytest.raises(ValueError, match="cannot tell the format"):
        backext.load_pack(tmp_path / "pack.txt")
    with pytest.raises(ValueError, match="unknown format"):
        backext.load_pack("{}", format="xml")
    with pytest.raises(ValueError, match="unknown format"):
        backext.dump_pack(backext.builtin_pack(), "xml")
    with pytest.raises(ValueError, match="pass format="):
        backext.load_pack(b"{}")
    with pytest.raises(TypeError):
        backext.load_pack(42)  # type: ignore[arg-type]


def test_explicit_format_overrides_the_suffix(tmp_path):
    path = tmp_path / "pack.txt"
    path.write_text(backext.dump_pack(backext.builtin_pack(), "toml"))
    assert backext.load_pack(path, format="toml") == backext.builtin_pack()
    assert backext.load_pack(pathlib.Path(path), format="toml") == backext.builtin_pack()


def test_loading_does_not_change_the_callers_mapping():
    document = builtin_document()
    before = copy.deepcopy(document)
    backext.load_pack(document)
    assert document == before


def test_toml_cannot_hold_null_so_defaults_are_left_out():
    pack = attrs.evolve(backext.builtin_pack(), disclaimer=None)
    text = backext.dump_pack(pack, "toml")
    assert "disclaimer" not in text
    assert backext.load_pack(text, format="toml") == pack


@pytest.mark.parametrize("fmt", backext.FORMATS)
def test_a_lower_max_depth_is_applied_to_a_clean_pack_too(fmt):
    # The built-in pack nests six deep: the fast path's proof of cleanliness must not pass over a lower limit.
    text = backext.dump_pack(backext.builtin_pack(), fmt)
    assert backext.validate_pack(text, format=fmt, limits=backext.Limits(max_depth=6)) == []
    [found] = backext.validate_pack(text, format=fmt, limits=backext.Limits(max_depth=5))
    assert found.code == "too-deep"
    assert found.line is not None


_ANY_CHARACTER = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from("\x85\u2028\u2029\r\n\t\ufeff"))


@given(text=st.text(_ANY_CHARACTER, min_size=1).filter(lambda s: not blank(s)))  # a blank text is refused
@pytest.mark.parametrize("fmt", ["json", "toml", "yaml"])
def test_dump_then_load_keeps_every_text_exactly(fmt, text):
    pack = attrs.evolve(backext.builtin_pack(), title=text, disclaimer=f"Stop{text}now")
    again = backext.load_pack(backext.dump_pack(pack, fmt), format=fmt)
    assert (again.title, again.disclaimer) == (pack.title, pack.disclaimer)
    assert again == pack


@pytest.mark.parametrize("text", ["Stop\x85now", "a\u2028b", "c\u2029d", "x\x85", " \x85 \n x\x85"])
def test_yaml_keeps_the_line_breaks_it_would_fold(text):
    pack = attrs.evolve(backext.builtin_pack(), title=text)
    dumped = backext.dump_pack(pack, "yaml")
    assert backext.load_pack(dumped, format="yaml") == pack
    assert "\x85" not in dumped


def test_a_mapping_of_ordered_dicts_and_string_subclasses_reads_as_the_json_it_stands_for():
    # Found by a black-box attack: json.loads(..., object_pairs_hook=OrderedDict) gave "expected an object, found
    # an object"; a str subclass "expected a string, found a string".
    import collections  # noqa: PLC0415
    import enum  # noqa: PLC0415

    class Name(str):
        __slots__ = ()

    class Level(str, enum.Enum):
        BEGINNER = "beginner"

    text = backext.dump_pack(backext.builtin_pack(), "json")
    ordered = json.loads(text, object_pairs_hook=collections.OrderedDict)
    assert backext.validate_pack(ordered) == []
    assert backext.load_pack(ordered) == backext.builtin_pack()
    document = json.loads(text)
    document["exercises"][0]["level"] = Level.BEGINNER
    document["exercises"][0]["id"] = Name(document["exercises"][0]["id"])
    assert backext.load_pack(document) == backext.builtin_pack()
    assert type(document["exercises"][0]["id"]) is Name  # the caller's data is left as it was

    class Seconds(enum.IntEnum):
        FIVE = 5

    document["exercises"][0]["hold"]["start_seconds"] = Seconds.FIVE
    assert backext.load_pack(document) == backext.builtin_pack()
    document["exercises"][1]["level"] = "expert"
    assert [p.code for p in backext.validate_pack(document)] == ["invalid-choice"]
