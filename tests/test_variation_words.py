"""The variation in use, named wherever the dose is shown; the reasons of a pack update and a wrong log in words."""

from __future__ import annotations

import datetime
import json

import pytest

import backext
from backext import CueKind
from backext._cli import main
from backext._reconcile import dose_words


PACK = backext.builtin_pack()
D = datetime.date


def _leg_lift_until_the_tenth() -> backext.State:
    """The prone chest lift with the leg lift, cleared from 1 to 10 January 2026."""
    state = backext.start(PACK, "prone-chest-lift")
    state = backext.record_clearance(
        state, date=D(2026, 1, 1), modifications=["leg-lift"], pack=PACK, until=D(2026, 1, 10)
    )
    return backext.choose_modifications(PACK, state, ["leg-lift"])


def _state_file(tmp_path, state: backext.State) -> str:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(backext.converter.unstructure(state)), encoding="utf-8")
    return str(path)


def _run(capsys, *argv: str) -> str:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert (status, err) == (0, ""), err
    return out


# --- The text plan names the variation in use, and the day it ends ---------------------------------------------------


def test_the_text_plan_names_the_variation_in_use_and_the_day_it_is_no_longer_used(tmp_path, capsys):
    state = _state_file(tmp_path, _leg_lift_until_the_tenth())
    out = _run(capsys, "plan", "--state", state, "--weeks", "2", "--start-date", "2026-01-05", "--locale", "en")
    rows = {line[:10]: line for line in out.splitlines() if line[:4] == "2026" and "  " in line}
    for day in ("2026-01-05", "2026-01-07", "2026-01-10"):
        assert "Prone chest lift (Chest and leg lift)" in rows[day]
    for day in ("2026-01-12", "2026-01-14", "2026-01-17"):
        assert "Chest and leg lift" not in rows[day]
    lines = out.splitlines()
    assert "2026-01-12: No longer in use: the variation Chest and leg lift." in lines
    # The lines under the table in the order of their days: the start, then the day the variation ends.
    assert lines.index("2026-01-05: Prone chest lift (advanced)") < lines.index(
        "2026-01-12: No longer in use: the variation Chest and leg lift."
    )


def test_the_text_plan_names_the_variation_in_the_language_asked_for(tmp_path, capsys):
    state = _state_file(tmp_path, _leg_lift_until_the_tenth())
    out = _run(capsys, "plan", "--state", state, "--weeks", "2", "--start-date", "2026-01-05", "--locale", "de")
    assert "Oberkörper heben in Bauchlage (Oberkörper und Beine heben)" in out
    assert "12.01.2026: Nicht mehr in Gebrauch: die Variante Oberkörper und Beine heben." in out.splitlines()
    out = _run(capsys, "plan", "--state", state, "--weeks", "2", "--start-date", "2026-01-05", "--locale", "fr")
    assert "12/01/2026 : Plus utilisée : la variante Soulèvement du buste et des jambes." in out.splitlines()


def test_a_plan_without_variations_has_no_variation_words(capsys):
    out = _run(capsys, "plan", "--exercise", "prone-chest-lift", "--weeks", "2", "--start-date", "2026-01-05")
    assert "(Chest and leg lift)" not in out
    assert "No longer in use" not in out


# --- The coached session names the variation in use ------------------------------------------------------------------


def test_a_coached_session_names_the_variation_in_use_first():
    state = _leg_lift_until_the_tenth()
    cues = backext.timeline(PACK, state, on=D(2026, 1, 5))
    assert cues[0].kind is CueKind.VARIATION
    assert (cues[0].offset_seconds, cues[0].text, cues[0].set, cues[0].repetition) == (
        0,
        "Variation: Chest and leg lift",
        None,
        None,
    )
    assert [cue.kind for cue in cues[1:5]] == [CueKind.STEP] * 4
    assert cues[1].offset_seconds == 5  # the variation's cue takes as long as a step
    assert [cue for cue in cues if cue.kind is CueKind.VARIATION] == [cues[0]]
    plain = backext.timeline(PACK, backext.start(PACK, "prone-chest-lift"))
    assert cues[-1].offset_seconds == plain[-1].offset_seconds + 5


def test_a_coached_session_after_the_clearance_has_ended_names_no_variation():
    cues = backext.timeline(PACK, _leg_lift_until_the_tenth(), on=D(2026, 1, 12))
    assert CueKind.VARIATION not in {cue.kind for cue in cues}
    assert cues[0].kind is CueKind.STEP


