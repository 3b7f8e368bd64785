from __future__ import annotations

import pathlib
import pickle
import shutil
import subprocess
import sys

import attrs
import pytest

import backext
from backext import Hold, Level, LocalizedText, Pack, localize
from backext._media import builtin_folder


def test_levels_are_ordered_by_difficulty_not_by_name():
    assert Level.BEGINNER < Level.INTERMEDIATE < Level.ADVANCED
    assert sorted([Level.ADVANCED, Level.BEGINNER, Level.INTERMEDIATE]) == list(Level)
    assert [level.rank for level in Level] == [0, 1, 2]
    assert Level.ADVANCED >= Level.INTERMEDIATE


def test_levels_do_not_compare_with_strings():
    with pytest.raises(TypeError):
        _ = Level.BEGINNER < "intermediate"  # type: ignore[operator]


@pytest.mark.parametrize(
    ("hold", "progresses"),
    [
        (Hold(start_seconds=5, target_seconds=30, increment_seconds=5), True),
        (Hold(start_seconds=1, target_seconds=2), False),
        (Hold(start_seconds=5, target_seconds=5, increment_seconds=5), False),
        (Hold(start_seconds=5, target_seconds=30, increment_seconds=0), False),
    ],
)
def test_hold_progresses_only_with_room_and_an_increment(hold, progresses):
    assert hold.progresses is progresses


def test_model_classes_are_frozen_and_slotted():
    pack = backext.builtin_pack()
    for obj in (pack, pack.exercises[0], pack.exercises[0].hold, pack.exercises[0].steps[0]):
        assert not hasattr(obj, "__dict__")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            obj.id = "x"  # type: ignore[misc]
    assert hash(pack) == hash(backext.builtin_pack())


def test_localized_text_resolves_with_fallbacks():
    text = LocalizedText({"en": "Rest", "de": "Pause", "de-CH": "Pausi"})
    assert text.resolve("de-CH", default_locale="en") == "Pausi"
    assert text.resolve("DE-ch", default_locale="en") == "Pausi"
    assert text.resolve("de-AT", default_locale="en") == "Pause"
    assert text.resolve("fr", default_locale="en") == "Rest"
    assert text.resolve(None, default_locale="de") == "Pause"
    assert LocalizedText({"fr": "Repos"}).resolve("it", default_locale="en") == "Repos"
    # Found by a black-box attack: an empty one passed and failed only when resolved; texts that are not strings
    # were written as "None" inside a sentence.
    with pytest.raises(ValueError, match="at least one translation"):
        LocalizedText({})
    with pytest.raises(TypeError, match="must be a string"):
        LocalizedText({"en": None})


def test_localized_text_is_a_hashable_read_only_mapping():
    text = LocalizedText({"en": "Rest", "de": "Pause"})
    assert dict(text) == {"en": "Rest", "de": "Pause"}
    assert len(text) == 2
    assert "de" in text
    assert text.get("fr") is None
    assert hash(text) == hash(LocalizedText({"en": "Rest", "de": "Pause"}))
    with pytest.raises(KeyError):
        text["fr"]


def test_localize_plain_strings_as_they_are():
    assert localize("Lie down", "de") == "Lie down"
    assert localize(LocalizedText({"en": "a", "de": "b"}), "de") == "b"


def test_pack_finds_exercises_and_suggests_close_ids():
    pack = backext.builtin_pack()
    assert pack.exercise("hand-press-up").level is Level.INTERMEDIATE
    with pytest.raises(KeyError, match="did you mean 'hand-press-up'"):
        pack.exercise("hand-pressup")
    chest_lift = pack.exercise("prone-chest-lift")
    assert chest_lift.modification("leg-lift").requires_clearance
    with pytest.raises(KeyError, match="no variation"):
        chest_lift.modification("arm-lift")


def test_pack_localize_uses_its_default_locale():
    pack = attrs.evolve(backext.builtin_pack(), default_locale="de", title=LocalizedText({"en": "E", "de": "D"}))
    assert pack.localize(pack.title) == "D"
    assert pack.localize(pack.title, "en-GB") == "E"


def test_pack_error_carries_problems_and_pickles():
    with pytest.raises(backext.PackError) as caught:
        backext.load_pack("{}", format="json")
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, backext.BackextError)
    assert {p.code for p in error.problems} == {"missing-field"}
    clone = pickle.loads(pickle.dumps(error))
    assert clone.problems == error.problems
    assert str(clone) == str(error)


