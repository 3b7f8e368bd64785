"""The plan as iCalendar: parsed back with icalendar, and checked against RFC 5545's rules line by line."""

from __future__ import annotations

import datetime
import json
import re
import sys
import zoneinfo

import attrs
import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext._calendar import (
    CALENDAR_OCTETS,
    DISCLAIMER_CHARACTERS,
    EVENT_OCTETS,
    NAME_CHARACTERS,
    PRODID,
    STEPS_CHARACTERS,
    UnreadableCalendarError,
    bidi_closed,
    calendar_text,
    excerpt,
    session_uid,
)
from backext._cli import main
from backext._render import describe_prescription, one_line


PACK = backext.builtin_pack()
MONDAY = datetime.date(2026, 1, 5)
NOW = datetime.datetime(2026, 1, 1, 8, 30, tzinfo=datetime.timezone.utc)
LATER = datetime.datetime(2026, 1, 20, 18, 0, tzinfo=datetime.timezone.utc)
UTC = datetime.timezone.utc


def make_plan(
    pack: backext.Pack = PACK, start: datetime.date = MONDAY, weeks: int = 2, days: int = 3, exercise: str | None = None
) -> backext.Plan:
    state = backext.start(pack, exercise or pack.exercises[0].id)
    return backext.plan(pack, state, start_date=start, days_per_week=days, weeks=weeks)


# --- RFC 5545, checked on the bytes --------------------------------------------------------------------------------

#: A content line: name, parameters, value (RFC 5545 section 3.1), once unfolded.
_CONTENT_LINE = re.compile(r"^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:\"[^\"]*\"|[^\";:,]*)(?:,[^\";:,]*)*)*):(.*)$")
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def content_lines(data: bytes) -> list[str]:
    """The unfolded content lines of *data*, checking the physical rules on the way."""
    assert data.endswith(b"\r\n"), "the last line ends with CRLF"
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\r" not in line, f"a bare CR: {line!r}"
        assert b"\n" not in line, f"a bare LF: {line!r}"
        assert len(line) <= 75, f"a line longer than 75 octets ({len(line)}): {line!r}"
        line.decode("utf-8")  # folding never splits a character (RFC 5545 section 3.1: SHOULD NOT)
    unfolded: list[bytes] = []
    for line in physical:
        if line[:1] in {b" ", b"\t"}:
            assert unfolded, "a continuation line with nothing to continue"
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    return [line.decode("utf-8") for line in unfolded]


def check_rfc5545(data: bytes) -> icalendar.Calendar:
    """Check *data* against RFC 5545's rules (our own reading, and icalendar's validation); return it parsed."""
    lines = content_lines(data)
    stack: list[tuple[str, dict[str, list[str]]]] = []
    tzids_used: set[str] = set()
    tzids_defined: set[str] = set()
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    for line in lines:
        match = _CONTENT_LINE.match(line)
        assert match, f"not a content line: {line!r}"
        name, parameters, value = match.group(1).upper(), match.group(2), match.group(3)
        assert not _CONTROL.search(value), f"a control character in {line!r}"
        if name == "BEGIN":
            stack.append((value, {}))
            continue
        if name == "END":
            component, properties = stack.pop()
            assert component == value
            check_component(component, properties)
            continue
        stack[-1][1].setdefault(name, []).append(value)
        tzid = re.search(r";TZID=([^;:]+)", parameters)
        if tzid:
            tzids_used.add(tzid.group(1))
        if name == "TZID" and stack[-1][0] == "VTIMEZONE":
            tzids_defined.add(value)
        if name in {"SUMMARY", "DESCRIPTION", "NAME", "X-WR-CALNAME", "CATEGORIES"}:
            check_escaped(value)
    assert not stack
    assert tzids_used <= tzids_defined, "every TZID has its VTIMEZONE (RFC 5545 section 3.2.19)"
    calendar = icalendar.Calendar.from_ical(data)
    calendar.validate()  # the library's own check of the required properties and components
    for component in calendar.walk():
        assert not component.errors, component.errors  # icalendar keeps what it could not parse here
    return calendar