def test_an_apps_variation_phrase_is_used_as_it_is_with_the_names_in_the_locale():
    phrases = backext.Phrases(variation="Heute: {names}")
    cues = backext.timeline(PACK, _leg_lift_until_the_tenth(), on=D(2026, 1, 5), phrases=phrases, locale="de")
    assert cues[0].text == "Heute: Oberkörper und Beine heben"
    with pytest.raises(ValueError, match="variation"):
        backext.timeline(PACK, _leg_lift_until_the_tenth(), phrases=backext.Phrases(variation="{sets}"))


def test_a_coached_session_names_several_variations_in_one_cue_in_the_plural():
    data = backext.converter.unstructure(PACK)
    lift = next(e for e in data["exercises"] if e["id"] == "prone-chest-lift")
    arms = dict(lift["modifications"][0], id="arms-forward", requires_clearance=False, media=[])
    arms["name"] = {"en": "Arms forward", "de": "Arme nach vorn"}
    lift["modifications"].append(arms)
    pack = backext.load_pack(data)
    state = backext.start(pack, "prone-chest-lift")
    state = backext.record_clearance(state, date=D(2026, 1, 1), modifications=["leg-lift"], pack=pack)
    state = backext.choose_modifications(pack, state, ["leg-lift", "arms-forward"])
    cues = backext.timeline(pack, state, on=D(2026, 1, 5))
    assert [cue.text for cue in cues if cue.kind is CueKind.VARIATION] == [
        "Variations: Chest and leg lift; Arms forward"
    ]
    german = backext.timeline(pack, state, on=D(2026, 1, 5), locale="de")
    assert german[0].text == "Varianten: Oberkörper und Beine heben; Arme nach vorn"


def test_the_session_command_names_the_variation_in_use(tmp_path, capsys):
    state = _state_file(tmp_path, _leg_lift_until_the_tenth())
    out = _run(capsys, "session", "--state", state, "--date", "2026-01-05", "--locale", "en")
    assert out.splitlines()[0].split() == ["00:00", "variation", "Variation:", "Chest", "and", "leg", "lift"]
    cues = json.loads(
        _run(capsys, "session", "--state", state, "--date", "2026-01-05", "--locale", "fr", "--format", "json")
    )
    assert cues[0]["kind"] == "variation"
    assert "Soulèvement du buste et des jambes" in cues[0]["text"]


def test_a_coached_session_names_the_variation_in_german():
    cues = backext.timeline(PACK, _leg_lift_until_the_tenth(), on=D(2026, 1, 5), locale="de")
    assert cues[0].text == "Variante: Oberkörper und Beine heben"


# --- The pack-changed reason: names, plural, sets ------------------------------------------------------------------


def _pack_v2(*, sets: int = 2, modifications: list[dict] | None = None) -> backext.Pack:
    data = backext.converter.unstructure(PACK)
    data["version"] = "2.0.0"
    lift = next(e for e in data["exercises"] if e["id"] == "prone-chest-lift")
    lift["repetitions"] = {"minimum": 5, "maximum": 5, "sets": sets}
    if modifications is not None:
        lift["modifications"] = modifications
    return backext.load_pack(data)


def _pack_changed(new: backext.Pack) -> backext.Reason:
    state = _leg_lift_until_the_tenth()
    state = backext.step(PACK, state, backext.SessionLog.as_prescribed(state.prescription, D(2026, 1, 3))).state
    decision = backext.step(new, state, backext.SessionLog.as_prescribed(state.prescription, D(2026, 1, 6)))
    return next(r for r in decision.reasons if r.code == "pack-changed")


def test_pack_changed_names_the_pack_and_the_variation_and_says_the_sets():
    new = _pack_v2()
    reason = _pack_changed(new)
    said = reason.render("en")
    assert said.startswith("the pack Back extension exercises for osteoporosis changed (version 1.0.0 to 2.0.0)")
    assert "the dose is now 5 s hold, 5 repetitions, 2 sets" in said
    assert "'backext-core'" not in said
    assert "'leg-lift'" not in said
    if "dropped" in said:  # one variation: the singular
        assert said.endswith("; the variation Chest and leg lift is dropped")
    # A reason is data: its values render in the language asked for, the pack's title too.
    assert "Rückenstreckübungen bei Osteoporose" in reason.render("de")


def test_pack_changed_keeps_the_id_of_a_variation_the_pack_no_longer_has():
    said = _pack_changed(_pack_v2(sets=1, modifications=[])).render("en")
    assert said.endswith("the dose is now 5 s hold, 5 repetitions; the variation 'leg-lift' is dropped")