def test_public_api_is_sorted_and_complete():
    assert len(set(backext.__all__)) == len(backext.__all__)
    public = {n for n in dir(backext) if not n.startswith("_") and not isinstance(getattr(backext, n), type(backext))}
    assert public <= set(backext.__all__)
    for name in backext.__all__:
        assert hasattr(backext, name), name
    assert isinstance(backext.__version__, str)
    assert isinstance(backext.builtin_pack(), Pack)


def test_names_are_imported_when_first_used():
    # backext/__init__ imports nothing up front (PEP 562): a clean pack is checked without cattrs.
    assert set(backext._WHERE) == set(backext.__all__) - {"__version__"}
    code = (
        "import sys, backext\n"
        "assert 'backext._engine' not in sys.modules and 'cattrs' not in sys.modules\n"
        "assert backext.validate_pack(backext.dump_pack(backext.builtin_pack()), format='json') == []\n"
        "print('cattrs' in sys.modules, 'backext._engine' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # dump_pack needs cattrs; validating does not need the engine.
    assert shown.split() == ["True", "False"]
    code = "import sys, backext\nbackext.validate_pack(sys.argv[1])\nprint('cattrs' in sys.modules)\n"
    path = pathlib.Path(backext.__file__).parent / "data" / "builtin.toml"
    shown = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["False"]


#: Modules that checking a clean pack, or showing one, never needs: the detailed converter, the engine and its
#: state, the table of rules and the checks that report problems, other formats' parsers, suggestions,
#: translations (gettext is imported by argparse alone, for the command line's own messages), and Babel,
#: which is for building the translations, never for running.
NOT_NEEDED = {
    "cattrs",
    "babel",
    "yaml",
    "difflib",
    "backext._converter",
    "backext._engine",
    "backext._reconcile",
    "backext._state",
    # The table of rules and the detailed checks: the proof of cleanliness ships with the structuring code.
    "backext._constraints",
    "backext._checks",
    # pathlib imports urllib.parse, ipaddress and fnmatch: a file's name is read as pathlib reads it (_paths).
    "pathlib",
}

_IMPORTED = (
    "import sys, io, contextlib\n"
    "from backext._cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    status = main(sys.argv[1:])\n"
    "print(status, *sorted(sys.modules))\n"
)


def test_a_clean_pack_is_checked_without_what_it_does_not_need(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text(backext.dump_pack(backext.builtin_pack(), "json"), encoding="utf-8")
    shutil.copytree(builtin_folder() / "media", tmp_path / "media")  # its pictures: a missing one is reported
    code = "import sys, backext\nbackext.validate_pack(sys.argv[1])\nprint(*sorted(sys.modules))\n"
    imported = set(
        subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert not imported & (NOT_NEEDED | {"gettext", "argparse", "tomllib", "backext._report"})
    status, *imported = subprocess.run(
        [sys.executable, "-c", _IMPORTED, "validate", str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert status == "0"
    # Nor the terminal's width (shutil) while the parser is built.
    assert not set(imported) & (NOT_NEEDED | {"tomllib", "shutil"})
    status, *imported = subprocess.run(
        [sys.executable, "-c", _IMPORTED, "show"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert status == "0"
    # The built-in pack is read from its JSON copy: no TOML parser either.
    assert not set(imported) & (NOT_NEEDED | {"tomllib", "shutil"})


def test_large_packs_are_indexed_by_id_until_they_go():
    from backext import _model  # noqa: PLC0415

    base = backext.builtin_pack()
    exercises = [attrs.evolve(base.exercises[i % 3], id=f"ex-{i}") for i in range(40)]
    exercises.append(attrs.evolve(base.exercises[0], id="ex-3", level=Level.ADVANCED))  # a duplicate id
    pack = attrs.evolve(base, exercises=tuple(exercises))
    before = len(_model._INDEXES)
    assert pack.exercise("ex-39") is exercises[39]
    assert pack.exercise("ex-3") is exercises[3]  # the first, as a scan would find it
    assert len(_model._INDEXES) == before + 1
    with pytest.raises(KeyError, match="did you mean 'ex-1'"):
        pack.exercise("ex-1x")
    del pack
    assert len(_model._INDEXES) == before
