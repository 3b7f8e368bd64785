"""Pack authoring, round 4 of breaking it: what was found, each kept as a test."""

from __future__ import annotations

import io
import json

import pytest

import backext
from backext import _yaml
from backext._cli import main
from backext._formats import parse, serialize


LOADERS = {"libyaml": _yaml.CStrictLoader or _yaml.StrictLoader, "pure Python": _yaml.StrictLoader}

PACK_HEAD = 'schema_version: 1\nid: x\ntitle: Dr. Smith\u2019s {char} routine\nversion: "1"\n'


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def problems_of(text: str, format: str = "yaml") -> list[backext.Problem]:  # noqa: A002
    return backext.validate_pack(text.encode("utf-8"), format=format)


# F5: a control character in YAML: the place, and one line naming the character.
@pytest.mark.parametrize("loader", LOADERS.values(), ids=LOADERS.keys())
@pytest.mark.parametrize("char", ["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x84", "\x9d", "\ufffe", "\uffff"])
def test_a_control_character_in_yaml_is_placed_and_named(monkeypatch, loader, char):
    monkeypatch.setattr(_yaml, "Loader", loader)
    text = "\U0001f600: 1\n" + PACK_HEAD.replace("{char}", char)
    found = problems_of(text)
    assert [(p.code, p.line, p.column) for p in found] == [("syntax-error", 4, 20)]
    message = found[0].render()
    assert "\n" not in message
    assert f"U+{ord(char):04X}" in message
    assert "position" not in message


# F10: YAML 1.2's core schema for numbers and booleans, as yaml-language-server reads them.
@pytest.mark.parametrize("loader", LOADERS.values(), ids=LOADERS.keys())
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("010", 10),
        ("08", 8),
        ("0o17", 15),
        ("0x1F", 31),
        ("-5", -5),
        ("+3", 3),
        ("1e-1", 0.1),
        ("1E3", 1000.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("-.inf", float("-inf")),
        ("1:00", "1:00"),
        ("0b101", "0b101"),
        ("1_0", "1_0"),
        ("yes", "yes"),
        ("no", "no"),
        ("On", "On"),
        ("True", True),
        ("FALSE", False),
        ("!!int 010", 10),
        ("!!float 1", 1.0),
    ],
)
def test_yaml_numbers_and_booleans_are_yaml_1_2(monkeypatch, loader, written, read):
    monkeypatch.setattr(_yaml, "Loader", loader)
    assert parse(f"x: {written}\n", "yaml") == {"x": read}


@pytest.mark.parametrize("written", ["!!int 1_0", "!!int 0b101", "!!float 1_0", "!!bool yes"])
def test_yaml_1_1_forms_under_an_explicit_tag_are_refused(written):
    (found,) = problems_of(f"x: {written}\n")
    assert (found.code, found.line, found.column) == ("syntax-error", 1, 4)


def test_a_yaml_1_1_number_in_a_dose_is_wrong_type_at_its_place():
    text = "exercises:\n- hold: {start_seconds: 010, target_seconds: 1:00, increment_seconds: 0b101}\n"
    found = {p.path: (p.line, p.column) for p in problems_of(text) if p.code == "wrong-type"}
    assert found == {"/exercises/0/hold/target_seconds": (2, 46), "/exercises/0/hold/increment_seconds": (2, 71)}


def test_norwegian_is_a_locale_key_in_yaml():
    assert not [p for p in problems_of("title:\n  en: Soft start\n  no: Myk start\n") if p.path.startswith("/title")]


@pytest.mark.parametrize("text", ["1e-1", "0o17", "0x1F", "010", "yes", "1:00", ".5", "1.", "+3", "True", "1_0"])
def test_yaml_written_keeps_strings_that_yaml_1_2_or_1_1_would_read_otherwise(text):
    dumped = _yaml.dump({"x": text, text: 1})
    assert parse(dumped, "yaml") == {"x": text, text: 1}
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(dumped) == {"x": text, text: 1}  # a YAML 1.1 reader too


@pytest.mark.parametrize("text", ["y", "Y", "n", "N"])
def test_yaml_written_quotes_the_yaml_1_1_specifications_short_booleans(text):
    # Found by a black-box attack: "y" and "n" were written plain; YAML 1.1 readers other than PyYAML (the spec's
    # boolean type lists them) read them as true and false.
    dumped = _yaml.dump({"x": text, text: 1})
    assert f"'{text}'" in dumped
    assert f"\n{text}:" not in dumped
    assert parse(dumped, "yaml") == {"x": text, text: 1}


