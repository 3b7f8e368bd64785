"""The plan as iCalendar (RFC 5545): one event per planned session, for a person's calendar app.

The only module that imports :mod:`icalendar` (the ``calendar`` extra); it
does so when a calendar is asked for, so ``import backext`` never needs it.

What makes re-exporting safe:

- **UIDs** are UUIDs (as RFC 7986 recommends) derived from a *series* (the
  person's programme, chosen by the app) and the session's day, nothing
  else: the same day's session keeps its UID when its dose, exercise or
  time changes, so a calendar app updates the event instead of adding a
  second one.
- **Revisions** follow RFC 5545 for a calendar without ``METHOD``: DTSTAMP
  and LAST-MODIFIED are when the event was last revised and SEQUENCE counts
  the revisions. Given the calendar written last time (*previous*), an
  unchanged event keeps all three, a changed one gets SEQUENCE + 1 and the
  new time, and a session the new plan no longer has, from its first day on,
  is kept as ``STATUS:CANCELLED`` so that the app removes it.
"""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo
from typing import TYPE_CHECKING, Any

from ._i18n import gettext, ngettext, parse_locale, pgettext
from ._model import Pack
from ._plan import BEST_CASE, Plan, PlannedSession
from ._reasons import Action
from ._render import describe_prescription


if TYPE_CHECKING:
    import icalendar


__all__ = ["PRODID", "UnreadableCalendarError", "calendar_text", "cancel_sessions", "plan_calendar", "session_uid"]

#: The product identifier written in every calendar (RFC 5545 section 3.7.3).
PRODID = "-//backext//plan calendar//EN"

#: The namespace of the UUIDs of planned sessions (a fixed, random UUID: never change it).
_NAMESPACE = uuid.UUID("5c8f3a52-6a1e-4b8e-9d0b-3f2c7e41a9d6")

#: What the revision of an event consists of, not what it says.
_REVISION = ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "CREATED")

#: Characters iCalendar text may not hold (RFC 5545 section 3.3.11: CONTROL other than HTAB; line feeds are
#: escaped by icalendar), and C1 controls and lone surrogates, which no calendar app shows usefully.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

#: The fewest and most minutes a timed session may last.
_DURATION = (datetime.timedelta(minutes=1), datetime.timedelta(hours=12))


class UnreadableCalendarError(ValueError):
    """The previous calendar given to :func:`plan_calendar` or :func:`cancel_sessions` cannot be used.

    It is not an iCalendar file, or (for :func:`cancel_sessions`) it has no
    sessions. The command line exits with status 1 for it: the file was
    read, but its content is wrong.
    """


def calendar_text(text: str) -> str:
    r"""*text* made safe for an iCalendar TEXT value: line breaks kept as ``\n``, control characters dropped.

    Escaping (``,`` ``;`` ``\`` and line breaks) and folding are left to
    :mod:`icalendar`; this removes what RFC 5545 does not allow at all.

    Example:
        >>> calendar_text("Lift\r\nslowly\x1b[31m; breathe\x00")
        'Lift\nslowly[31m; breathe'
    """
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _icalendar() -> Any:
    try:
        import icalendar  # noqa: PLC0415 - the extra is optional
    except ImportError:
        raise ImportError(
            "writing a calendar needs the icalendar library: pip install 'backext[calendar]'", name="icalendar"
        ) from None
    return icalendar


def _zone(timezone: str | datetime.tzinfo) -> datetime.tzinfo:
    """*timezone* as UTC or an IANA zone; ``ValueError`` for anything else."""
    if isinstance(timezone, str):
        if timezone.upper() in {"UTC", "Z"}:
            return datetime.timezone.utc
        try:
            return zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{timezone[:64]!r} is not a time zone (an IANA name such as 'Europe/Berlin', or 'UTC')"
            ) from None
    if timezone is datetime.timezone.utc or (isinstance(timezone, zoneinfo.ZoneInfo) and timezone.key == "UTC"):
        return datetime.timezone.utc
    if isinstance(timezone, zoneinfo.ZoneInfo):
        return timezone
    raise ValueError("the time zone must be an IANA name (or zoneinfo.ZoneInfo) or UTC: a fixed offset has no rules")


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must be an aware datetime (such as datetime.datetime.now(datetime.timezone.utc))")
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0)


