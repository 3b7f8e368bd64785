"""Movements and exercises to avoid: in a pack, never on a ladder, shown under their own heading."""

from __future__ import annotations

import json

import pytest

import backext
from backext._cli import main


def document() -> dict:
    return json.loads(backext.dump_pack(backext.builtin_pack(), "json"))


def test_the_builtin_pack_lists_what_to_avoid_with_sources():
    pack = backext.builtin_pack()
    assert [entry.id for entry in pack.avoid] == ["sit-ups-and-crunches", "toe-touches", "twisting-under-load"]
    source_ids = {source.id for source in pack.sources}
    for entry in pack.avoid:
        assert entry.sources
        assert set(entry.sources) <= source_ids
        assert any(movement.contraindicated for movement in entry.movements)
    assert "sinaki-1984" in pack.avoid[0].sources
    assert backext.validate_pack(backext.dump_pack(pack, "json"), format="json") == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["avoid"].append(dict(d["avoid"][0])), [("/avoid/3", "duplicate-id")]),
        (lambda d: d["avoid"][0].update(id="forearm-press-up"), [("/avoid/0/id", "duplicate-id")]),
        (lambda d: d["avoid"][0].update(id="Sit Ups"), [("/avoid/0/id", "invalid-id")]),
        (lambda d: d["avoid"][1]["sources"].append("sinaki-1985"), [("/avoid/1/sources/2", "unknown-reference")]),
        (
            lambda d: d["exercises"][2]["progression"].update(next_exercise="toe-touches"),
            [("/exercises/2/progression/next_exercise", "avoided-in-ladder")],
        ),
        (lambda d: d["avoid"][0].update(why="  "), [("/avoid/0/why", "empty-value")]),
    ],
)
def test_mistakes_in_what_to_avoid_are_found_by_the_proof_and_the_checks(change, expected):
    changed = document()
    change(changed)
    for problems in (backext.validate_pack(json.dumps(changed), format="json"), backext.validate_pack(changed)):
        assert [(p.path, p.code) for p in problems if p.severity == "error"] == expected


def test_a_source_cited_only_by_what_to_avoid_is_cited():
    changed = document()
    for exercise in changed["exercises"]:
        exercise["sources"] = [s for s in exercise.get("sources", []) if s != "sinaki-1984"]
    assert backext.validate_pack(json.dumps(changed), format="json") == []
    changed["avoid"][0]["sources"].remove("sinaki-1984")
    problems = backext.validate_pack(json.dumps(changed), format="json")
    assert [(p.path, p.code) for p in problems] == [("/sources/1", "unused-source")]


@pytest.mark.parametrize("style", ["text", "markdown"])
def test_show_prints_what_to_avoid_under_its_own_heading(capsys, style):
    assert main(["show", "--format", style]) == 0
    out = capsys.readouterr().out
    heading = "## What to avoid" if style == "markdown" else "What to avoid\n-------------"
    assert heading in out
    after = out[out.index(heading) :]
    assert "Sit-ups and crunches" in after
    assert "Why:" in after
    assert "Sinaki M, Mikkelsen BA" in after
    assert main(["show", "--exercise", "forearm-press-up"]) == 0
    assert "What to avoid" not in capsys.readouterr().out


def test_the_schema_describes_what_to_avoid():
    schema = backext.json_schema()
    assert schema["properties"]["avoid"]["items"] == {"$ref": "#/$defs/Avoid"}
    assert schema["$defs"]["Avoid"]["required"] == ["id", "name", "description", "why"]
