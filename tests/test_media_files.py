"""Pictures a pack names that are not there: ``media-missing``, and ``backext new`` copying its pictures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import backext
from backext import _addresses
from backext._cli import main
from backext._constraints import rule
from backext._media import builtin_folder


SVG = '<svg xmlns="http://www.w3.org/2000/svg"><title>Start</title></svg>'
FORMATS = ("json", "toml", "yaml")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The built-in pack, naming no picture."""
    loaded: dict[str, Any] = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    for exercise in loaded["exercises"]:
        for step in exercise["steps"]:
            step.pop("media", None)
        for modification in exercise.get("modifications", []):
            modification.pop("media", None)
    return loaded


def _written(folder: Path, document: dict[str, Any], fmt: str, name: str = "pack") -> Path:
    """The pack *document* written as *fmt* in *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    text = backext.dump_pack(backext.load_pack(json.dumps(document), format="json"), fmt)
    path.write_text(text, encoding="utf-8")
    return path


def _missing(source: Any, fmt: str | None = None) -> list[backext.Problem]:
    return [p for p in backext.validate_pack(source, format=fmt) if p.code == "media-missing"]


def _with_media(document: dict[str, Any], steps: list[str], variation: list[str]) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(document))
    for step, media in zip(changed["exercises"][0]["steps"], steps, strict=False):
        step["media"] = media
    changed["exercises"][2]["modifications"][0]["media"] = variation
    return changed


# -- media-missing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_validate_warns_of_a_picture_that_is_not_a_file_in_the_pack_s_folder(tmp_path, document, fmt):
    folder = tmp_path / "pack"
    (folder / "media" / "a-folder.svg").mkdir(parents=True)
    (folder / "media" / "there.svg").write_text(SVG, encoding="utf-8")
    (folder / "media" / "dangling.svg").symlink_to(folder / "media" / "gone.svg")
    (folder / "media" / "dangling-out.svg").symlink_to(tmp_path / "nowhere" / "gone.svg")
    steps = ["media/there.svg", "media/nothing.svg", "media/a-folder.svg", "media/dangling.svg"]
    variation = ["media/dangling-out.svg", "media/there.svg", "pictures/nothing.png"]
    path = _written(folder, _with_media(document, steps, variation), fmt)

    found = _missing(path)
    assert [(p.path, p.severity) for p in found] == [
        ("/exercises/0/steps/1/media", "warning"),
        ("/exercises/0/steps/2/media", "warning"),
        ("/exercises/0/steps/3/media", "warning"),
        ("/exercises/2/modifications/0/media/0", "warning"),
        ("/exercises/2/modifications/0/media/2", "warning"),
    ]
    # At the value's line and column, as every other problem of a file.
    lines = path.read_text(encoding="utf-8").splitlines()
    for problem, reference in zip(
        found,
        ["media/nothing.svg", "media/a-folder.svg", "media/dangling.svg", "media/dangling-out.svg", "pictures/"],
        strict=True,
    ):
        assert problem.line is not None, problem
        assert problem.column is not None, problem
        assert reference in lines[problem.line - 1][problem.column - 1 :], (problem, lines[problem.line - 1])
    assert "'media/nothing.svg'" in found[0].message
    assert "is not a file in the pack's folder" in found[0].message
    # A dangling link is missing, not a link out (the other code): there is nothing to leave out of the folder.
    assert not [p for p in backext.validate_pack(path) if p.code == "media-file-outside-folder"]


def test_only_paths_inside_the_folder_of_a_pack_file_are_looked_up(tmp_path, document):
    steps = ["media/nothing.svg", "https://example.org/nothing.svg", "http://example.org/x.png", "../secret.svg"]
    changed = _with_media(document, steps, ["https://example.org/y.svg", "/etc/nothing.svg", "javascript:x"])
    assert _missing(changed) == []  # given as data: no folder, nothing is looked up
    assert _missing(json.dumps(changed), "json") == []  # nor for a pack read from text
    (tmp_path / "secret.svg").write_text(SVG, encoding="utf-8")
    path = _written(tmp_path / "pack", changed, "json")
    # The URLs are not files to look up; a path out of the folder by its text has its own warning, and only it.
    assert [p.path for p in _missing(path)] == ["/exercises/0/steps/0/media"]
    outside = [p.path for p in backext.validate_pack(path) if p.code == "media-outside-folder"]
    assert outside == [
        "/exercises/0/steps/3/media",
        "/exercises/2/modifications/0/media/1",
        "/exercises/2/modifications/0/media/2",
    ]


def test_a_bare_name_is_an_app_s_asset_and_is_not_looked_for(tmp_path, document):
    # Found by a black-box attack: "forearm-start", an app's asset name the schema allows, was called missing.
    steps = ["forearm-start", "start.svg", "media/start", "pics"]
    path = _written(tmp_path / "pack", _with_media(document, steps, []), "json")
    assert [p.path for p in _missing(path)] == [f"/exercises/0/steps/{n}/media" for n in (1, 2)]
    # A bare name with something there that is not a picture (a folder) is one to warn of.
    (tmp_path / "pack" / "pics").mkdir()
    assert [p.path for p in _missing(path)] == [f"/exercises/0/steps/{n}/media" for n in (1, 2, 3)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_picture_s_problem_is_reported_once_beside_the_pack_s_other_problems(tmp_path, document, fmt):
    # Found while adding media-missing: when the pack had another problem, each picture's was listed twice.
    (tmp_path / "outside.svg").write_text(SVG, encoding="utf-8")
    (tmp_path / "pack" / "media").mkdir(parents=True)
    (tmp_path / "pack" / "media" / "out.svg").symlink_to(tmp_path / "outside.svg")
    changed = _with_media(document, ["media/nothing.svg", "media/out.svg", "../outside.svg"], [])
    problems = backext.validate_pack(_written(tmp_path / "pack", changed, fmt))
    assert [(p.code, p.path) for p in problems if p.path.startswith("/exercises/0/steps/")] == [
        ("media-missing", "/exercises/0/steps/0/media"),
        ("media-file-outside-folder", "/exercises/0/steps/1/media"),
        ("media-outside-folder", "/exercises/0/steps/2/media"),
    ]


def test_each_picture_is_looked_up_once_and_reported_at_every_place(tmp_path, document, monkeypatch):
    steps = ["media/nothing.svg", "media/nothing.svg", "media/nothing.svg"]
    path = _written(tmp_path, _with_media(document, steps, ["media/nothing.svg"]), "yaml")
    looked: list[str] = []
    real = _addresses.looked_up

    def counted(folder: str, reference: str, root: str | None = None) -> str | None:
        looked.append(reference)
        return real(folder, reference, root)

    monkeypatch.setattr(_addresses, "looked_up", counted)
    assert [p.path for p in _missing(path)] == [
        "/exercises/0/steps/0/media",
        "/exercises/0/steps/1/media",
        "/exercises/0/steps/2/media",
        "/exercises/2/modifications/0/media/0",
    ]
    assert looked.count("media/nothing.svg") == 1


def test_the_command_line_reports_a_missing_picture_and_strict_fails(capsys, tmp_path, document):
    path = _written(tmp_path, _with_media(document, ["media/nothing.svg"], []), "toml")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning media-missing" in out
    assert '"/exercises/0/steps/0/media"' in out
    assert main(["validate", "--strict", str(path)]) == 1
    capsys.readouterr()
    assert main(["validate", "--format", "json", str(path)]) == 0
    problems = json.loads(capsys.readouterr().out)
    assert "media-missing" in json.dumps(problems)


def test_the_built_in_pack_names_only_pictures_it_ships(tmp_path):
    # From its own folder: every picture is there, no warning.
    for name in ("builtin.json", "builtin.toml"):
        assert backext.validate_pack(builtin_folder() / name) == []
    # A copy without its pictures: each is missing (the handout would leave it out).
    copy = tmp_path / "builtin.json"
    copy.write_bytes((builtin_folder() / "builtin.json").read_bytes())
    assert {p.path for p in _missing(copy)} == {
        "/exercises/0/steps/0/media",
        "/exercises/0/steps/1/media",
        "/exercises/1/steps/0/media",
        "/exercises/1/steps/1/media",
        "/exercises/2/steps/0/media",
        "/exercises/2/steps/2/media",
        "/exercises/2/modifications/0/media/0",
        "/exercises/2/modifications/0/media/1",
    }


def test_the_warning_has_its_rule_and_code():
    assert backext.PROBLEM_CODES["media-missing"].severity == "warning"
    assert rule("media-missing").code == "media-missing"
    assert "only for a pack read from a file" in rule("media-missing").note


# -- backext new copies its pictures ---------------------------------------------------------------


def starter_pictures() -> dict[str, bytes]:
    """The pictures the built-in pack (and so the pack ``new`` writes) names, and their bytes, from its folder."""
    pack = backext.builtin_pack()
    named = [step.media for exercise in pack.exercises for step in exercise.steps if step.media]
    named += [media for exercise in pack.exercises for variation in exercise.modifications for media in variation.media]
    return {reference: (builtin_folder() / reference).read_bytes() for reference in named}


def test_new_copies_what_the_package_ships():
    from backext._authoring import starter_pictures as shipped  # noqa: PLC0415 - new in this change

    assert shipped() == starter_pictures()


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("fmt", FORMATS)
def test_new_copies_the_pictures_its_pack_names(capsys, tmp_path, fmt):
    path = tmp_path / "clinic" / f"ours.{fmt}"
    path.parent.mkdir()
    status, out, err = _run(capsys, "new", "--locale", "de,fr", str(path))
    assert (status, out) == (0, "")
    pictures = starter_pictures()
    exercises = ("forearm-press-up", "hand-press-up", "prone-chest-lift", "leg-lift")
    assert sorted(pictures) == sorted(f"media/{name}-{end}.svg" for name in exercises for end in ("start", "end"))
    for reference, data in pictures.items():
        assert (path.parent / reference).read_bytes() == data == (builtin_folder() / reference).read_bytes()
        assert f"wrote {path.parent / reference}\n" in err
    assert err.endswith(f"wrote {path}: check it with backext validate {path}\n")
    # The pack validates from its folder with no warning, in every language of its texts.
    assert backext.validate_pack(path) == []
    for locale in ("de", "fr", "en"):
        status, out, err = _run(capsys, "validate", "--strict", "--locale", locale, str(path))
        assert (status, err) == (0, ""), out
    assert _run(capsys, "validate", "--strict", str(path))[:2] == (0, "1 file checked: 0 errors, 0 warnings\n")
    # And the handout embeds every picture.
    assert backext.handout_omissions(backext.load_pack(path), "prone-chest-lift", media_folder=path.parent) == []


def test_new_keeps_an_identical_picture_and_writes_the_others(capsys, tmp_path):
    (tmp_path / "media").mkdir()
    kept = tmp_path / "media" / "leg-lift-end.svg"
    kept.write_bytes(starter_pictures()["media/leg-lift-end.svg"])
    before = kept.stat().st_mtime_ns
    status, _, err = _run(capsys, "new", str(tmp_path / "a.yaml"))
    assert status == 0
    assert kept.stat().st_mtime_ns == before
    assert "leg-lift-end.svg" not in err  # not written: already there
    assert "leg-lift-start.svg" in err
    # A second pack in the same folder finds every picture there, and writes none.
    status, _, err = _run(capsys, "new", str(tmp_path / "b.json"))
    assert status == 0
    assert err.splitlines() == [f"wrote {tmp_path / 'b.json'}: check it with backext validate {tmp_path / 'b.json'}"]
    assert backext.validate_pack(tmp_path / "a.yaml") == backext.validate_pack(tmp_path / "b.json") == []


def _other_picture(media: Path) -> None:
    (media / "leg-lift-end.svg").write_text("<svg>mine</svg>", encoding="utf-8")


def _a_folder(media: Path) -> None:
    (media / "hand-press-up-start.svg").mkdir()


def _a_dangling_link(media: Path) -> None:
    (media / "leg-lift-start.svg").symlink_to(media / "gone.svg")


def _one_byte_more(media: Path) -> None:
    (media / "prone-chest-lift-end.svg").write_bytes(starter_pictures()["media/prone-chest-lift-end.svg"] + b"\n")


@pytest.mark.parametrize(
    ("prepare", "named"),
    [
        (_other_picture, "leg-lift-end"),
        (_a_folder, "hand-press-up-start"),
        (_a_dangling_link, "leg-lift-start"),
        (_one_byte_more, "prone-chest-lift-end"),
    ],
    ids=["other-picture", "folder", "dangling-link", "one-byte-more"],
)
def test_new_refuses_a_different_file_in_the_way_before_writing_anything(capsys, tmp_path, prepare, named):
    media = tmp_path / "media"
    media.mkdir()
    prepare(media)
    before = sorted(media.iterdir())
    status, out, err = _run(capsys, "new", str(tmp_path / "pack.yaml"))
    assert (status, out) == (2, "")
    assert f"media/{named}.svg' exists already" in err
    assert not (tmp_path / "pack.yaml").exists()
    assert sorted(media.iterdir()) == before  # nothing written, nothing replaced


def test_new_refuses_a_file_where_the_media_folder_goes(capsys, tmp_path):
    (tmp_path / "media").write_text("not a folder\n", encoding="utf-8")
    status, _, err = _run(capsys, "new", str(tmp_path / "pack.toml"))
    assert status == 2
    assert "/media' exists already" in err
    assert [path.name for path in tmp_path.iterdir()] == ["media"]
    assert (tmp_path / "media").read_text(encoding="utf-8") == "not a folder\n"


def test_new_says_what_it_wrote_in_the_person_s_language(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANGUAGE", "de")
    status, _, err = _run(capsys, "new", "pack.yaml")
    assert status == 0
    assert "wrote" not in err
    assert len(err.splitlines()) == len(starter_pictures()) + 1
    assert "media/forearm-press-up-start.svg" in err.splitlines()[0]


# Found by a black-box attack (round 11).


def test_new_refuses_a_media_folder_that_is_a_link_or_a_picture_that_is_a_hard_link(capsys, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pack_folder = tmp_path / "pack"
    pack_folder.mkdir()
    (pack_folder / "media").symlink_to(elsewhere, target_is_directory=True)
    status, _, err = _run(capsys, "new", str(pack_folder / "a.yaml"))
    assert status == 2
    assert "media" in err
    assert list(elsewhere.iterdir()) == []
    assert not (pack_folder / "a.yaml").exists()
    (pack_folder / "media").unlink()
    (pack_folder / "media").mkdir()
    original = elsewhere / "leg-lift-end.svg"
    original.write_bytes(starter_pictures()["media/leg-lift-end.svg"])
    (pack_folder / "media" / "leg-lift-end.svg").hardlink_to(original)
    status, _, err = _run(capsys, "new", str(pack_folder / "a.yaml"))
    assert status == 2
    assert "leg-lift-end.svg" in err


def test_a_picture_path_longer_than_any_system_opens_is_missing(tmp_path, document):
    long = "media/" + "/".join(["d" * 200] * 21) + "/x.svg"
    assert len(long) > _addresses.MAX_PATH_LOOKED_UP
    path = _written(tmp_path / "pack", _with_media(document, [long], []), "json")
    assert [p.path for p in _missing(path)] == ["/exercises/0/steps/0/media"]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_an_unknown_field_does_not_hide_a_missing_picture(tmp_path, document, fmt):
    # Found by a black-box attack (round 16): with an unknown field beside it, the media-missing warning was gone.
    changed = _with_media(document, ["media/nothing.svg"], [])
    path = _written(tmp_path, changed, "json")
    unknown = json.loads(path.read_text(encoding="utf-8"))
    unknown["bogus"] = 1
    target = tmp_path / f"unknown.{fmt}"
    if fmt == "json":
        target.write_text(json.dumps(unknown, indent=1), encoding="utf-8")
    else:
        yaml = pytest.importorskip("yaml")
        target.write_text(yaml.safe_dump(unknown), encoding="utf-8")
    problems = backext.validate_pack(target)
    assert {p.code for p in problems} == {"unknown-field", "media-missing"}
    [missing] = [p for p in problems if p.code == "media-missing"]
    assert missing.path == "/exercises/0/steps/0/media"
    assert missing.line is not None