def _summary(pack: Pack, planned: PlannedSession, locale: str | None) -> str:
    tags = (locale, pack.default_locale)
    exercise = pack.exercise(planned.prescription.exercise_id)
    # Translators: a calendar event's title: the exercise, then the day's dose.
    return gettext("{exercise}: {dose}", *tags).format(
        exercise=pack.localize(exercise.name, locale),
        dose=describe_prescription(planned.prescription, locale, default_locale=pack.default_locale),
    )


def _description(pack: Pack, planned: PlannedSession, locale: str | None, *, first: bool) -> str:
    tags = (locale, pack.default_locale)
    prescription = planned.prescription
    exercise = pack.exercise(prescription.exercise_id)
    lines = [describe_prescription(prescription, locale, default_locale=pack.default_locale, sentence=True)]
    if first:
        lines.append(gettext("The first session of the plan.", *tags))
    elif planned.action is Action.PROGRESS:
        lines.append(gettext("A step up from the session before.", *tags))
    if prescription.modifications:
        names = [pack.localize(m.name, locale) for m in exercise.modifications if m.id in prescription.modifications]
        variations = ngettext("Variation: {names}", "Variations: {names}", len(names), *tags)
        lines.append(variations.format(names="; ".join(names)))
    lines.append("")
    lines.append(gettext("{label}:", *tags).format(label=gettext("Steps", *tags)))
    lines.extend(
        gettext("{number}. {text}", *tags).format(number=number, text=pack.localize(step.text, locale))
        for number, step in enumerate(exercise.steps, start=1)
    )
    lines.append("")
    lines.append(gettext(BEST_CASE, *tags))
    if pack.disclaimer is not None:
        lines.append(pack.localize(pack.disclaimer, locale))
    return "\n".join(lines)


def _reminder_trigger(reminder: datetime.timedelta | datetime.time, start: datetime.time | None) -> datetime.timedelta:
    """The TRIGGER (relative to the event's start) for *reminder*."""
    if isinstance(reminder, datetime.timedelta):
        if reminder < datetime.timedelta(0):
            raise ValueError(f"a reminder is a time before the session, not {reminder}: use a positive one")
        return -datetime.timedelta(seconds=int(reminder.total_seconds()))  # iCalendar durations have no fractions
    if reminder.tzinfo is not None:
        raise ValueError("a reminder's time of day is in the time zone of the sessions: give it without one")
    at = datetime.timedelta(hours=reminder.hour, minutes=reminder.minute, seconds=reminder.second)
    begins = datetime.timedelta() if start is None else datetime.timedelta(hours=start.hour, minutes=start.minute)
    return at - begins


