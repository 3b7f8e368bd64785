"""The table of rules (backext._constraints.RULES) and the forms derived from it agree.

- For random instances, each rule's part of the fast proof holds exactly when
  the detailed checks find nothing for that rule there (a sufficient proof:
  whenever it holds).
- The JSON Schema accepts exactly the values of a field that the rules
  bounding that field accept.
- changes_dose agrees with what the engine prescribes on the ladder.
"""

from __future__ import annotations

import ast
import json
import math

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backext
from backext import Dimension, Direction, Hold, Modification, Movement, Progression, Repetitions
from backext._checks import checked_rules
from backext._codes import PROBLEM_CODES
from backext._constraints import NAMES, RULES, Rule, changes_dose, proof, rewrite
from backext._ladder import ladder
from backext._reconcile import effective, prescribe
from strategies import packs


PACK = backext.builtin_pack()
AT = "/exercises/2"  # the exercise the instances are put in: the chest lift, the top of the ladder

#: Rules whose fast proof is only sufficient: it may refuse what the checks accept (the pack then takes them).
SUFFICIENT = {"exercise-steps"}


def _holds(rule: Rule, instance: object, *, proof: bool) -> bool:
    """Whether *rule*'s condition (or, with *proof*, its part of the fast proof) holds for *instance*."""
    expression = rule.proof if proof and rule.proof is not None else rule.condition
    assert expression is not None
    if rule.each is not None and (not proof or rule.proof is None):
        expression = f"all({expression} for index, item in enumerate({rule.each}))"
    body = rewrite(expression, type(instance), lambda name: ast.Attribute(ast.Name("self", ast.Load()), name))
    return bool(eval(body, {**NAMES, "self": instance}))  # noqa: S307 - the table's own expressions


_VALUES = (-1, 0, 0.5, 1, 1.25, 2, 5, 10, 30, 31, 60, 61, 10**10, math.nan, math.inf)
_INTS = (-(10**10), -2, -1, 0, 1, 2, 3, 5, 6, 10, 30, 31, 10**10)

holds = st.builds(
    Hold,
    start_seconds=st.sampled_from(_VALUES),
    target_seconds=st.sampled_from(_VALUES),
    increment_seconds=st.none() | st.sampled_from(_VALUES),
)
repetitions = st.builds(
    Repetitions, minimum=st.sampled_from(_INTS), maximum=st.sampled_from(_INTS), sets=st.sampled_from(_INTS)
)
progressions = st.builds(
    Progression,
    order=st.lists(st.sampled_from(Dimension), max_size=3).map(tuple),
    tolerated_sessions=st.sampled_from(_INTS),
    next_exercise=st.none() | st.sampled_from(["prone-chest-lift", "hand-press-up"]),
    previous_exercise=st.none() | st.sampled_from(["prone-chest-lift", "hand-press-up"]),
)
variations = st.builds(
    Modification,
    id=st.sampled_from(["leg-lift", "arms-down", "Bad Id"]),
    name=st.just("A variation"),
    description=st.just("What changes."),
    direction=st.sampled_from(Direction),
    requires_clearance=st.booleans(),
    hold_seconds_change=st.sampled_from((-5, -0.5, 0, 0.5, 5, 10**10, math.nan)),
    repetitions_change=st.sampled_from((-2, -1, 0, 1, 2, 10**10)),
)


@st.composite
def exercises(draw: st.DrawFn) -> backext.Exercise:
    """The chest lift with its numbers, links, variations, movements and steps drawn at random."""
    base = PACK.exercises[2]
    return attrs.evolve(
        base,
        id=draw(st.sampled_from(["prone-chest-lift", "Chest Lift"])),
        steps=draw(st.sampled_from([(), base.steps])),
        hold=draw(holds),
        repetitions=draw(repetitions),
        progression=draw(progressions),
        modifications=tuple(draw(st.lists(variations, max_size=3))),
        movements=tuple(draw(st.lists(st.sampled_from(Movement), max_size=3))),
    )


def _instances(exercise: backext.Exercise) -> list[tuple[object, str]]:
    found: list[tuple[object, str]] = [
        (exercise, AT),
        (exercise.hold, f"{AT}/hold"),
        (exercise.repetitions, f"{AT}/repetitions"),
        (exercise.progression, f"{AT}/progression"),
    ]
    found += [(m, f"{AT}/modifications/{index}") for index, m in enumerate(exercise.modifications)]
    return found