def check_component(component: str, properties: dict[str, list[str]]) -> None:
    def once(*names: str) -> None:
        for name in names:
            assert len(properties.get(name, [])) == 1, f"{component} has {name} {len(properties.get(name, []))} times"

    def at_most_once(*names: str) -> None:
        for name in names:
            assert len(properties.get(name, [])) <= 1, f"{component} has {name} more than once"

    if component == "VCALENDAR":
        once("PRODID", "VERSION")
        assert properties["VERSION"] == ["2.0"]
    elif component == "VEVENT":
        once("UID", "DTSTAMP", "DTSTART")  # DTSTART: required without METHOD (section 3.6.1)
        at_most_once("SUMMARY", "DESCRIPTION", "DTEND", "SEQUENCE", "LAST-MODIFIED", "CREATED", "STATUS", "TRANSP")
        assert "DURATION" not in properties or "DTEND" not in properties
        for name in ("DTSTAMP", "LAST-MODIFIED", "CREATED"):
            for value in properties.get(name, []):
                assert re.fullmatch(r"\d{8}T\d{6}Z", value), f"{name} is in UTC (section 3.8.7): {value}"
    elif component == "VALARM":
        once("ACTION", "TRIGGER")
        assert properties["ACTION"] == ["DISPLAY"]
        once("DESCRIPTION")  # required for a DISPLAY alarm (section 3.6.6)