def plan_calendar(
    pack: Pack,
    plan: Plan,
    *,
    locale: str | None = None,
    time: datetime.time | None = None,
    timezone: str | datetime.tzinfo | None = None,
    duration: datetime.timedelta = datetime.timedelta(minutes=15),
    reminder: datetime.timedelta | datetime.time | None = None,
    series: str | None = None,
    previous: bytes | str | None = None,
    now: datetime.datetime | None = None,
) -> bytes:
    r"""Write *plan* as an iCalendar file: one event per planned session.

    Each event's title is the exercise and the day's dose in words, in
    *locale*; its description adds what changed, the exercise's steps, that
    the plan is a best case, and the pack's disclaimer. Sessions are all-day
    events that do not block time, unless *time* is given.

    Events have stable UIDs: exporting the plan again (after a real session
    changed the doses, say) and importing it updates the same events. Pass the
    calendar written last time as *previous* so that changed events get a
    higher SEQUENCE, unchanged ones stay exactly as they were, and planned
    days that are no longer planned are cancelled (see :ref:`the tutorial
    <tutorial-calendar>`).

    The result is bytes: UTF-8, lines ending in CRLF and folded at 75 octets,
    as RFC 5545 requires (write it to a file in binary mode, or serve it as
    ``text/calendar; charset=utf-8``). Pack text is escaped; control
    characters, which iCalendar cannot carry, are dropped.

    A stopped state has no plan: :func:`~backext.plan` raises
    :exc:`~backext.StoppedError` for it, so there is no calendar to write;
    :func:`cancel_sessions` cancels the sessions of the last one instead.

    Args:
        pack: The pack the plan was made with (for names, steps, disclaimer).
        plan: The plan, from :func:`~backext.plan`.
        locale: The BCP 47 locale of the texts; the pack's default if ``None``.
        time: The time of day of every session, which makes them timed
            events; it needs *timezone*.
        timezone: An IANA time zone name (``"Europe/Berlin"``, written with
            its VTIMEZONE so that the sessions stay at *time* across daylight
            saving changes) or ``"UTC"``; a :class:`zoneinfo.ZoneInfo` works
            too. Needed with *time*, refused without it.
        duration: How long a timed session lasts (1 minute to 12 hours).
            The default, 15 minutes, is our choice (no source): the longest
            built-in session, ten 30-second holds with rests as long, takes
            ten minutes, and getting down and up again takes a few more.
        reminder: An alarm for each session: a :class:`~datetime.timedelta`
            is that long before the start (before midnight, for an all-day
            event), a :class:`~datetime.time` is that time on the session's
            day. ``None``: no alarm.
        series: What makes the UIDs of this person's sessions differ from
            another's: a stable id of the person's programme in the app (it
            is hashed, never written out). Default: the pack's id.
        previous: The calendar this function wrote last time for the same
            series (bytes or text), to carry over revisions.
        now: The time of this revision (aware); default: the current time.

    Returns:
        The iCalendar file, as bytes.

    Raises:
        ImportError: If the ``calendar`` extra (icalendar) is not installed.
        ValueError: If *time* is given without *timezone* or the other way
            round, *timezone* is not a known zone, *duration* or *reminder*
            is out of range, *locale* is malformed, *now* is naive, or
            *previous* is not an iCalendar file.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> result = backext.plan(
        ...     pack, backext.start(pack, "forearm-press-up"), start_date=datetime.date(2026, 1, 5), weeks=1
        ... )
        >>> ics = backext.plan_calendar(
        ...     pack, result, now=datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone.utc)
        ... )
        >>> lines = ics.decode().split("\r\n")
        >>> [line for line in lines if line.startswith(("DTSTART", "SUMMARY"))][:2]
        ['SUMMARY:Forearm press-up: hold for 5 seconds\\; 10 repetitions\\, 1 set', 'DTSTART;VALUE=DATE:20260105']

    .. versionadded:: 0.1.0
    """
    ical = _icalendar()
    if (time is None) != (timezone is None):
        raise ValueError("a time of day needs a time zone, and a time zone a time of day: give both or neither")
    if time is not None and time.tzinfo is not None:
        raise ValueError("give the time of day without a time zone, and the zone as timezone=")
    if time is not None and not _DURATION[0] <= duration <= _DURATION[1]:
        raise ValueError(f"a session lasts 1 minute to 12 hours, not {duration}")
    zone = None if timezone is None else _zone(timezone)
    if time is not None:  # iCalendar times and durations have no fractions of a second
        time = time.replace(microsecond=0)
        duration = datetime.timedelta(seconds=int(duration.total_seconds()))
    trigger = None if reminder is None else _reminder_trigger(reminder, time)
    if locale is not None:
        parse_locale(locale)  # a malformed tag is an error, not silently the default
    stamp = _utc(datetime.datetime.now(datetime.timezone.utc) if now is None else now)
    old = {} if previous is None else _events(ical, previous)
    events = []
    planned_uids = set()
    for index, planned in enumerate(plan.sessions):
        event = ical.Event()
        uid = session_uid(planned.date, series=pack.id if series is None else series)
        planned_uids.add(uid)
        event.add("uid", uid)
        summary = calendar_text(_summary(pack, planned, locale))
        if time is None or zone is None:
            event.add("dtstart", planned.date)
            event.add("dtend", planned.date + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            start = datetime.datetime.combine(planned.date, time, zone)
            event.add("dtstart", start)
            event.add("dtend", start + duration)
        event.add("summary", summary)
        event.add("description", calendar_text(_description(pack, planned, locale, first=index == 0)))
        event.add("categories", [calendar_text(pgettext("calendar category", "Exercise", locale, pack.default_locale))])
        if trigger is not None:
            alarm = ical.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", trigger)
            event.add_component(alarm)
        events.append(_revised(event, old.get(uid), stamp))
    first_day = plan.sessions[0].date if plan.sessions else datetime.date.max
    for uid, event in old.items():
        if uid not in planned_uids:
            events.append(_dropped(event, first_day, stamp))
    return _write(ical, pack, locale, events)


def cancel_sessions(
    pack: Pack,
    previous: bytes | str,
    *,
    since: datetime.date,
    locale: str | None = None,
    now: datetime.datetime | None = None,
) -> bytes:
    r"""The calendar *previous* with every session from *since* on cancelled: for a state that is stopped.

    A stopped state has no plan, so :func:`plan_calendar` cannot write one;
    but the person's calendar still holds the sessions planned before the
    stop. Importing what this returns marks them ``STATUS:CANCELLED`` (one
    revision more, without their reminders), so the calendar app stops
    showing them; sessions before *since* are kept as they were. Once a
    clinician's clearance is recorded, plan again and pass this calendar to
    :func:`plan_calendar` as *previous*: the sessions planned then come back.

    Args:
        pack: The pack (for the calendar's name).
        previous: The calendar :func:`plan_calendar` wrote last time.
        since: The first day whose session is cancelled.
        locale: The locale of the calendar's name.
        now: The time of this revision (aware); default: the current time.

    Returns:
        The iCalendar file, as bytes.

    Raises:
        ImportError: If the ``calendar`` extra (icalendar) is not installed.
        ValueError: If *previous* is not an iCalendar file or has no
            sessions, *now* is naive, or *locale* is malformed.

    Example:
        >>> import datetime, backext
        >>> pack = backext.builtin_pack()
        >>> result = backext.plan(
        ...     pack, backext.start(pack, "forearm-press-up"), start_date=datetime.date(2026, 1, 5), weeks=1
        ... )
        >>> ics = backext.plan_calendar(pack, result)
        >>> stopped = backext.cancel_sessions(pack, ics, since=datetime.date(2026, 1, 6))
        >>> [line for line in stopped.decode().split("\r\n") if line.startswith("STATUS")]
        ['STATUS:CANCELLED', 'STATUS:CANCELLED']

    .. versionadded:: 0.1.0
    """
    ical = _icalendar()
    if locale is not None:
        parse_locale(locale)
    stamp = _utc(datetime.datetime.now(datetime.timezone.utc) if now is None else now)
    events = [_dropped(event, since, stamp) for event in _events(ical, previous).values()]
    if not events:
        raise UnreadableCalendarError("the previous calendar has no sessions to cancel")
    return _write(ical, pack, locale, events)


def _write(ical: Any, pack: Pack, locale: str | None, events: list[icalendar.Event]) -> bytes:
    """The calendar of *events*, in order, with the VTIMEZONE of every time zone they use."""
    calendar = ical.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar escapes TEXT only for the properties it knows as text: NAME (RFC 7986) and X-WR-CALNAME are not.
    title = ical.vText(calendar_text(pack.localize(pack.title, locale)))
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    events.sort(key=lambda e: (_day(e), str(e["UID"])))
    for event in events:
        calendar.add_component(event)
    days = [_day(e) for e in events]
    calendar.add_missing_timezones(first_date=min(days), last_date=max(days) + datetime.timedelta(days=1))
    return bytes(calendar.to_ical())


def session_uid(day: datetime.date, *, series: str) -> str:
    """The UID of the session on *day* in *series*: the same for every export, whatever the dose.

    It is a name-based UUID (version 5) of *series* and *day*: apps that
    sync events one by one (CalDAV, say) can find a day's event by it.

    Example:
        >>> session_uid(datetime.date(2026, 1, 5), series="person-1")
        '5e20ecd7-983c-519f-9162-b77a0eac2c33'
    """
    return str(uuid.uuid5(_NAMESPACE, f"{series}\n{day.isoformat()}"))


def _day(event: icalendar.Event) -> datetime.date:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, datetime.datetime) else start