# F2: !!set, !!omap and !!pairs are not JSON data: refused as they are read, at their place.
@pytest.mark.parametrize("loader", LOADERS.values(), ids=LOADERS.keys())
@pytest.mark.parametrize(
    ("written", "tag"), [("!!set {a, b}", "!!set"), ("!!omap [{a: 1}]", "!!omap"), ("!!pairs [{a: 1}]", "!!pairs")]
)
def test_a_yaml_set_or_ordered_map_is_refused_at_its_place(monkeypatch, loader, written, tag):
    monkeypatch.setattr(_yaml, "Loader", loader)
    (found,) = problems_of(f"id: x\nzz:\n  s: {written}\n")
    assert (found.code, found.path, found.line, found.column) == ("syntax-error", "/zz/s", 3, 6)
    assert f"the tag {tag} is not allowed" in found.message


def test_convert_refuses_a_yaml_set_at_its_place(capsys, tmp_path):
    source = tmp_path / "set.yaml"
    source.write_text("id: x\nzz:\n  s: !!set {a, b}\n", encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.json"))
    assert status == 1
    assert ":3:6: error syntax-error: invalid YAML: the tag !!set is not allowed" in err
    assert '(at "/zz/s")' in err
    assert "serializable" not in err
    assert not (tmp_path / "out.json").exists()


# F8: a flow-style YAML pack on standard input is read as YAML, not refused as invalid JSON.
class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_a_flow_style_yaml_pack_on_standard_input_is_read_as_yaml(capsys, monkeypatch):
    yaml = pytest.importorskip("yaml")
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    flow = yaml.safe_dump(document, default_flow_style=True, allow_unicode=True)
    assert flow.startswith("{")
    monkeypatch.setattr("sys.stdin", _Stdin(flow.encode()))
    status, out, _ = run(capsys, "validate", "-")
    assert status == 0, out


def test_text_neither_json_nor_yaml_on_standard_input_keeps_json_s_error(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Stdin(b"{id: x"))
    status, out, _ = run(capsys, "validate", "-")
    assert status == 1
    assert "<stdin>:1:2: error syntax-error: invalid JSON: Expecting property name" in out


# F9: the warning that sums up the problems left out counts them exactly, whatever their code.
def _wrong_starts(count: int) -> dict[str, object]:
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    exercise = document["exercises"][0]
    document["exercises"] = [{**exercise, "id": f"e{index}", "progression": {}} for index in range(count)]
    for item in document["exercises"]:
        item["hold"] = {**item["hold"], "start_seconds": "x"}
    return document


@pytest.mark.parametrize("limit", [5, 20])
def test_too_many_wrong_types_are_counted_exactly(limit):
    document = _wrong_starts(50)
    every = [p for p in backext.validate_pack(document) if p.code == "wrong-type"]
    assert len(every) == 50
    found = backext.validate_pack(json.dumps(document), format="json", limits=backext.Limits(max_problems=limit))
    assert [p.code for p in found] == ["wrong-type"] * limit + ["too-many-problems"]
    assert found[-1].message.startswith(f"{50 - limit} more problems not reported")
    with pytest.raises(backext.PackError) as raised:
        backext.load_pack(document, limits=backext.Limits(max_problems=limit))
    assert raised.value.problems[-1].message.startswith(f"{50 - limit} more problems not reported")


@pytest.mark.parametrize("loader", LOADERS.values(), ids=LOADERS.keys())
def test_too_many_yaml_key_problems_are_counted_exactly(monkeypatch, loader):
    monkeypatch.setattr(_yaml, "Loader", loader)
    text = "".join(f"k{index}: 1\nk{index}: 2\n" for index in range(50))
    found = backext.validate_pack(text, format="yaml", limits=backext.Limits(max_problems=10))
    assert [p.code for p in found] == ["duplicate-key"] * 10 + ["too-many-problems"]
    assert found[-1].message.startswith("40 more problems not reported")


def test_wrong_items_too_many_to_count_are_at_least_so_many():
    text = json.dumps({"exercises": [{"id": "a", "steps": [0] * 90}] * 300})
    found = backext.validate_pack(text, format="json", limits=backext.Limits(max_problems=10))
    assert len(found) == 11
    assert found[-1].code == "too-many-problems"
    assert found[-1].message.startswith("at least ")
    counted = int(found[-1].message.split()[2])
    assert 100 <= counted < 300 * 91


# F1: a translation's bad or repeated language tag is placed at the tag (the key), not at the text.
HEADS = {
    "yaml": 'schema_version: 1\nid: x\nversion: "1"\nexercises: []\n',
    "json": '{"schema_version": 1, "id": "x", "version": "1", "exercises": [], ',
    "toml": 'schema_version = 1\nid = "x"\nversion = "1"\nexercises = []\n',
}


@pytest.mark.parametrize(
    ("fmt", "text", "code", "key"),
    [
        ("yaml", "title:\n  english: A long title far from the key\n", "invalid-locale", "english"),
        ("yaml", "title:\n  de: a\n  en: b\n  DE: c\n", "duplicate-locale", "DE"),
        ("json", '"title": {"de": "a", "en": "b", "DE": "c"}}', "duplicate-locale", '"DE"'),
        ("json", '"title": {"english": "A long title"}}', "invalid-locale", '"english"'),
        ("toml", '[title]\nenglish = "A long title"\n', "invalid-locale", "english"),
        ("toml", '[title]\nde = "a"\nen = "b"\nDE = "c"\n', "duplicate-locale", "DE"),
    ],
)
def test_a_translation_s_bad_tag_is_placed_at_the_key(fmt, text, code, key):
    text = HEADS[fmt] + text
    (found,) = [p for p in problems_of(text, fmt) if p.code == code]
    assert found.path == "/title/" + key.strip('"')
    offset = text.index(key, text.index("title"))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert (found.line, found.column, found.end_line, found.end_column) == (line, column, line, column + len(key))


def test_a_bad_default_locale_stays_at_its_value():
    text = HEADS["yaml"] + "title: {en: x}\ndefault_locale: english\n"
    (found,) = [p for p in problems_of(text) if p.code == "invalid-locale"]
    assert (found.line, found.column) == (6, 17)


# F12: `backext schema -o -` writes to standard output, not to a file named "-".
def test_schema_to_dash_is_standard_output(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "schema", "-o", "-")
    assert status == 0
    assert json.loads(out) == backext.json_schema()
    assert not (tmp_path / "-").exists()


# F11: validate_pack's list is in document order, errors and warnings together.
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_validate_pack_lists_problems_in_the_order_of_the_text(fmt):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    del document["disclaimer"]  # a warning at the top
    document["exercises"][0]["hold"]["start_seconds"] = 0.05  # an error
    document["exercises"][-1]["name"]["xx"] = "extra"  # warnings: the other texts lack 'xx'
    document["exercises"][-1]["hold"]["increment_seconds"] = 0  # an error near the end
    found = backext.validate_pack(serialize(document, fmt), format=fmt)
    assert {p.severity for p in found} == {"error", "warning"}
    places = [(p.line, p.column) for p in found]
    assert None not in {line for line, _ in places}
    assert places == sorted(places)


def test_schema_replaces_only_a_schema_backext_wrote(capsys, tmp_path):
    # Found by a black-box attack: any JSON file with backext's $id was replaced, notes and all; `-o ''` was said
    # to "exist already".
    notes = tmp_path / "notes.json"
    notes.write_text(json.dumps({"$id": backext.json_schema()["$id"], "my": "precious notes"}), encoding="utf-8")
    status, _, err = run(capsys, "schema", "-o", str(notes))
    assert status == 2
    assert "not backext's schema" in err
    assert "precious notes" in notes.read_text(encoding="utf-8")
    earlier = tmp_path / "pack.schema.json"
    earlier.write_text(json.dumps({**backext.json_schema(), "title": "an older title"}), encoding="utf-8")
    assert run(capsys, "schema", "-o", str(earlier))[0] == 0
    assert json.loads(earlier.read_text(encoding="utf-8")) == backext.json_schema()
    status, _, err = run(capsys, "schema", "-o", "")
    assert status == 2
    assert "-o: give the name of the file to write" in err


def test_new_advises_a_command_a_shell_takes_as_it_is(capsys, tmp_path, monkeypatch):
    # Found by a black-box attack: `new 'UPPER Case.yaml'` advised `backext validate UPPER Case.yaml`, two files.
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "new", "UPPER Case.yaml")
    assert status == 0
    # After the pictures it copies, one line each.
    assert err.endswith("\nwrote UPPER Case.yaml: check it with backext validate 'UPPER Case.yaml'\n")