def _found_at(rule: Rule, at: str, found: list[tuple[Rule, backext.Problem]]) -> bool:
    inside = (at, f"{at}/")
    return any(r is rule and (p.path == at or p.path.startswith(inside[1])) for r, p in found)


@settings(max_examples=4 * settings.default.max_examples)
@given(exercise=exercises())
def test_each_rule_is_proved_exactly_when_the_checks_find_nothing(exercise):
    pack = attrs.evolve(PACK, exercises=(*PACK.exercises[:2], exercise))
    found = list(checked_rules(pack))
    instances = _instances(exercise)
    in_range = all(
        _holds(rule, instance, proof=False)
        for instance, _ in instances
        for rule in RULES
        if rule.model is type(instance) and rule.code == "number-out-of-range"
    )
    for instance, at in instances:
        for rule in RULES:
            if rule.model is not type(instance) or (rule.condition is None and rule.proof is None):
                continue
            if rule.condition is None and rule.each is None:
                continue  # a sufficient proof of a rule checked in code elsewhere (the ladder's length)
            if rule.gated and not in_range:
                continue  # not checked then: the range is reported instead
            proved = _holds(rule, instance, proof=True)
            reported = _found_at(rule, at, found)
            if rule.name in SUFFICIENT:
                assert not (proved and reported), (rule.name, at)
            else:
                assert proved == (not reported), (rule.name, at, [p for r, p in found if r is rule])


@given(exercise=exercises())
def test_the_ranges_other_bounds_imply_are_implied(exercise):
    for instance, _ in _instances(exercise):
        rules = [r for r in RULES if r.model is type(instance) and r.condition is not None]
        others = all(_holds(r, instance, proof=True) for r in rules if not r.implied)
        if others:
            assert all(_holds(r, instance, proof=False) for r in rules if r.implied)


@given(exercise=exercises())
def test_the_fast_proof_of_each_class_is_the_conjunction_of_its_rules(exercise):
    for instance, _ in _instances(exercise):
        model = type(instance)
        combined = eval(  # noqa: S307 - the derived proof, as the fast loader evaluates it
            proof(model, lambda name: ast.Attribute(ast.Name("self", ast.Load()), name)),
            {**NAMES, "self": instance},
        )
        parts = [
            _holds(rule, instance, proof=True)
            for rule in RULES
            if rule.model is model
            and not (rule.implied or rule.linked)
            and (rule.condition is not None or rule.proof is not None)
        ]
        assert bool(combined) == all(parts), model


def test_every_rule_names_a_known_code_and_fills_its_message():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.code in PROBLEM_CODES, rule.name
        if rule.condition is not None:
            placeholders = {p for _, p, _, _ in __import__("string").Formatter().parse(rule.message) if p}
            assert placeholders == set(rule.values), rule.name
        if rule.schema is not None:
            assert rule.severity == "error", "a schema cannot warn"


# --- the schema --------------------------------------------------------------

SCHEMA = backext.json_schema()
_DOCUMENT = json.loads(backext.dump_pack(PACK, "json"))
_CHOICES: dict[str, list[object]] = {
    "int": [-2, -1, 0, 1, 2, 5],
    "float": [-1, 0, 0.5, 1, 2.5],
    "str": ["a", "chest-lift", "Chest Lift", "-a", "a--b", "en", "de-CH", "de_DE", "es-419", "", "x1"],
}


def _bounded() -> list[tuple[Rule, str]]:
    return [(rule, rule.each or rule.field) for rule in RULES if rule.schema is not None]


def _candidates(rule: Rule, field: str) -> list[object]:
    value = getattr(_sample(rule.model), field)
    if isinstance(value, bool):
        return [True, False]
    if isinstance(value, int):
        return _CHOICES["int"]
    if isinstance(value, float) or (value is None and field == "increment_seconds"):
        return [None, *_CHOICES["float"]]
    if isinstance(value, str):
        return _CHOICES["str"]
    return [value[:0], value[:1], (*value[:1], *value[:1]), value]