def _events(ical: Any, previous: bytes | str) -> dict[str, icalendar.Event]:
    """The events of the calendar *previous*, by UID."""
    try:
        parsed = ical.Calendar.from_ical(previous)
    except Exception as error:  # noqa: BLE001 - icalendar raises many kinds for a malformed file
        raise UnreadableCalendarError(f"the previous calendar cannot be read: {error}") from None
    found = {}
    for event in parsed.walk("VEVENT"):
        if event.errors:
            continue  # not one of ours: a property that does not parse
        try:
            uid = str(event["UID"])
            _day(event)
        except (KeyError, ValueError, TypeError):
            continue  # not one of ours: an event without a UID or a start
        found[uid] = event
    return found


#: A content line of a revision property, which says when an event was revised, not what it says.
_REVISION_LINE = re.compile(f"(?:{'|'.join(_REVISION)})[;:]", re.IGNORECASE)


def _content(event: icalendar.Event) -> list[str]:
    """What *event* says, without when it was revised: its content lines, unfolded, the revision's left out.

    An event read back from a calendar gives the same lines as the one it was
    written from (the property tests check it), and comparing lines skips
    folding them, which is most of the cost of writing a calendar.
    """
    return [str(line) for line in event.content_lines() if not _REVISION_LINE.match(line)]


