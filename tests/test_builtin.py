"""The built-in pack states the handout's facts exactly."""

from __future__ import annotations

import pathlib

import backext
from backext import Direction, Level, Movement


def test_three_exercises_one_per_level_forming_a_ladder():
    pack = backext.builtin_pack()
    assert [(e.id, e.level) for e in pack.exercises] == [
        ("forearm-press-up", Level.BEGINNER),
        ("hand-press-up", Level.INTERMEDIATE),
        ("prone-chest-lift", Level.ADVANCED),
    ]
    beginner, intermediate, advanced = pack.exercises
    assert beginner.progression.next_exercise == intermediate.id
    assert beginner.progression.previous_exercise is None
    assert intermediate.progression.previous_exercise == beginner.id
    assert intermediate.progression.next_exercise == advanced.id
    assert advanced.progression.previous_exercise == intermediate.id
    assert advanced.progression.next_exercise is None


def test_beginner_forearm_press_up_dose():
    exercise = backext.builtin_pack().exercise("forearm-press-up")
    assert (exercise.hold.start_seconds, exercise.hold.target_seconds) == (5, 30)
    assert exercise.hold.progresses
    assert (exercise.repetitions.minimum, exercise.repetitions.maximum) == (10, 10)
    assert Movement.ARM_SUPPORT in exercise.movements


def test_intermediate_press_up_holds_one_to_two_seconds_without_progressing():
    exercise = backext.builtin_pack().exercise("hand-press-up")
    assert (exercise.hold.start_seconds, exercise.hold.target_seconds) == (1, 2)
    assert not exercise.hold.progresses
    assert (exercise.repetitions.minimum, exercise.repetitions.maximum) == (10, 10)


def test_advanced_chest_lift_with_a_pillow_and_a_leg_lift_variation():
    exercise = backext.builtin_pack().exercise("prone-chest-lift")
    assert (exercise.hold.start_seconds, exercise.hold.target_seconds) == (5, 20)
    assert (exercise.repetitions.minimum, exercise.repetitions.maximum) == (8, 10)
    assert any("pillow" in str(item).lower() for item in exercise.equipment)
    assert "pillow" in str(exercise.starting_position).lower()
    steps = " ".join(str(step.text) for step in exercise.steps).lower()
    assert "hands" in steps
    assert "looking down" in steps
    (variation,) = exercise.modifications
    assert variation.direction is Direction.HARDER
    assert variation.requires_clearance
    assert "legs" in str(variation.description)


def test_every_exercise_is_extension_and_none_is_contraindicated():
    for exercise in backext.builtin_pack().exercises:
        assert Movement.SPINAL_EXTENSION in exercise.movements
        assert not any(m.contraindicated for m in exercise.movements)
        assert exercise.safety_notes
        assert exercise.sources


def test_cites_the_mayo_clinic_study_and_carries_a_disclaimer():
    pack = backext.builtin_pack()
    citations = {s.id: s.citation for s in pack.sources}
    assert "Bone. 2002;30(6):836-841" in citations["sinaki-2002"]
    assert pack.disclaimer is not None
    assert "health-care provider" in str(pack.disclaimer)


def test_builtin_pack_is_cached():
    assert backext.builtin_pack() is backext.builtin_pack()


def test_the_shipped_json_is_the_toml_pack_written_as_json():
    from backext import _builtin  # noqa: PLC0415

    folder = pathlib.Path(_builtin.__file__).parent / "data"
    shipped = (folder / "builtin.json").read_text(encoding="utf-8")
    assert shipped == _builtin._written_from_toml(), (
        "data/builtin.json differs from data/builtin.toml: regenerate it with"
        " python -m backext._builtin > src/backext/data/builtin.json"
    )
    from_toml = backext.load_pack(folder / "builtin.toml")
    assert backext.builtin_pack() == from_toml
    # Equal is not enough (5 == 5.0): the same values of the same types.
    assert backext.converter.unstructure(backext.builtin_pack()) == backext.converter.unstructure(from_toml)
    assert repr(backext.builtin_pack()) == repr(from_toml)