def _sample(model: type) -> object:
    exercise = PACK.exercises[2]
    return {
        backext.Pack: PACK,
        backext.Exercise: exercise,
        Hold: attrs.evolve(exercise.hold, increment_seconds=1),
        Repetitions: exercise.repetitions,
        Progression: exercise.progression,
        Modification: exercise.modifications[0],
        backext.Source: PACK.sources[0],
        backext.Avoid: PACK.avoid[0],
    }[model]


@pytest.mark.parametrize(("rule", "field"), _bounded(), ids=[rule.name for rule, _ in _bounded()])
def test_the_schema_accepts_the_values_the_rule_accepts(rule, field):
    definition = SCHEMA if rule.model is backext.Pack else SCHEMA["$defs"][rule.model.__name__]
    schema = {"$defs": SCHEMA["$defs"], **definition["properties"][field]}
    checked = 0
    for value in _candidates(rule, field):
        instance = attrs.evolve(_sample(rule.model), **{field: value})
        unstructured = backext.converter.unstructure(value) if not isinstance(value, str | int | float) else value
        if value is None:
            unstructured = None
        accepted = jsonschema.Draft202012Validator(schema).is_valid(unstructured)
        bounding = [r for r, f in _bounded() if r.model is rule.model and f == field]  # every bound of the field
        assert accepted == all(_holds(r, instance, proof=True) for r in bounding), (rule.name, value)
        checked += 1
    assert checked >= 3


# --- what a variation changes ----------------------------------------------------


@settings(max_examples=2 * settings.default.max_examples)
@given(pack=packs(warnings=True))
def test_changes_dose_is_what_the_engine_prescribes(pack):
    for exercise in pack.exercises:
        doses = [d for d in ladder(pack, pack.exercises[0].id) if d.exercise_id == exercise.id]
        if not doses:
            continue
        for modification in exercise.modifications:
            changed = any(
                effective(prescribe(exercise, dose, (modification.id,))) != effective(prescribe(exercise, dose, ()))
                for dose in doses
            )
            assert changes_dose(exercise.hold, exercise.repetitions, exercise.progression, modification) == changed


def test_a_link_to_the_same_level_is_allowed_and_followed():
    """Docs and validator agree: a next (or previous) exercise may be at the same level."""
    document = json.loads(backext.dump_pack(PACK, "json"))
    document["exercises"][1]["level"] = "beginner"  # hand-press-up, now at the level of forearm-press-up
    document["exercises"][2]["level"] = "intermediate"
    # The forearms' longer start would make a step back from the hands ask for more: warned of.
    assert [p.code for p in backext.validate_pack(document)] == ["previous-asks-more"]
    document["exercises"][1]["repetitions"]["sets"] = 2  # the hands ask for more sets: neither asks for more
    assert backext.validate_pack(document) == []
    pack = backext.load_pack(document)
    climbed = [d.exercise_id for d in backext.ladder(pack, "forearm-press-up")]
    assert climbed.index("hand-press-up") > climbed.index("forearm-press-up")


def test_a_one_way_link_whose_way_down_asks_for_more_is_warned_of_at_the_link():
    # Found by a black-box attack: the engine retraces a one-way link down to a same-level exercise with a longer
    # start, and only one-way-link was said, whose words do not tell that the numbers rise.
    document = json.loads(backext.dump_pack(PACK, "json"))
    document["exercises"][1]["level"] = "beginner"
    document["exercises"][2]["level"] = "intermediate"
    del document["exercises"][1]["progression"]["previous_exercise"]
    found = [(p.code, p.path) for p in backext.validate_pack(document)]
    at = "/exercises/0/progression/next_exercise"
    assert found == [("one-way-link", at), ("previous-asks-more", at)]


def test_an_unknown_variation_in_a_stored_state_suggests_the_nearest():
    state = backext.start(PACK, "prone-chest-lift")
    stored = backext.converter.unstructure(state)
    stored["prescription"]["modifications"] = ["leg-lfit"]
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(stored, PACK)
    problem = caught.value.problems[0]
    assert (problem.code, problem.path) == ("unknown-variation", "/prescription/modifications/0")
    assert problem.message.endswith("did you mean 'leg-lift'?")