def _sequence(event: icalendar.Event) -> int:
    try:
        return max(0, int(event.get("SEQUENCE", 0)))
    except (TypeError, ValueError):
        return 0


def _revision(event: icalendar.Event, *, sequence: int, stamp: datetime.datetime, created: Any) -> None:
    for name in _REVISION:
        event.pop(name, None)
    event.add("dtstamp", stamp)
    event.add("created", created)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)


def _revised(event: icalendar.Event, old: icalendar.Event | None, stamp: datetime.datetime) -> icalendar.Event:
    """*event*, revised against the same day's *old* one: *old* if nothing changed, else one revision more."""
    if old is None:
        _revision(event, sequence=0, stamp=stamp, created=stamp)
        return event
    if _content(old) == _content(event):
        return old
    created = old.decoded("CREATED") if "CREATED" in old else stamp
    _revision(event, sequence=_sequence(old) + 1, stamp=stamp, created=created)
    return event


def _dropped(event: icalendar.Event, first_day: datetime.date, stamp: datetime.datetime) -> icalendar.Event:
    """An event of the previous calendar that the plan no longer has: kept if past or cancelled, else cancelled."""
    if _day(event) < first_day or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return event
    event.subcomponents = [c for c in event.subcomponents if c.name != "VALARM"]
    event.pop("STATUS", None)
    event.add("status", "CANCELLED")
    created = event.decoded("CREATED") if "CREATED" in event else stamp
    _revision(event, sequence=_sequence(event) + 1, stamp=stamp, created=created)
    return event
