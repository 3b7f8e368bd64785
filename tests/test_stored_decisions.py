"""Decisions, reasons, problems and messages written as JSON by the converter read back equal, in every language."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import LocalizedText, Message

from .strategies import session_logs


PACK = backext.builtin_pack()
LANGUAGES = ("en", "de", "fr", "es")


def _through_json(value: object, cls: type) -> object:
    return backext.converter.structure(json.loads(json.dumps(backext.converter.unstructure(value))), cls)


# Found by a black-box attack: a Reason, a Decision, a Problem or a Message the converter had written could not be
# read back ("the values of a message must be (name, value) pairs, not ['pain', 4]"), so a stored decision could
# not be said again later in another language; a date value would have come back as a string.


@given(data=st.data(), exercise=st.sampled_from([e.id for e in PACK.exercises]))
def test_every_decision_read_back_is_equal_and_says_the_same(data, exercise):
    state = backext.start(PACK, exercise)
    for _ in range(data.draw(st.integers(1, 6))):
        log = data.draw(session_logs(state.prescription, state.last_session))
        try:
            decision = backext.step(PACK, state, log)
        except backext.SessionError:
            break
        back = _through_json(decision, backext.Decision)
        assert back == decision
        for language in LANGUAGES:
            assert back.messages(language) == decision.messages(language)
        state = decision.state
        if state.stop is not None:
            break
        if state.pending is not None:
            state = backext.report_next_day(PACK, state, 0).state


def test_a_message_of_every_kind_of_value_reads_back_equal():
    inner = Message(template="{t}", values={"t": LocalizedText({"en": "Rest", "de": "Ruhe"})}, default_locale="de")
    message = Message(
        template="{n} day on {d}: {i} {s}",
        plural="{n} days on {d}: {i} {s}",
        count=2,
        values={"n": 2, "d": datetime.date(2026, 1, 5), "i": inner, "s": "x"},
    )
    back = _through_json(message, Message)
    assert back == message
    for language in LANGUAGES:
        assert back.render(language) == message.render(language)


def test_problems_read_back_equal():
    problems = backext.validate_pack('{"id": "Bad Id", "title": 5}', format="json")
    for problem in problems:
        back = _through_json(problem, backext.Problem)
        assert back == problem
        assert back.render("de") == problem.render("de")


@pytest.mark.parametrize(
    "written",
    [
        {"template": "{a}", "values": [["a", True]]},
        {"template": "{a}", "values": [["a", {"when": "2026-01-05"}]]},
        {"template": "{a}", "values": [["a", {"date": "5 January"}]]},
        {"template": "{a}", "values": {"a": 1}},
        {"template": "{a}"},
        {"template": "x", "colour": "red"},
        "x",
    ],
)
def test_a_message_that_was_not_written_by_the_converter_is_refused(written):
    with pytest.raises(Exception) as caught:  # cattrs wraps what the hooks raise
        backext.converter.structure(written, Message)
    assert isinstance(caught.value, (TypeError, ValueError)) or caught.value.exceptions