def unescape_text(value: str) -> str:
    """The text an escaped TEXT value stands for (RFC 5545 section 3.3.11)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def check_escaped(value: str) -> None:
    r"""In a TEXT value, ``,`` ``;`` and ``\`` appear only escaped, and a backslash only before one of ``\;,nN``."""
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            assert value[index + 1 : index + 2] in {"\\", ";", ",", "n", "N"}, f"a bad escape in {value!r}"
            index += 2
            continue
        assert char not in ",;", f"an unescaped {char!r} in {value!r}"
        index += 1


# --- What the events say -------------------------------------------------------------------------------------------


def test_every_planned_session_is_one_all_day_event_with_the_dose_in_its_title():
    plan = make_plan(weeks=12)
    data = backext.plan_calendar(PACK, plan, now=NOW)
    calendar = check_rfc5545(data)
    assert calendar["PRODID"] == PRODID
    events = calendar.events
    assert len(events) == len(plan.sessions) == 36
    for event, planned in zip(events, plan.sessions, strict=True):
        name = PACK.localize(PACK.exercise(planned.prescription.exercise_id).name)
        dose = describe_prescription(planned.prescription)
        assert event.decoded("DTSTART") == planned.date
        assert event.decoded("DTEND") == planned.date + datetime.timedelta(days=1)
        assert str(event["SUMMARY"]) == f"{name}: {dose}"
        description = str(event["DESCRIPTION"])
        assert description.startswith(describe_prescription(planned.prescription, sentence=True) + "\n")
        assert "1. Lie on your front" in description or "1. Kneel" in description or "1. " in description
        assert description.endswith(PACK.localize(PACK.disclaimer))
        assert str(event["UID"]) == session_uid(planned.date, series=PACK.id)
        assert str(event["TRANSP"]) == "TRANSPARENT"  # an all-day session does not make the day busy
        assert event.decoded("DTSTAMP") == NOW.replace(microsecond=0)
        assert event["SEQUENCE"] == 0
        assert not event.subcomponents  # no alarm unless asked
    assert str(events[0]["SUMMARY"]) == "Forearm press-up: hold for 5 seconds; 10 repetitions, 1 set"
    assert "A step up from the session before." in str(events[3]["DESCRIPTION"])
    assert "The first session of the plan." in str(events[0]["DESCRIPTION"])
    assert "Press-up on the hands" in str(events[-1]["SUMMARY"]) or "Prone chest lift" in str(events[-1]["SUMMARY"])


def test_uids_are_stable_unique_and_depend_on_the_day_and_series_only():
    plan = make_plan(weeks=4)
    first = icalendar.Calendar.from_ical(backext.plan_calendar(PACK, plan, now=NOW))
    again = icalendar.Calendar.from_ical(backext.plan_calendar(PACK, plan, now=LATER, reminder=datetime.time(9)))
    uids = [str(e["UID"]) for e in first.events]
    assert len(set(uids)) == len(uids)
    assert uids == [str(e["UID"]) for e in again.events]
    other_dose = make_plan(weeks=4, exercise="prone-chest-lift")
    changed = icalendar.Calendar.from_ical(backext.plan_calendar(PACK, other_dose, now=NOW))
    assert [str(e["UID"]) for e in changed.events] == uids  # the same days: the same events, updated
    person = icalendar.Calendar.from_ical(backext.plan_calendar(PACK, plan, now=NOW, series="person-2"))
    assert not {str(e["UID"]) for e in person.events} & set(uids)


def test_the_same_plan_and_time_give_the_same_bytes():
    plan = make_plan()
    assert backext.plan_calendar(PACK, plan, now=NOW) == backext.plan_calendar(PACK, plan, now=NOW)


def test_texts_follow_the_locale():
    title = backext.LocalizedText({"en": "Forearm press-up", "de": "Unterarmstütz"})
    exercises = (attrs.evolve(PACK.exercises[0], name=title), *PACK.exercises[1:])
    pack = attrs.evolve(PACK, exercises=exercises)
    events = icalendar.Calendar.from_ical(backext.plan_calendar(pack, make_plan(pack), locale="de", now=NOW)).events
    assert str(events[0]["SUMMARY"]) == "Unterarmstütz: 5 Sekunden halten; 10 Wiederholungen, 1 Satz"
    assert "Schritte:" in str(events[0]["DESCRIPTION"])
    assert "Die erste Einheit des Plans." in str(events[0]["DESCRIPTION"])
    assert [str(c) for c in events[0]["CATEGORIES"].cats] == ["Übung"]
    french = icalendar.Calendar.from_ical(backext.plan_calendar(pack, make_plan(pack), locale="fr-CA", now=NOW))
    assert str(french.events[0]["SUMMARY"]) == "Forearm press-up : tenir 5 secondes ; 10 répétitions, 1 série"
    with pytest.raises(ValueError, match="not a language tag"):
        backext.plan_calendar(pack, make_plan(pack), locale="de DE", now=NOW)


# --- Times, zones and reminders ------------------------------------------------------------------------------------


def test_timed_sessions_keep_their_local_time_across_daylight_saving_changes():
    plan = make_plan(start=datetime.date(2026, 3, 23), weeks=2)  # Europe/Berlin moves its clocks on 29 March
    data = backext.plan_calendar(
        PACK, plan, time=datetime.time(7, 30), timezone="Europe/Berlin", duration=datetime.timedelta(minutes=20)
    )
    calendar = check_rfc5545(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    offsets = set()
    for event, planned in zip(calendar.events, plan.sessions, strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (start.date(), start.time(), str(start.tzinfo)) == (planned.date, datetime.time(7, 30), "Europe/Berlin")
        assert end - start == datetime.timedelta(minutes=20)
        offsets.add(start.utcoffset())
        assert "TRANSP" not in event
    assert offsets == {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}
    assert b"DTSTART;TZID=Europe/Berlin:20260323T073000\r\n" in data


def test_utc_sessions_are_written_in_utc_without_a_vtimezone():
    data = backext.plan_calendar(PACK, make_plan(weeks=1), time=datetime.time(18), timezone="UTC", now=NOW)
    calendar = check_rfc5545(data)
    assert not calendar.walk("VTIMEZONE")
    assert b"DTSTART:20260105T180000Z\r\n" in data
    assert calendar.events[0].decoded("DTSTART") == datetime.datetime(2026, 1, 5, 18, tzinfo=UTC)
    same = backext.plan_calendar(PACK, make_plan(weeks=1), time=datetime.time(18), timezone=UTC, now=NOW)
    assert same == data


@pytest.mark.parametrize(
    ("time", "reminder", "trigger"),
    [
        (None, datetime.timedelta(minutes=30), "-PT30M"),
        (None, datetime.time(9), "PT9H"),
        (datetime.time(18), datetime.timedelta(hours=2), "-PT2H"),
        (datetime.time(18), datetime.time(9, 15), "20260105T081500Z"),
        (datetime.time(6), datetime.timedelta(0), "P0D"),
    ],
)
def test_reminders_are_alarms_before_the_start(time, reminder, trigger):
    zone = None if time is None else "Europe/Paris"
    data = backext.plan_calendar(PACK, make_plan(weeks=1), time=time, timezone=zone, reminder=reminder, now=NOW)
    calendar = check_rfc5545(data)
    for event in calendar.events[:1]:
        (alarm,) = event.subcomponents
        assert alarm.name == "VALARM"
        assert alarm["TRIGGER"].to_ical().decode() == trigger
        assert str(alarm["DESCRIPTION"]) == str(event["SUMMARY"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"time": datetime.time(9)}, "needs a time zone"),
        ({"timezone": "Europe/Berlin"}, "needs a time zone, and a time zone a time of day"),
        ({"time": datetime.time(9), "timezone": "Mars/Olympus"}, "is not a time zone"),
        ({"time": datetime.time(9), "timezone": "../../etc/passwd"}, "is not a time zone"),
        ({"time": datetime.time(9), "timezone": datetime.timezone(datetime.timedelta(hours=2))}, "fixed offset"),
        ({"time": datetime.time(9, tzinfo=UTC), "timezone": "UTC"}, "without a time zone"),
        ({"time": datetime.time(9), "timezone": "UTC", "duration": datetime.timedelta(0)}, "to 12 hours, not"),
        ({"time": datetime.time(9), "timezone": "UTC", "duration": datetime.timedelta(hours=13)}, "to 12 hours, not"),
        ({"reminder": datetime.timedelta(minutes=-5)}, "use a positive one"),
        ({"reminder": datetime.time(9, tzinfo=UTC)}, "without one"),
        ({"now": datetime.datetime(2026, 1, 1)}, "aware datetime"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_bad_options_are_value_errors(options, message):
    with pytest.raises(ValueError, match=message):
        backext.plan_calendar(PACK, make_plan(weeks=1), **options)


def test_without_icalendar_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(ImportError, match=r"pip install 'backext\[calendar\]'"):
        backext.plan_calendar(PACK, make_plan(weeks=1), now=NOW)


def test_a_stopped_state_has_no_plan_so_no_calendar():
    state = backext.start(PACK, "forearm-press-up")
    log = attrs.evolve(backext.SessionLog.as_prescribed(state.prescription, MONDAY), red_flags={"new-leg-weakness"})
    stopped = backext.step(PACK, state, log).state
    with pytest.raises(backext.StoppedError, match="stopped"):
        backext.plan(PACK, stopped, start_date=MONDAY)


# --- Hostile pack text ---------------------------------------------------------------------------------------------

HOSTILE = (
    "Line one\nline two\r\nline three\rfour",
    "a, b; c\\d \\n not a newline; \\, not a comma",
    "BEGIN:VEVENT\r\nEND:VCALENDAR",
    "bell\x07 escape\x1b[31m red nul\x00 del\x7f c1\x85\x9b tab\there",
    "x" * 5000,
    "ü" * 400 + "😀" * 100 + "e\u0301" * 50,
    "\u202eright-to-left\u202c שלום עולם مرحبا",
    "lone surrogate \ud800 here",
    '"quoted"; TZID=Evil:1',
)


def hostile_pack(text: str) -> backext.Pack:
    first = PACK.exercises[0]
    steps = tuple(attrs.evolve(step, text=f"{text} {index}") for index, step in enumerate(first.steps))
    exercise = attrs.evolve(first, name=text, steps=steps)
    return attrs.evolve(PACK, title=text, disclaimer=text, exercises=(exercise, *PACK.exercises[1:]))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_pack_text_is_escaped_folded_and_read_back(text):
    pack = hostile_pack(text)
    data = backext.plan_calendar(pack, make_plan(pack, weeks=1), reminder=datetime.timedelta(minutes=10), now=NOW)
    calendar = check_rfc5545(data)
    assert len(calendar.events) == 3
    safe = calendar_text(excerpt(one_line(text), NAME_CHARACTERS))  # a title is one line (found in round 18)
    # icalendar parses NAME (RFC 7986) and X-WR-CALNAME as unknown properties, leaving them escaped.
    assert unescape_text(str(calendar["NAME"])) == safe
    assert unescape_text(str(calendar["X-WR-CALNAME"])) == safe
    for event in calendar.events:
        assert str(event["SUMMARY"]).startswith(
            f"{calendar_text(bidi_closed(excerpt(one_line(text), NAME_CHARACTERS)))}: hold for "
        )
        description = str(event["DESCRIPTION"])
        assert f"\n1. {calendar_text(excerpt(text + ' 0', STEPS_CHARACTERS))}\n" in description
        assert description.endswith(calendar_text(excerpt(text, DISCLAIMER_CHARACTERS)))


def test_the_escapes_are_the_ones_rfc_5545_names():
    pack = hostile_pack("a, b; c\\d\ne")
    data = backext.plan_calendar(pack, make_plan(pack, weeks=1), now=NOW)
    assert b"SUMMARY:a\\, b\\; c\\\\d e: hold for 5 seconds\\; 10 repetitions\\, 1 set\r\n" in data


def test_calendar_text_keeps_line_breaks_and_drops_controls():
    assert calendar_text("a\r\nb\rc\nd\te\x00f\x1bg\x7fh\x9fi\ud800j") == "a\nb\nc\nd\tefghij"


# Any text at all: every code point, controls and surrogates included.
any_text = st.text(st.characters(codec=None), min_size=1, max_size=300).filter(lambda s: calendar_text(s).strip())
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Auckland", "Asia/Kolkata", "UTC")
# Days near daylight saving changes (north and south) and year ends, and anywhere in two centuries.
start_days = st.one_of(
    st.sampled_from(
        [
            datetime.date(2026, 3, 26),
            datetime.date(2026, 10, 22),
            datetime.date(2026, 4, 2),
            datetime.date(2025, 12, 29),
        ]
    ),
    st.dates(datetime.date(1990, 1, 1), datetime.date(2150, 12, 31)),
    st.integers(2000, 2100).map(lambda year: datetime.date(year, 12, 27)),
)


def rings_after_a_start(plan: backext.Plan, time: datetime.time, zone: str, reminder: datetime.time) -> bool:
    """Whether a time-of-day *reminder* would ring after the start of a session of *plan*, as moments (UTC)."""
    tz = datetime.timezone.utc if zone == "UTC" else zoneinfo.ZoneInfo(zone)

    def moment(day: datetime.date, at: datetime.time) -> datetime.datetime:
        local = datetime.datetime.combine(day, at.replace(microsecond=0), tz)
        return local.replace(tzinfo=None) - (local.utcoffset() or datetime.timedelta(0))

    return any(moment(s.date, reminder) > moment(s.date, time) for s in plan.sessions)


@given(
    text=any_text,
    start=start_days,
    weeks=st.integers(1, 3),
    days=st.integers(1, 7),
    timed=st.none() | st.tuples(st.times(), st.sampled_from(ZONES)),
    reminder=st.none() | st.timedeltas(datetime.timedelta(0), datetime.timedelta(days=2)) | st.times(),
)
def test_any_plan_with_any_text_gives_a_valid_calendar_that_reads_back(  # noqa: PLR0917 - one per strategy
    text, start, weeks, days, timed, reminder
):
    pack = hostile_pack(text)
    plan = make_plan(pack, start=start, weeks=weeks, days=days)
    time, zone = timed if timed is not None else (None, None)
    if isinstance(reminder, datetime.time) and time is not None and rings_after_a_start(plan, time, zone, reminder):
        with pytest.raises(ValueError, match="would ring after the session has begun"):
            backext.plan_calendar(pack, plan, time=time, timezone=zone, reminder=reminder, now=NOW)
        return
    data = backext.plan_calendar(pack, plan, time=time, timezone=zone, reminder=reminder, now=NOW)
    calendar = check_rfc5545(data)
    events = calendar.events
    assert len(events) == len(plan.sessions)
    assert len(data) <= CALENDAR_OCTETS + EVENT_OCTETS * len(plan.sessions)
    safe = calendar_text(excerpt(text, DISCLAIMER_CHARACTERS))
    for event, planned in zip(events, plan.sessions, strict=True):
        start_value = event.decoded("DTSTART")
        if time is None:
            assert start_value == planned.date
        else:
            assert (start_value.date(), start_value.time()) == (planned.date, time.replace(microsecond=0))
            expected = "UTC" if zone == "UTC" else zone
            assert str(start_value.tzinfo) == expected
            if zone != "UTC":
                # The local time means what zoneinfo says it means, gaps and folds included.
                assert start_value.utcoffset() == start_value.replace(tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset()
        name = calendar_text(
            bidi_closed(
                excerpt(one_line(pack.localize(pack.exercise(planned.prescription.exercise_id).name)), NAME_CHARACTERS)
            )
        )
        assert str(event["SUMMARY"]) == f"{name}: {describe_prescription(planned.prescription)}"
        assert str(event["DESCRIPTION"]).endswith(safe)
        assert str(event["UID"]) == session_uid(planned.date, series=PACK.id)
        assert len(event.subcomponents) == (reminder is not None)
    # Exporting the same again, with the first as previous, changes nothing at all.
    again = backext.plan_calendar(pack, plan, time=time, timezone=zone, reminder=reminder, now=LATER, previous=data)
    assert again == data


# --- Revisions: exporting again ------------------------------------------------------------------------------------


def by_day(data: bytes) -> dict[datetime.date, icalendar.Event]:
    return {e.decoded("DTSTART"): e for e in icalendar.Calendar.from_ical(data).events}


def test_exporting_the_same_plan_again_changes_nothing():
    plan = make_plan(weeks=4)
    first = backext.plan_calendar(PACK, plan, now=NOW, reminder=datetime.time(8))
    again = backext.plan_calendar(PACK, plan, now=LATER, reminder=datetime.time(8), previous=first)
    assert again == first
    assert backext.plan_calendar(PACK, plan, now=LATER, reminder=datetime.time(8), previous=first.decode()) == first


def test_a_changed_dose_keeps_the_uid_and_is_one_revision_more():
    first = backext.plan_calendar(PACK, make_plan(weeks=4), now=NOW)
    changed_plan = make_plan(weeks=4, exercise="hand-press-up")  # the same days, other doses
    second = backext.plan_calendar(PACK, changed_plan, now=LATER, previous=first)
    check_rfc5545(second)
    before, after = by_day(first), by_day(second)
    assert before.keys() == after.keys()
    for day, event in after.items():
        old = before[day]
        assert event["UID"] == old["UID"]
        assert str(event["SUMMARY"]) != str(old["SUMMARY"])
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") == LATER
        assert event.decoded("CREATED") == NOW
    third = backext.plan_calendar(PACK, make_plan(weeks=4), now=LATER + datetime.timedelta(days=1), previous=second)
    assert {e["SEQUENCE"] for e in by_day(third).values()} == {2}


@pytest.mark.parametrize("replanned", [True, False])
def test_a_revision_is_never_dated_before_what_it_revises(replanned):
    # A clock set back, or an app's now in the past: the times of a revision do not go back.
    first = backext.plan_calendar(PACK, make_plan(weeks=2), now=LATER)
    earlier = NOW - datetime.timedelta(days=30)
    plan = make_plan(weeks=2, exercise="hand-press-up") if replanned else make_plan(start=MONDAY, weeks=1, days=1)
    second = backext.plan_calendar(PACK, plan, now=earlier, previous=first)
    check_rfc5545(second)
    revised = [e for e in by_day(second).values() if e["SEQUENCE"] == 1]
    assert revised
    for event in revised:
        assert event.decoded("CREATED") <= event.decoded("LAST-MODIFIED") == event.decoded("DTSTAMP")
        assert event.decoded("DTSTAMP") >= LATER


def test_days_no_longer_planned_are_cancelled_and_past_days_kept():
    first = backext.plan_calendar(PACK, make_plan(weeks=2, days=3), now=NOW, reminder=datetime.timedelta(hours=1))
    replanned = make_plan(start=MONDAY + datetime.timedelta(days=7), weeks=1, days=2)  # from week 2, two days a week
    second = backext.plan_calendar(PACK, replanned, now=LATER, reminder=datetime.timedelta(hours=1), previous=first)
    check_rfc5545(second)
    before, after = by_day(first), by_day(second)
    assert after.keys() == before.keys() | {s.date for s in replanned.sessions}
    for day, event in after.items():
        if day < replanned.sessions[0].date:  # before the new plan: history, untouched
            assert event.to_ical() == before[day].to_ical()
        elif day in {s.date for s in replanned.sessions}:
            assert "STATUS" not in event
        else:  # planned before, not now
            assert str(event["STATUS"]) == "CANCELLED"
            assert event["SEQUENCE"] == before[day]["SEQUENCE"] + 1
            assert event.decoded("DTSTAMP") == LATER
            assert not event.subcomponents  # no reminder for a cancelled session
    assert (
        backext.plan_calendar(
            PACK,
            replanned,
            now=LATER + datetime.timedelta(days=1),
            reminder=datetime.timedelta(hours=1),
            previous=second,
        )
        == second
    )  # cancelled stays cancelled, without another revision


def test_a_moved_session_time_is_a_revision():
    plan = make_plan(weeks=1)
    first = backext.plan_calendar(PACK, plan, time=datetime.time(9), timezone="Europe/Berlin", now=NOW)
    second = backext.plan_calendar(
        PACK, plan, time=datetime.time(10), timezone="Europe/Berlin", now=LATER, previous=first
    )
    assert {e["SEQUENCE"] for e in by_day(second).values()} == {1}
    assert [e.decoded("DTSTART").hour for e in icalendar.Calendar.from_ical(second).events] == [10, 10, 10]


def test_a_stop_cancels_the_sessions_from_a_day_on():
    first = backext.plan_calendar(PACK, make_plan(weeks=2), now=NOW, reminder=datetime.time(8))
    since = MONDAY + datetime.timedelta(days=5)
    stopped = backext.cancel_sessions(PACK, first, since=since, now=LATER)
    check_rfc5545(stopped)
    before, after = by_day(first), by_day(stopped)
    assert before.keys() == after.keys()
    for day, event in after.items():
        if day < since:
            assert event.to_ical() == before[day].to_ical()
        else:
            assert str(event["STATUS"]) == "CANCELLED"
            assert event["SEQUENCE"] == 1
            assert event.decoded("LAST-MODIFIED") == LATER
            assert not event.subcomponents
            assert event["UID"] == before[day]["UID"]
    # Cleared and planned again: the sessions come back, one revision more.
    resumed = backext.plan_calendar(PACK, make_plan(weeks=2), now=LATER, reminder=datetime.time(8), previous=stopped)
    for day, event in by_day(resumed).items():
        assert "STATUS" not in event
        assert event["SEQUENCE"] == (0 if day < since else 2)
    with pytest.raises(UnreadableCalendarError, match=r"no sessions of the series .* to cancel"):
        backext.cancel_sessions(PACK, b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", since=MONDAY)
    with pytest.raises(ValueError, match="aware"):
        backext.cancel_sessions(PACK, first, since=MONDAY, now=datetime.datetime(2026, 1, 1))  # noqa: DTZ001


@given(
    first=st.tuples(st.sampled_from([e.id for e in PACK.exercises]), st.integers(0, 10), st.integers(1, 7)),
    second=st.tuples(st.sampled_from([e.id for e in PACK.exercises]), st.integers(0, 10), st.integers(1, 7)),
    timed=st.none() | st.tuples(st.times(), st.sampled_from(ZONES)),
)
def test_any_replan_revises_each_day_at_most_once_and_then_stays_put(first, second, timed):
    time, zone = timed if timed is not None else (None, None)

    def export(choice, **options):
        exercise, offset, days = choice
        plan = make_plan(start=MONDAY + datetime.timedelta(days=offset), weeks=2, days=days, exercise=exercise)
        return plan, backext.plan_calendar(PACK, plan, time=time, timezone=zone, **options)

    _, before = export(first, now=NOW)
    plan, after = export(second, now=LATER, previous=before)
    check_rfc5545(after)
    old, new = by_day(before), by_day(after)
    kept_from = plan.sessions[0].date
    for day, event in new.items():
        key = day if isinstance(day, datetime.date) and not isinstance(day, datetime.datetime) else day.date()
        assert event["SEQUENCE"] in {0, 1}
        if day in old:
            assert event["UID"] == old[day]["UID"]
            assert (event["SEQUENCE"] == 0) == (event.to_ical() == old[day].to_ical())
        if key < kept_from:
            assert event.to_ical() == old[day].to_ical()
    assert export(second, now=LATER + datetime.timedelta(days=1), previous=after)[1] == after


@pytest.mark.parametrize("previous", [b"garbage", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "\x00\x01"])
def test_a_previous_calendar_that_is_not_one_is_refused(previous):
    with pytest.raises(UnreadableCalendarError, match=r"previous calendar (cannot be read|holds no whole calendar)"):
        backext.plan_calendar(PACK, make_plan(weeks=1), now=NOW, previous=previous)


def test_foreign_events_in_the_previous_calendar_are_left_out():
    foreign = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
        b"BEGIN:VEVENT\r\nSUMMARY:no uid\r\nDTSTART;VALUE=DATE:20260106\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:other\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250101\r\n"
        b"SEQUENCE:x\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:kept\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250102\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    data = backext.plan_calendar(PACK, make_plan(weeks=1), now=NOW, previous=foreign)
    calendar = check_rfc5545(data)
    # The three sessions only: events that are not sessions of the series are never touched (S2-F5).
    assert [str(e["UID"]) for e in calendar.events] == [
        session_uid(p.date, series=PACK.id) for p in make_plan(weeks=1).sessions
    ]


# --- The command line ----------------------------------------------------------------------------------------------


def run(capsysbinary, *argv: str) -> tuple[int, bytes, str]:
    status = main(list(argv))
    out, err = capsysbinary.readouterr()
    return status, out, err.decode()


def test_cli_writes_the_calendar_to_standard_output(capsysbinary):
    status, out, err = run(capsysbinary, "plan", "--format", "ics", "--start-date", "2026-01-05", "--weeks", "2")
    assert (status, err) == (0, "")
    calendar = check_rfc5545(out)
    assert [e.decoded("DTSTART") for e in calendar.events] == [s.date for s in make_plan(weeks=2).sessions]


def test_cli_calendar_options(capsysbinary, tmp_path):
    target = tmp_path / "plan.ics"
    argv = ["plan", "--format", "ics", "--start-date", "2026-03-23", "--weeks", "1", "--exercise", "hand-press-up"]
    argv += ["--time", "7:05", "--timezone", "America/New_York", "--duration", "25", "--reminder", "1h"]
    argv += ["--locale", "es", "--series", "patient-7", "-o", str(target)]
    status, out, err = run(capsysbinary, *argv)
    assert (status, out, err) == (0, b"", "")
    calendar = check_rfc5545(target.read_bytes())
    event = calendar.events[0]
    assert event.decoded("DTSTART") == datetime.datetime(
        2026, 3, 23, 7, 5, tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=25)
    assert event.subcomponents[0]["TRIGGER"].to_ical() == b"-PT1H"
    assert "mantener 1 segundo" in str(event["SUMMARY"])
    assert str(event["UID"]) == session_uid(datetime.date(2026, 3, 23), series="patient-7")
    # --previous and -o may name the same file: the new calendar replaces it whole.
    first = target.read_bytes()
    status, _, _ = run(capsysbinary, *argv, "--previous", str(target))
    assert status == 0
    assert target.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--time", "9"], "not a time written HH:MM"),
        (["--time", "24:00", "--timezone", "UTC"], "not a time of day"),
        (["--time", "09:00"], "needs a time zone"),
        (["--timezone", "UTC"], "needs a time zone, and a time zone a time of day"),
        (["--time", "09:00", "--timezone", "Nowhere/City"], "is not a time zone"),
        (["--reminder", "soon"], "not a reminder"),
        (["--reminder=-5m"], "not a reminder"),
        (["--duration", "0", "--time", "09:00", "--timezone", "UTC"], "duration"),
        (["--duration", "1000", "--time", "09:00", "--timezone", "UTC"], "to 12 hours, not"),
        (["--previous", "/nonexistent/plan.ics"], "(the previous calendar): "),
        (["--locale", "not a tag"], "not a language tag"),
        (["--format", "text", "--time", "09:00"], "--time: only with --format ics"),
        (["--format", "json", "--reminder", "1h"], "--reminder: only with --format ics"),
        (["--state", "s.json", "--exercise", "hand-press-up"], "choose one"),
    ],
)
def test_cli_usage_errors_exit_2(capsysbinary, argv, message):
    arguments = ["plan", "--format", "ics", *argv] if "--format" not in argv else ["plan", *argv]
    status, out, err = run(capsysbinary, *arguments)
    assert status == 2
    assert message in err
    assert b"BEGIN:VCALENDAR" not in out


def test_cli_usage_errors_are_json_with_format_json(capsysbinary):
    status, out, _ = run(capsysbinary, "plan", "--format", "json", "--time", "09:00")
    assert status == 2
    assert json.loads(out)["error"]["status"] == 2


def test_cli_unreadable_previous_calendar_exits_1(capsysbinary, tmp_path):
    broken = tmp_path / "old.ics"
    broken.write_bytes(b"not a calendar")
    status, out, err = run(capsysbinary, "plan", "--format", "ics", "--previous", str(broken))
    assert (status, out) == (1, b"")
    assert "the previous calendar cannot be read" in err


def test_cli_plans_from_a_state_and_a_stopped_one_gives_no_events(capsysbinary, tmp_path):
    state = backext.start(PACK, "hand-press-up")
    path = tmp_path / "state.json"
    path.write_text(json.dumps(backext.converter.unstructure(state)), encoding="utf-8")
    status, out, _ = run(capsysbinary, "plan", "--format", "ics", "--state", str(path), "--start-date", "2026-01-05")
    assert status == 0
    assert "Press-up on the hands" in str(icalendar.Calendar.from_ical(out).events[0]["SUMMARY"])
    log = attrs.evolve(backext.SessionLog.as_prescribed(state.prescription, MONDAY), red_flags={"new-leg-weakness"})
    stopped = backext.step(PACK, state, log).state
    path.write_text(json.dumps(backext.converter.unstructure(stopped)), encoding="utf-8")
    for form in ("ics", "text", "json"):
        status, out, err = run(capsysbinary, "plan", "--format", form, "--state", str(path))
        assert "the engine is stopped since 2026-01-05: no sessions are planned" in err
        if form == "json":  # standard output is always one JSON document: here the error
            assert status == 1
            assert json.loads(out)["error"]["status"] == 1
            assert "the engine is stopped" in json.loads(out)["error"]["message"]
        else:
            assert (status, out) == (1, b"")
    # With the calendar written before the stop, its sessions after the last one done are cancelled.
    calendar = tmp_path / "plan.ics"
    calendar.write_bytes(backext.plan_calendar(PACK, make_plan(weeks=1, exercise="hand-press-up"), now=NOW))
    argv = ["plan", "--format", "ics", "--state", str(path), "--previous", str(calendar), "-o", str(calendar)]
    status, out, err = run(capsysbinary, *argv)
    assert (status, out) == (1, b"")
    assert f"the sessions from 2026-01-06 on in {calendar} are cancelled" in err
    statuses = {e.decoded("DTSTART"): str(e.get("STATUS")) for e in check_rfc5545(calendar.read_bytes()).events}
    assert statuses == {MONDAY: "None", datetime.date(2026, 1, 7): "CANCELLED", datetime.date(2026, 1, 10): "CANCELLED"}
    path.write_text("{}", encoding="utf-8")
    status, out, err = run(capsysbinary, "plan", "--format", "ics", "--state", str(path))
    assert (status, out) == (1, b"")
    assert err


def test_cli_text_plan_in_a_locale(capsysbinary):
    status, out, _ = run(capsysbinary, "plan", "--weeks", "1", "--start-date", "2026-01-05", "--locale", "de")
    assert status == 0
    assert out.decode().endswith("Über die tatsächliche Dosis entscheiden die tatsächlichen Einheiten.\n")


def test_cli_without_icalendar_exits_2_and_says_what_to_install(capsysbinary, monkeypatch):
    monkeypatch.setitem(sys.modules, "icalendar", None)
    status, out, err = run(capsysbinary, "plan", "--format", "ics")
    assert (status, out) == (2, b"")
    assert "pip install 'backext[calendar]'" in err
    status, _, _ = run(capsysbinary, "plan", "--format", "text")  # the other formats do not need it
    assert status == 0
