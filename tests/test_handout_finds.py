"""The handout's answers to the findings of a black-box test (attack15, session 2), one test or more each."""

from __future__ import annotations

import datetime
import json

import pytest

import backext
from backext._cli import main
from handouts import Page


@pytest.fixture(scope="module")
def pack() -> backext.Pack:
    return backext.builtin_pack()


# -- S2-F13: a clearance that has ended ------------------------------------------------------------


def _leg_lift_until_january(pack: backext.Pack) -> backext.State:
    state = backext.start(pack, "prone-chest-lift")
    state = backext.record_clearance(
        state,
        date=datetime.date(2026, 1, 1),
        modifications=["leg-lift"],
        pack=pack,
        until=datetime.date(2026, 1, 31),
    )
    return backext.choose_modifications(pack, state, ["leg-lift"], on=datetime.date(2026, 1, 2))


def test_a_variation_whose_clearance_has_ended_is_not_in_use(pack):
    state = _leg_lift_until_january(pack)
    after = Page(backext.handout(pack, state, on=datetime.date(2026, 2, 1)))
    assert "Variation in use" not in after.texts("dt")
    assert "in use now" not in " ".join(after.text)
    # The very dose the engine plans for that day.
    planned = backext.plan(pack, state, start_date=datetime.date(2026, 2, 1), weeks=1).sessions[0].prescription
    assert planned.modifications == ()
    assert after.texts("dd")[:3] == [f"{planned.hold_seconds:g} seconds", str(planned.repetitions), str(planned.sets)]
    during = Page(backext.handout(pack, state, on=datetime.date(2026, 1, 31)))
    assert during.texts("dd")[-1] == "Chest and leg lift"
    assert "in use now" in " ".join(during.text)


def test_the_day_of_the_handout_is_today_by_default(pack):
    state = _leg_lift_until_january(pack)
    assert backext.handout(pack, state) == backext.handout(pack, state, on=datetime.date.today())


def test_the_day_must_be_a_date(pack):
    with pytest.raises(TypeError, match="on must be a datetime.date"):
        backext.handout(pack, "forearm-press-up", on="2026-02-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on must be a datetime.date"):
        backext.handout(pack, "forearm-press-up", on=datetime.datetime(2026, 2, 1))  # noqa: DTZ001


def test_before_the_resume_day_the_page_is_for_that_day(pack):
    stopped = backext.step(
        pack,
        backext.start(pack, "prone-chest-lift"),
        backext.SessionLog(
            date=datetime.date(2026, 1, 5), exercise_id="prone-chest-lift", repetitions_completed=8, hold_seconds=5, pain=8
        ),
    ).state
    cleared = backext.record_clearance(
        stopped, date=datetime.date(2026, 2, 15), pack=pack, modifications=["leg-lift"], until=datetime.date(2026, 2, 20)
    )
    cleared = backext.choose_modifications(pack, cleared, ["leg-lift"], on=datetime.date(2026, 2, 15))
    page = " ".join(Page(backext.handout(pack, cleared, on=datetime.date(2026, 1, 26))).text)
    assert "cleared you to exercise again from 2026-02-15" in page
    assert "in use now" in page  # the clearance is in force on the first day the person may exercise


def test_the_command_takes_the_day(capsys, tmp_path, pack):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(backext.converter.unstructure(_leg_lift_until_january(pack))), encoding="utf-8")
    assert main(["handout", "--state", str(path), "--date", "2026-02-01"]) == 0
    assert "in use now" not in capsys.readouterr().out
    assert main(["handout", "--state", str(path), "--date", "2026-01-15"]) == 0
    assert "in use now" in capsys.readouterr().out
