"""``backext new`` and ``backext convert``."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pytest

import backext
from backext._checks import _all_texts
from backext._cli import main
from backext._schema import SCHEMA_ID


if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


BROKEN = sorted((Path(__file__).parent / "data" / "broken").iterdir())


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("suffix", [".yaml", ".toml", ".json"])
def test_new_writes_a_valid_pack_ready_to_translate(capsys, tmp_path, suffix):
    path = tmp_path / f"Our Clinic{suffix}"
    status, out, err = run(capsys, "new", "--locale", "de,fr", "--locale", "de-CH", str(path))
    assert (status, out) == (0, "")
    assert str(path) in err
    text = path.read_text(encoding="utf-8")
    assert SCHEMA_ID in text.splitlines()[0] + text.splitlines()[1]
    assert backext.validate_pack(path) == []
    pack = backext.load_pack(path)
    assert pack.id == "our-clinic"
    exercise = pack.exercises[0]
    builtin = backext.builtin_pack()
    assert pack.localize(exercise.name, "fr") == builtin.localize(builtin.exercises[0].name, "fr")
    # A regional tag takes its language's translation (BCP 47 fallback), as the person's locale would.
    assert pack.localize(exercise.name, "de-CH") == builtin.localize(builtin.exercises[0].name, "de")
    assert list(exercise.name) == ["en", "de", "fr", "de-CH"]  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", [".yaml", ".toml", ".json"])
def test_new_carries_the_built_in_translations_of_the_locales_it_ships(capsys, tmp_path, suffix):
    path = tmp_path / f"clinic{suffix}"
    assert run(capsys, "new", "--locale", "de,fr", "--locale", "ES", str(path))[0] == 0
    builtin = backext.builtin_pack()
    pack = backext.load_pack(path)
    written = _all_texts(pack)
    assert [pointer for pointer, _ in written] == [pointer for pointer, _ in _all_texts(builtin)]
    for (pointer, text), (_, shipped) in zip(written, _all_texts(builtin), strict=True):
        assert list(text) == ["en", "de", "fr", "es"], pointer  # type: ignore[arg-type]  # written as BCP 47 does
        for tag in ("en", "de", "fr"):
            assert text[tag] == shipped[tag], (pointer, tag)  # type: ignore[index]
        assert text["es"] == shipped["es"], pointer  # type: ignore[index]
    capsys.readouterr()
    assert run(capsys, "validate", "--strict", str(path)) == (0, "1 file checked: 0 errors, 0 warnings\n", "")


def test_new_is_english_alone_without_locales_and_json_names_its_schema(capsys, tmp_path):
    path = tmp_path / "pack.json"
    assert run(capsys, "new", "--format", "json", str(path))[0] == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["$schema"] == SCHEMA_ID
    assert isinstance(document["title"], str)
    builtin = backext.builtin_pack()
    texts = _all_texts(backext.load_pack(path, format="json"))
    assert [pointer for pointer, _ in texts] == [pointer for pointer, _ in _all_texts(builtin)]
    assert all(isinstance(text, str) for _, text in texts)  # the built-in's translations are not copied
    assert [text for _, text in texts] == [builtin.localize(text, "en") for _, text in _all_texts(builtin)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new", "--locale", "x-klingon", "x.yaml"], "is not a BCP 47 language tag"),
        (["new", "--locale", "de-AT-AT", "x.yaml"], "argument --locale: 'de-AT-AT' gives a subtag twice"),
        (["new", "x.txt"], "name the pack .yaml, .yml, .toml or .json"),
        (["new", "--format", "toml", "x.yaml"], "does not fit --format toml"),
    ],
)
def test_new_refuses_bad_arguments(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_new_and_convert_never_overwrite(capsys, tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("mine\n", encoding="utf-8")
    assert run(capsys, "new", str(path))[0] == 2
    assert run(capsys, "convert", str(BROKEN[0]), str(path))[0] == 2
    assert path.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize(
    ("path", "suffix"), [(p, s) for p, s in itertools.product(BROKEN, [".json", ".toml", ".yaml"]) if p.suffix != s]
)
def test_convert_keeps_every_value_of_a_broken_pack(capsys, tmp_path, path, suffix):
    out_path = tmp_path / f"converted{suffix}"
    status, out, _ = run(capsys, "convert", str(path), str(out_path))
    assert (status, out) == (0, "")
    before = [(p.path, p.code) for p in backext.validate_pack(path)]
    after = [(p.path, p.code) for p in backext.validate_pack(out_path)]
    assert sorted(after) == sorted(before)
    assert before


def test_convert_says_what_it_cannot_keep(capsys, tmp_path):
    source = tmp_path / "in.yaml"
    source.write_text(
        "# our pack\n"
        + backext.dump_pack(backext.builtin_pack(), "yaml").replace("id: backext-core", "id: &i x", 1)
        + "extra: *i\n",
        encoding="utf-8",
    )
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.json"))
    assert status == 0
    assert "not kept: comments" in err
    assert "anchors and aliases" in err
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["extra"] == "x"


def test_convert_refuses_what_the_target_cannot_hold(capsys, tmp_path):
    source = tmp_path / "in.json"
    source.write_text('{"id": null}', encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.toml"))
    assert status == 1
    assert "TOML has no null, found at /id" in err
    assert not (tmp_path / "out.toml").exists()


def test_convert_to_toml_leaves_out_the_nulls_of_optional_fields(capsys, tmp_path):
    # Found by a black-box attack: a valid pack with "url": null could not be converted to TOML at all.
    document = backext.converter.unstructure(backext.builtin_pack())
    document["sources"][0]["url"] = None
    document["exercises"][0]["progression"]["previous_exercise"] = None
    document["exercises"][1]["steps"][0]["cue"] = None
    document["exercises"][1]["unknown"] = None  # not a field: kept, and refused in TOML
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.toml"))
    assert status == 1
    assert "TOML has no null, found at /exercises/1/unknown" in err
    del document["exercises"][1]["unknown"]
    source.write_text(json.dumps(document), encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.toml"))
    assert status == 0
    expected = "/exercises/0/progression/previous_exercise, /exercises/1/steps/0/cue, /sources/0/url"
    assert f"not kept: null, at {expected}:" in err
    assert backext.load_pack(tmp_path / "out.toml") == backext.load_pack(source)


@pytest.mark.parametrize(
    ("content", "names", "status"),
    [
        ('{"id": ', ("in.json", "out.yaml"), 1),
        ("{}", ("in.json", "in.json"), 2),
        ("{}", ("in.txt", "out.yaml"), 2),
        (None, ("missing.json", "out.yaml"), 2),
    ],
)
def test_convert_errors(capsys, tmp_path, content, names, status):
    source, target = (tmp_path / name for name in names)
    if content is not None:
        source.write_text(content, encoding="utf-8")
    assert run(capsys, "convert", str(source), str(target))[0] == status
    assert not target.exists() or target == source


def test_new_gives_a_regional_tag_the_languages_translation_and_writes_tags_as_bcp47_does():
    # #14, second black-box test, F5 and F7: de-AT took English, and EN was written next to en.
    from backext._authoring import starter_pack  # noqa: PLC0415

    text = starter_pack("json", pack_id="mine", locales=("de-AT", "EN", "FR-ca", "es_mx"))
    document = json.loads(text)
    assert document["title"] == {
        "en": "Back extension exercises for osteoporosis",
        "de-AT": "Rückenstreckübungen bei Osteoporose",
        "fr-CA": "Exercices d'extension du dos en cas d'ostéoporose",
        "es-MX": backext.builtin_pack().title["es"],
    }
    assert backext.validate_pack(text, format="json") == []


@pytest.mark.parametrize(
    ("language", "kept", "wrote"),
    [("de", "nicht übernommen: Kommentare", "geschrieben"), ("fr", "non conservé : commentaires", "écrit")],
)
def test_convert_and_new_speak_the_environment_language(capsys, tmp_path, monkeypatch, language, kept, wrote):  # noqa: PLR0917
    monkeypatch.setenv("LANGUAGE", language)
    source = tmp_path / "in.yaml"
    status, _, err = run(capsys, "new", str(source))
    assert status == 0
    assert wrote in err
    assert "wrote" not in err
    # The comment that names the schema becomes "$schema": a comment of the author's own is not kept.
    source.write_text(source.read_text(encoding="utf-8") + "# ours\n", encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.json"))
    assert status == 0
    assert kept in err
    assert "not kept" not in err
    assert "wrote" not in err


def test_convert_says_why_toml_cannot_hold_a_null_in_the_language(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "de")
    source = tmp_path / "in.json"
    source.write_text('{"id": "x", "name": null}', encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.toml"))
    assert status == 1
    assert "TOML kennt keine Null-Werte; einer steht bei /name" in err
    assert not (tmp_path / "out.toml").exists()


@pytest.mark.parametrize(
    ("name", "content", "suffix", "said"),
    [
        ("in.toml", 'id = "w"\nlt = 07:32:00\n', ".yaml", "a time of day without a date, found at /lt"),
        ("in.toml", 'id = "w"\nversion = 07:32:00\n', ".json", "JSON cannot hold a time of day without a date"),
        ("in.toml", 'id = "w"\n[a]\ndt = 1979-05-27T07:32:00-08:00\n', ".json", "JSON cannot hold a date or a"),
        ("in.yaml", "id: w\nversion: 2024-01-01\n", ".json", "date and time, found at /version"),
        ("in.yaml", "id: w\nx: [1, .nan]\n", ".json", "JSON cannot hold a number that is not finite, found at /x/1"),
        ("in.toml", 'id = "w"\n"a/b" = -inf\n', ".json", "not finite, found at /a~1b"),
        ("in.yaml", "id: w\nb: !!binary aGVsbG8=\n", ".toml", "TOML cannot hold binary data, found at /b"),
        ("in.json", '{"n": 9223372036854775808}', ".toml", "TOML cannot hold an integer beyond 64 bits, found at /n"),
        ("in.json", '{"m": [-9223372036854775809]}', ".toml", "an integer beyond 64 bits, found at /m/0"),
    ],
)
def test_convert_names_the_place_of_a_value_the_target_cannot_hold(capsys, tmp_path, name, content, suffix, said):  # noqa: PLR0917
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / f"out{suffix}"))
    assert status == 1
    assert f"cannot convert {source}: " in err
    assert said in err
    assert "Traceback" not in err
    assert "serializable" not in err
    assert not (tmp_path / f"out{suffix}").exists()


def test_convert_keeps_the_64_bit_integers_toml_holds(capsys, tmp_path):
    source = tmp_path / "in.json"
    source.write_text('{"n": 9223372036854775807, "m": -9223372036854775808}', encoding="utf-8")
    assert run(capsys, "convert", str(source), str(tmp_path / "out.toml"))[0] == 0
    assert tomllib.loads((tmp_path / "out.toml").read_text(encoding="utf-8")) == {"n": 2**63 - 1, "m": -(2**63)}


@pytest.mark.parametrize(
    ("name", "content", "kept"),
    [
        ("in.yaml", 'id: x\ntitle: "*note"\n', ()),
        ("in.yaml", "id: x\ntitle: a &b c\n", ()),
        ("in.yaml", "id: x\ntitle: '&x'\n", ()),
        ("in.yaml", 'id: x\ntitle: "Tom # not comment"\n', ()),
        ("in.yaml", "id: x\ntitle: |\n  # a line of text\n  &x *y\n", ()),
        ("in.yaml", "id: x\ntitle:\ta#b\n", ()),
        ("in.toml", 'id = "x"\ntitle = "a # b"\n', ()),
        ("in.toml", "id = 'x#y'\ntitle = '''\n# z\n'''\n", ()),
        ("in.yaml", "id: x # ours\n", ("comments",)),
        ("in.yaml", "id: &a x\ntitle: *a\n", ("anchors",)),
        ("in.yaml", "id: x\t# ours\ntitle: &a y\n", ("comments", "anchors")),
        ("in.toml", 'id = "x"  # ours\n', ("comments",)),
    ],
)
def test_convert_warns_only_of_real_comments_and_anchors(capsys, tmp_path, name, content, kept):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.json"))
    assert status == 0
    said = {"comments": "not kept: comments", "anchors": "not kept: YAML anchors"}
    assert tuple(what for what, line in said.items() if line in err) == kept


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "in.json",
            '{"id": "x",\n "id": "y"}',
            ":2:2: error duplicate-key: the key 'id' appears twice in one object (at \"/id\")",
        ),
        ("in.yaml", "id: x\ntitle:\n  false: y\n", ":3:3: error wrong-type: keys must be strings: 'false' is read as"),
    ],
)
def test_convert_refuses_what_cannot_be_read_where_validate_places_it(capsys, tmp_path, name, content, said):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.yaml"))
    assert status == 1
    assert f"{source}{said}" in err
    assert not (tmp_path / "out.yaml").exists()


# --- Merge keys, directives, times finer than a microsecond, the schema's name ---------------------------------------


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("b: &b {en: x}\ntitle:\n  <<: *b\n", ("YAML anchors and aliases", "YAML merge keys (<<)")),
        ("title:\n  <<: {en: x}\n", ("YAML merge keys (<<)",)),
        ("%YAML 1.1\n---\nid: x\n", ("YAML directives (%YAML, %TAG)",)),
        ("%TAG !e! tag:example.com,2000:\n---\nid: x\n", ("YAML directives (%YAML, %TAG)",)),
        ("id: x\ntitle: '<<: *b %YAML'\n", ()),
    ],
)
def test_convert_says_that_merges_and_directives_are_not_kept(capsys, tmp_path, content, said):
    source = tmp_path / "in.yaml"
    source.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.json"))
    assert status == 0
    notes = [line for line in err.splitlines() if "not kept" in line]
    assert [
        what
        for what in ("YAML anchors and aliases", "YAML merge keys (<<)", "YAML directives")
        if any(what in note for note in notes)
    ] == [what.split(" (%")[0] for what in said]
    if "merge" in " ".join(said):
        assert "written out in each mapping" in err


@pytest.mark.parametrize(
    ("name", "content", "suffix", "value", "pointer"),
    [
        ("in.toml", 'id = "w"\n[a]\nt = 07:32:00.999999999\n', ".toml", "'07:32:00.999999999'", "/a/t"),
        (
            "in.toml",
            'id = "w"\nx = [1, 1979-05-27T07:32:00.1234567Z]\n',
            ".yaml",
            "'1979-05-27T07:32:00.1234567Z'",
            "/x/1",
        ),
        (
            "in.yaml",
            "id: w\nx: {t: 2001-12-14t21:59:43.1234567-05:00}\n",
            ".toml",
            "'2001-12-14t21:59:43.1234567-05:00'",
            "/x/t",
        ),
    ],
)
def test_convert_refuses_a_time_finer_than_a_microsecond(capsys, tmp_path, name, content, suffix, value, pointer):  # noqa: PLR0917
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / f"out{suffix}"))
    assert status == 1
    assert f"cannot convert {source}: backext reads times to the microsecond and cannot keep {value}" in err
    assert f"found at {pointer}: round it to six decimal places" in err
    assert not (tmp_path / f"out{suffix}").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("in.toml", 'id = "w"\nk = "07:32:00.999999999" # 07:32:00.999999999\nt = 07:32:00.999999\n'),
        ("in.yaml", "id: w\nk: '2001-12-14t21:59:43.1234567Z'  # 07:32:00.999999999\nt: 2001-12-14t21:59:43.123456Z\n"),
    ],
)
def test_convert_keeps_times_to_the_microsecond_and_strings_that_look_finer(capsys, tmp_path, name, content):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    assert run(capsys, "convert", str(source), str(tmp_path / "out.toml"))[0] == 0


@pytest.mark.parametrize(
    ("name", "content", "suffix", "first", "key"),
    [
        ("in.json", '{"$schema": "./pack.schema.json", "id": "w"}', ".toml", "#:schema ./pack.schema.json", False),
        ("in.yaml", "$schema: ./pack.schema.json\nid: w\n", ".toml", "#:schema ./pack.schema.json", False),
        (
            "in.yaml",
            "# yaml-language-server: $schema=./pack.schema.json\nid: w\n",
            ".toml",
            "#:schema ./pack.schema.json",
            False,
        ),
        ("in.toml", '#:schema ./pack.schema.json\nid = "w"\n', ".json", "{", True),
        ("in.toml", '#:schema ./pack.schema.json\nid = "w"\n', ".yaml", "$schema: ./pack.schema.json", True),
        ("in.yaml", "# yaml-language-server: $schema=./pack.schema.json\nid: w\n", ".json", "{", True),
        (
            "in.yaml",
            "# yaml-language-server: $schema=./pack.schema.json\nid: w\n",
            ".yml",
            "# yaml-language-server: $schema=./pack.schema.json",
            False,
        ),
    ],
)
def test_convert_names_the_schema_as_the_target_s_editors_read_it(capsys, tmp_path, name, content, suffix, first, key):  # noqa: PLR0917
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    target = tmp_path / f"out{suffix}"
    status, _, err = run(capsys, "convert", str(source), str(target))
    assert status == 0
    assert "not kept" not in err  # the comment that names the schema is carried over
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == first
    assert ("$schema" in text.replace("yaml-language-server: $schema", "")) == key
    assert [(p.path, p.code) for p in backext.validate_pack(target)] == [
        (p.path, p.code) for p in backext.validate_pack(source)
    ]


def test_convert_keeps_a_schema_toml_cannot_name_in_a_comment_as_a_key(capsys, tmp_path):
    source = tmp_path / "in.json"
    source.write_text('{"$schema": 5, "id": "w"}', encoding="utf-8")
    assert run(capsys, "convert", str(source), str(tmp_path / "out.toml"))[0] == 0
    assert tomllib.loads((tmp_path / "out.toml").read_text(encoding="utf-8"))["$schema"] == 5


@pytest.mark.parametrize(
    ("name", "content", "suffix", "first"),
    [
        # Found by a black-box attack (round 19): a schema comment after other comments, or after a YAML directive
        # (where it cannot be on the first line), was dropped with only "not kept: comments".
        ("in.toml", '# our pack\n#:schema ./x.json\nid = "w"\n', ".json", '  "$schema": "./x.json",'),
        ("in.yaml", "# ours\n\n# yaml-language-server: $schema=./p.json\nid: w\n", ".json", '  "$schema": "./p.json",'),
        ("in.yaml", "%YAML 1.2\n---\n# yaml-language-server: $schema=./p.json\nid: w\n", ".toml", "#:schema ./p.json"),
    ],
)
def test_convert_finds_the_schema_comment_among_the_comments_before_the_content(  # noqa: PLR0917
    capsys, tmp_path, name, content, suffix, first
):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    target = tmp_path / f"out{suffix}"
    assert run(capsys, "convert", str(source), str(target))[0] == 0
    assert first in target.read_text(encoding="utf-8").splitlines()[:2]


def test_a_schema_comment_after_the_content_has_begun_is_a_comment_like_any():
    from backext._authoring import _schema_comment  # noqa: PLC0415

    assert _schema_comment("id: w\n# yaml-language-server: $schema=./p.json\n", "yaml") is None
    assert _schema_comment('id = "w"\n#:schema ./x.json\n', "toml") is None
    assert _schema_comment("#:schema ./x.json", "toml") is not None


@pytest.mark.timeout(10)
def test_looking_for_the_schema_comment_is_linear_with_lines_ended_by_a_cr_alone(capsys, tmp_path):
    # Found by a review: a comment line ended by a CR alone (YAML allows it) was scanned again from each of its
    # characters, so that converting a 60 kB file took 85 s; a megabyte would take hours.
    from backext._authoring import _schema_comment  # noqa: PLC0415

    assert _schema_comment("# " + "a" * 1_000_000 + "\rid: x\r", "yaml") is None
    assert _schema_comment("# a\r# yaml-language-server: $schema=./p.json\nid: x", "yaml") is not None
    source = tmp_path / "in.yaml"
    source.write_text("# " + "a" * 1_000_000 + "\rid: x\r", encoding="utf-8")
    assert run(capsys, "convert", str(source), str(tmp_path / "out.json"))[0] == 0  # valid or not, it converts