def test_pack_changed_says_several_dropped_variations_in_the_plural_by_their_names():
    def pack(version: str, *, cleared: bool) -> backext.Pack:
        data = backext.converter.unstructure(PACK)
        data["version"] = version
        lift = next(e for e in data["exercises"] if e["id"] == "prone-chest-lift")
        arms = dict(lift["modifications"][0], id="arms-forward", media=[])
        arms["name"] = {"en": "Arms forward", "de": "Arme nach vorn"}
        lift["modifications"].append(arms)
        for modification in lift["modifications"]:
            modification["requires_clearance"] = cleared
        return backext.load_pack(data)

    old = pack("1.0.0", cleared=False)
    state = backext.choose_modifications(old, backext.start(old, "prone-chest-lift"), ["leg-lift", "arms-forward"])
    state = backext.step(old, state, backext.SessionLog.as_prescribed(state.prescription, D(2026, 1, 3))).state
    new = pack("2.0.0", cleared=True)  # both now need a clearance, which is not on record
    decision = backext.step(new, state, backext.SessionLog.as_prescribed(state.prescription, D(2026, 1, 6)))
    reason = next(r for r in decision.reasons if r.code == "pack-changed")
    assert reason.render("en").endswith("; the variations Chest and leg lift, Arms forward are dropped")
    assert "Oberkörper und Beine heben, Arme nach vorn" in reason.render("de")


def test_pack_changed_in_german_says_the_hold_and_the_variation_by_name():
    # Needs the catalogs: the new plural msgid, and "{hold} s hold" as the noun (Haltezeit).
    said = _pack_changed(_pack_v2()).render("de")
    assert "das Paket Rückenstreckübungen bei Osteoporose hat sich geändert (von Version 1.0.0 auf 2.0.0)" in said
    assert "die Dosis ist jetzt 5 s Haltezeit, 5 Wiederholungen, 2 Sätze" in said
    if "Oberkörper und Beine heben" in said:
        assert said.endswith("die Variante Oberkörper und Beine heben entfällt")


def test_dose_words_say_the_sets_only_when_more_than_one():
    prescription = backext.start(PACK, "prone-chest-lift").prescription
    assert dose_words(prescription, "en").render() == "5 s hold, 8 repetitions"
    two = backext.Prescription(
        exercise_id="prone-chest-lift", level=backext.Level.ADVANCED, hold_seconds=1, repetitions=1, sets=2
    )
    assert dose_words(two, "en").render() == "1 s hold, 1 repetition, 2 sets"
    assert dose_words(two, "en").render("fr").endswith("2 séries")


# --- The wrong-exercise reason names the exercises -----------------------------------------------------------------


def _wrong_exercise(exercise_id: str) -> backext.Reason:
    state = backext.start(PACK, "forearm-press-up")
    log = backext.SessionLog(
        date=D(2026, 1, 5),
        exercise_id=exercise_id,
        repetitions_completed=10,
        hold_seconds=1,
        pain=0,
        red_flags=frozenset({"rib-or-chest-pain"}),
    )
    decision = backext.step(PACK, state, log)
    assert decision.action is backext.Action.STOP
    return next(r for r in decision.reasons if r.code == "wrong-exercise")


def test_the_wrong_exercise_reason_names_the_exercises_by_their_names():
    reason = _wrong_exercise("hand-press-up")
    assert reason.render("en") == "the log is for Press-up on the hands, but Forearm press-up was prescribed"
    assert reason.render("de") == (
        "der Eintrag gilt Aufrichten auf die Hände, verordnet war aber Aufrichten auf die Unterarme"
    )


def test_the_wrong_exercise_reason_keeps_the_id_of_an_exercise_the_pack_does_not_have():
    said = _wrong_exercise("no-such-exercise").render("en")
    assert said == "the log is for 'no-such-exercise', but Forearm press-up was prescribed"


# --- "hold" in the dose of a reason is the glossary's noun ----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "hold"),
    [("de", "1 s Haltezeit"), ("fr", "maintien de 1 s"), ("es", "tiempo de mantener de 1 s")],
)
def test_the_level_up_reason_says_the_hold_with_the_glossarys_term(language, hold):
    # Needs the catalogs: "{hold} s hold, {count} repetition(s)" translated with the noun.
    state = backext.start(PACK, "forearm-press-up")
    day = D(2026, 1, 1)
    for _ in range(40):
        day += datetime.timedelta(days=2)
        decision = backext.step(PACK, state, backext.SessionLog.as_prescribed(state.prescription, day))
        state = decision.state
        level_up = [r for r in decision.reasons if r.code == "level-up"]
        if level_up:
            break
    said = level_up[0].render(language)
    assert hold in said, said
