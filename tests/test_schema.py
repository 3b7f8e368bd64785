"""The published JSON Schema agrees with the loader."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext._cli import main
from strategies import packs


STRUCTURAL = {"wrong-type", "missing-field", "unknown-field", "invalid-choice", "not-finite"}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = backext.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_document(pack: backext.Pack) -> dict:
    return json.loads(backext.dump_pack(pack, "json"))


def test_the_shipped_file_is_the_generated_schema():
    shipped = resources.files("backext").joinpath("data", "pack.schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == backext.json_schema(), (
        "regenerate it: backext schema > src/backext/data/pack.schema.json"
    )


def test_json_schema_returns_a_fresh_copy():
    schema = backext.json_schema()
    schema["title"] = "changed"
    assert backext.json_schema()["title"] != "changed"


def test_every_property_is_described():
    schema = backext.json_schema()
    definitions = [schema, *schema["$defs"].values()]
    for definition in definitions:
        assert definition["description"]
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description"), name


def test_required_fields_are_those_without_defaults():
    schema = backext.json_schema()
    assert schema["required"] == ["id", "title", "version", "exercises"]
    assert schema["$defs"]["Hold"]["required"] == ["start_seconds", "target_seconds"]
    assert schema["$defs"]["Exercise"]["properties"]["level"]["enum"] == ["beginner", "intermediate", "advanced"]


def test_the_builtin_pack_follows_the_schema(validator):
    validator.validate(as_document(backext.builtin_pack()))


@given(pack=packs())
def test_generated_packs_follow_the_schema(validator, pack):
    validator.validate(as_document(pack))


def _locations(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _locations(value, (*path, index))


@st.composite
def mutated_documents(draw):
    document = as_document(draw(packs(max_exercises=2)))
    location = draw(st.sampled_from([p for p in _locations(document) if p]))
    *parents, last = location
    node = document
    for token in parents:
        node = node[token]
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        node[last] = draw(st.sampled_from([None, True, False, "5", 5.5, 7, -1, [], {}, [1], {"x": 1}]))
    elif action == "delete":
        if isinstance(node, list):
            node.pop(last)
        else:
            del node[last]
    elif isinstance(node, dict):
        node[draw(st.sampled_from(["extra", "holdd", "nme"]))] = 1
    else:
        node.append(draw(st.sampled_from([1, "x", None, {}])))
    return document


@given(document=mutated_documents())
def test_structural_rejections_agree(validator, document):
    try:
        backext.load_pack(document)
    except backext.PackError as error:
        codes = {p.code for p in error.problems}
        if codes & STRUCTURAL:
            assert not validator.is_valid(document), codes
    else:
        assert validator.is_valid(document), list(validator.iter_errors(document))[:3]


def test_the_schema_has_a_stable_id():
    assert backext.json_schema()["$id"] == "https://backext.readthedocs.io/en/stable/pack.schema.json"


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_pack_may_name_its_schema(validator, fmt):
    document = {"$schema": backext.json_schema()["$id"], **as_document(backext.builtin_pack())}
    validator.validate(document)
    text = json.dumps(document) if fmt == "json" else yaml.safe_dump(document, sort_keys=False)
    assert backext.load_pack(text, format=fmt) == backext.builtin_pack()
    assert backext.validate_pack(text, format=fmt) == []


@pytest.mark.parametrize("named", [5, None, ["x"]])
def test_a_schema_that_is_not_a_string_is_a_wrong_type(validator, named):
    document = {"$schema": named, **as_document(backext.builtin_pack())}
    assert not validator.is_valid(document)  # the validator agrees with the JSON Schema
    for source in (document, (json.dumps(document), "json"), (yaml.safe_dump(document), "yaml")):
        problems = (
            backext.validate_pack(source)
            if isinstance(source, dict)
            else backext.validate_pack(source[0], format=source[1])
        )
        assert [(p.path, p.code) for p in problems] == [("/$schema", "wrong-type")]


def test_schema_writes_a_file_with_o(tmp_path, capsys):
    path = tmp_path / "pack.schema.json"
    assert main(["schema", "-o", str(path)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(path.read_text(encoding="utf-8")) == backext.json_schema()
    assert main(["schema", "-o", str(tmp_path / "no" / "such" / "dir.json")]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("title",), ""),
        (("title",), "   "),
        (("title",), {"en": " \t"}),
        (("version",), " "),
        (("sources", 0, "citation"), "  "),
        (("exercises", 0, "hold", "start_seconds"), 90_000),
        (("exercises", 0, "hold", "target_seconds"), 1e9),
        (("exercises", 0, "repetitions", "maximum"), 200_000),
        (("exercises", 2, "modifications", 0, "repetitions_change"), -(10**10)),
    ],
)
def test_what_validate_refuses_on_its_own_the_schema_refuses_too(path, value):
    # An editor's language server checks a pack against the schema: it marks what backext would refuse.
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert [p for p in backext.validate_pack(document) if p.severity == "error"]
    validator = jsonschema.Draft202012Validator(backext.json_schema())
    assert list(validator.iter_errors(document))


def test_the_schema_bounds_a_locale_tag_as_validate_does():
    # Found by a black-box attack (round 22): a well-formed tag of 68 characters passed the schema, which validate
    # refuses (it reads tags of at most 64).
    long_tag = "en-" + "-".join(["a1b2c"] * 11)  # 68 characters, well formed
    assert len(long_tag) > 64
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    document["title"] = {"en": "Title", long_tag: "Title"}
    validator = jsonschema.Draft202012Validator(backext.json_schema())
    assert list(validator.iter_errors(document))
    assert "invalid-locale" in {p.code for p in backext.validate_pack(document)}
    document["default_locale"] = long_tag
    document["title"] = "Title"
    assert list(validator.iter_errors(document))
