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
import functools
import hashlib
import re
import uuid
import zoneinfo
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ._i18n import N_, N_plural, gettext, ngettext, parse_locale, pgettext
from ._ladder import Dose
from ._limits import DEFAULT_MAX_BYTES, shorten, surrogate
from ._messages import Message, Value
from ._model import Exercise, Pack, ensure_pack
from ._plan import BEST_CASE, Plan, PlannedSession
from ._reasons import Action
from ._reconcile import exercise_of, within_limits
from ._render import describe_prescription, one_line
from ._rules import DEFAULT_RULES, Rules
from ._text import unshowable
from ._wrong import WordedError
from .exceptions import SessionError, StateError


if TYPE_CHECKING:
    import icalendar


__all__ = ["PRODID", "UnreadableCalendarError", "calendar_text", "cancel_sessions", "plan_calendar", "session_uid"]

#: The product identifier written in every calendar (RFC 5545 section 3.7.3).
PRODID = "-//backext//plan calendar//EN"

#: The namespace of the UUIDs of planned sessions (a fixed, random UUID: never change it).
_NAMESPACE = uuid.UUID("5c8f3a52-6a1e-4b8e-9d0b-3f2c7e41a9d6")

#: What the revision of an event consists of, not what it says.
_REVISION = ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "CREATED")


#: The last day a calendar holds a session on (our choice): a day's event and its time zone's rules for the
#: days around it all fit before the last day a date can hold.
LAST_DAY = datetime.date(9998, 12, 31)

#: The largest previous calendar read, in bytes (or characters, for text): the largest pack's.
PREVIOUS_MAX_BYTES = DEFAULT_MAX_BYTES

#: The most events a previous calendar may hold (our choice): 520 weeks of daily sessions (3,640), and room
#: for the calendar's other events.
PREVIOUS_MAX_EVENTS = 10_000

#: The most content lines a previous calendar may have, and the most components (events, alarms, time
#: zones...): reading one costs time and memory by its lines and components, not its bytes (our choice: twice
#: what a calendar of 520 weeks of daily sessions with reminders has, 102,000 lines and 7,300 components).
PREVIOUS_MAX_LINES = 200_000
PREVIOUS_MAX_COMPONENTS = 15_000

#: The most value and parameter separators (``,`` and ``;``) a previous calendar may hold: each is a value
#: or a parameter read (our choice: about four times the 73,000 of 520 weeks of daily sessions).
PREVIOUS_MAX_SEPARATORS = 300_000

#: The fewest and most minutes a timed session may last.
_DURATION = (datetime.timedelta(minutes=1), datetime.timedelta(hours=12))

#: The most characters of a name from the pack (the exercise's, a variation's, the pack's title) in a calendar.
NAME_CHARACTERS = 120
#: The most characters of the exercise's steps in an event's description, all steps together.
STEPS_CHARACTERS = 1_500
#: The most characters of the pack's disclaimer in an event's description.
DISCLAIMER_CHARACTERS = 1_000
#: An upper bound on the octets of one event (our own arithmetic: the bounds above, four octets a character,
#: escaping and folding): the calendar is at most this much for each planned session, and
#: :data:`CALENDAR_OCTETS` more, whatever the pack's texts.
EVENT_OCTETS = 48 * 1024
#: An upper bound on the octets of a calendar's header, footer and time zones.
CALENDAR_OCTETS = 16 * 1024


#: The message of a session in a time zone that is none.
_NO_ZONE = N_("the session {uid} ({day}) in the previous calendar is in the time zone {zone}, which is not one")

#: The message of a previous calendar of too many events.
_TOO_MANY_EVENTS = N_("the previous calendar holds more than {limit} events")


class UnreadableCalendarError(WordedError):
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
    return unshowable().sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def excerpt(text: str, limit: int) -> str:
    """*text* if it has at most *limit* characters, else its beginning cut at a space, with an ellipsis.

    Example:
        >>> excerpt("Lift your chest slowly", 15)
        'Lift your…'
        >>> excerpt("Lift", 15)
        'Lift'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ", (limit * 2) // 3)
    return (cut if space < 0 else cut[:space]).rstrip() + "\u2026"


#: The octets an event takes besides its description and the two copies of its title (the event's and the
#: reminder's): its other properties, with room to spare (our own arithmetic).
_EVENT_OVERHEAD = 2 * 1024


def _octets(text: str) -> int:
    """About how many octets *text* takes as an iCalendar TEXT: UTF-8, escaped, folded at 75 octets, at most."""
    written = len(text.encode("utf-8", "surrogatepass")) + sum(text.count(c) for c in ",;\\\n")
    return written + 3 * (written // 70 + 1)


def _within(text: str, octets: int) -> str:
    """*text*, or its longest :func:`excerpt` that takes at most *octets* (never under 200 characters' worth)."""
    if _octets(text) <= octets:
        return text
    low, high = 200, len(text)
    while low < high:  # the most characters whose excerpt fits
        middle = (low + high + 1) // 2
        if _octets(excerpt(text, middle)) <= octets:
            low = middle
        else:
            high = middle - 1
    return excerpt(text, low)


def _text(ical: Any, value: str) -> Any:
    r"""*value* as an iCalendar TEXT that escapes exactly what RFC 5545 section 3.3.11 says.

    icalendar's own escaping reads ``\N`` in the text as an escaped line
    break: a pack's ``C:\New`` would come back as ``C:`` and a new line.
    """
    return _text_type(ical)(value)


@functools.cache
def _text_type(ical: Any) -> Any:
    class Text(ical.vText):  # type: ignore[misc]
        """TEXT escaped as RFC 5545 says: backslash, semicolon, comma and line breaks, nothing else."""

        def to_ical(self) -> bytes:
            escaped = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            return escaped.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n").encode(self.encoding)

    return Text


#: Bidirectional embeddings and overrides (closed by U+202C), and isolates (closed by U+2069).
_EMBEDDINGS, _ISOLATES = frozenset("\u202a\u202b\u202d\u202e"), frozenset("\u2066\u2067\u2068")


def bidi_closed(text: str) -> str:
    """*text* with every bidirectional embedding, override and isolate it opens closed at its end.

    The exercise's name comes before the dose in an event's title: an
    override left open would lay the dose out backwards ("51" for 15).

    Example:
        >>> bidi_closed("Press-up \u202e") == "Press-up \u202e\u202c"
        True
    """
    if not any(c in _EMBEDDINGS or c in _ISOLATES for c in text):
        return text
    stack: list[str] = []
    for character in text:
        if character in _EMBEDDINGS or character in _ISOLATES:
            stack.append(character)
        elif character == "\u202c" and stack and stack[-1] in _EMBEDDINGS:
            stack.pop()
        elif character == "\u2069" and _ISOLATES.intersection(stack):
            while stack.pop() not in _ISOLATES:  # a PDI closes the embeddings opened inside its isolate too
                pass
    return text + "".join("\u2069" if opened in _ISOLATES else "\u202c" for opened in reversed(stack))


def _icalendar() -> Any:
    try:
        import icalendar  # noqa: PLC0415 - the extra is optional
    except ImportError:
        raise ImportError(
            "writing a calendar needs the icalendar library: pip install 'backext[calendar]'", name="icalendar"
        ) from None
    return icalendar


#: What an IANA time zone name looks like (the tz database's Theory file: parts of at most 14 ASCII letters, digits,
#: "-", "_" and "+", not beginning with "-" or "."; at most three parts here, the longest name in use has three).
#: Files of the zone database that are not zones of a place: the machine's own zone, and aliases of it or of
#: leap-second rules (a calendar made with them would depend on the machine that made it).
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})

_ZONE_NAME = re.compile(r"[A-Za-z0-9_+][A-Za-z0-9_+-]{0,13}(?:/[A-Za-z0-9_+][A-Za-z0-9_+-]{0,13}){0,2}")


def _zone(timezone: str | datetime.tzinfo) -> datetime.tzinfo:
    """*timezone* as UTC or an IANA zone; ``ValueError`` for anything else."""
    if isinstance(timezone, str):
        if timezone.upper() in {"UTC", "Z"}:
            return datetime.timezone.utc
        wrong = WordedError(
            N_("{zone} is not a time zone (an IANA name such as 'Europe/Berlin', or 'UTC')"),
            {"zone": shorten(timezone, 64)},
        )
        if not _ZONE_NAME.fullmatch(timezone) or timezone in _NOT_ZONES or timezone.startswith(("posix/", "right/")):
            raise wrong  # never handed to zoneinfo, which looks it up as a file and a module
        try:
            return zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, RecursionError):
            raise wrong from None
    if timezone is datetime.timezone.utc or (isinstance(timezone, zoneinfo.ZoneInfo) and timezone.key == "UTC"):
        return datetime.timezone.utc
    if isinstance(timezone, zoneinfo.ZoneInfo):
        if timezone.key is None:  # read from a file: events would carry its abbreviation ("IST"), no VTIMEZONE
            raise WordedError(
                N_(
                    "the time zone must be an IANA name (or zoneinfo.ZoneInfo) or UTC: a zone read from a file has"
                    " no name"
                )
            )
        # By its name: the one set of rules the VTIMEZONE, the events and the reminders are all written with (a zone
        # read from a file under another zone's name would have rules of its own).
        # posix/Europe/Berlin is Europe/Berlin by another path (the time zone database's copy without leap seconds).
        return _zone(timezone.key.removeprefix("posix/"))
    if not isinstance(timezone, datetime.tzinfo):
        raise TypeError(f"timezone must be a string or a zoneinfo.ZoneInfo, not {type(timezone).__name__}")
    raise WordedError(
        N_("the time zone must be an IANA name (or zoneinfo.ZoneInfo) or UTC: a fixed offset has no rules")
    )


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must be an aware datetime (such as datetime.datetime.now(datetime.timezone.utc))")
    try:
        return moment.astimezone(datetime.timezone.utc).replace(microsecond=0)
    except OverflowError:
        raise ValueError(f"now ({moment.isoformat()}) is not a time UTC can hold") from None


def _summary(pack: Pack, planned: PlannedSession, locale: str | None) -> str:
    tags = (locale, pack.default_locale)
    exercise = pack.exercise(planned.prescription.exercise_id)
    # A title is one line in every calendar program: a line break in a name would be kept (escaped) in SUMMARY.
    name = bidi_closed(excerpt(one_line(pack.localize(exercise.name, locale)), NAME_CHARACTERS))
    dose = describe_prescription(planned.prescription, locale, default_locale=pack.default_locale)
    variations = [one_line(v) for v in _variation_names(pack, exercise, planned.prescription.modifications, locale)]
    if variations:
        # Translators: a calendar event's title: the exercise, the variations in use, then the day's dose.
        return gettext("{exercise} ({variations}): {dose}", *tags).format(
            exercise=name, variations=bidi_closed(excerpt("; ".join(variations), NAME_CHARACTERS)), dose=dose
        )
    # Translators: a calendar event's title: the exercise, then the day's dose.
    return gettext("{exercise}: {dose}", *tags).format(exercise=name, dose=dose)


def _variation_names(pack: Pack, exercise: Exercise, ids: tuple[str, ...], locale: str | None) -> list[str]:
    return [excerpt(pack.localize(m.name, locale), NAME_CHARACTERS) for m in exercise.modifications if m.id in ids]


def _description(pack: Pack, planned: PlannedSession, locale: str | None, *, before: PlannedSession | None) -> str:
    tags = (locale, pack.default_locale)
    prescription = planned.prescription
    exercise = pack.exercise(prescription.exercise_id)
    lines = [describe_prescription(prescription, locale, default_locale=pack.default_locale, sentence=True)]
    if before is None:
        lines.append(gettext("The first session of the plan.", *tags))
    elif planned.action is Action.PROGRESS:
        lines.append(gettext("A step up from the session before.", *tags))
    if before is not None and before.prescription.exercise_id == exercise.id:
        ended = tuple(m for m in before.prescription.modifications if m not in prescription.modifications)
        names = _variation_names(pack, exercise, ended, locale)
        if names:
            # A clearance ran out: the harder variation is no longer done, and the dose says so.
            no_longer = ngettext(
                "No longer in use: the variation {names}.",
                "No longer in use: the variations {names}.",
                len(names),
                *tags,
            )
            lines.append(excerpt(no_longer.format(names="; ".join(names)), NAME_CHARACTERS * 4))
    if prescription.modifications:
        names = _variation_names(pack, exercise, prescription.modifications, locale)
        variations = ngettext("Variation: {names}", "Variations: {names}", len(names), *tags)
        lines.append(excerpt(variations.format(names="; ".join(names)), NAME_CHARACTERS * 4))
    lines.append("")
    lines.append(gettext("{label}:", *tags).format(label=gettext("Steps", *tags)))
    lines.extend(_steps(pack, exercise, locale))
    lines.append("")
    lines.append(gettext(BEST_CASE, *tags))
    if pack.disclaimer is not None:
        lines.append(excerpt(pack.localize(pack.disclaimer, locale), DISCLAIMER_CHARACTERS))
    return "\n".join(lines)


def _steps(pack: Pack, exercise: Exercise, locale: str | None) -> list[str]:
    """The numbered steps of *exercise*, :data:`STEPS_CHARACTERS` at most: the rest is left out, with an ellipsis.

    A calendar holds one description for every session, so it carries an
    excerpt of the steps: the handout has them all.
    """
    tags = (locale, pack.default_locale)
    left = STEPS_CHARACTERS
    lines = []
    for number, step in enumerate(exercise.steps, start=1):
        if left <= 0:
            lines.append("\u2026")
            break
        text = excerpt(pack.localize(step.text, locale), left)
        left -= len(text)
        lines.append(gettext("{number}. {text}", *tags).format(number=number, text=text))
    return lines


def _duration_words(span: datetime.timedelta) -> str:
    """*span* as the command line writes a reminder: ``1d``, ``2h``, ``30m`` (or seconds, ``45s``)."""
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _reminder_trigger(reminder: datetime.timedelta | datetime.time) -> datetime.timedelta:
    """The TRIGGER relative to the event's start for *reminder* (a time of day: from midnight), once checked.

    A timed session's time-of-day reminder is written as a moment instead (see :func:`_reminder_moment`).
    """
    if isinstance(reminder, datetime.timedelta):
        if reminder < datetime.timedelta(0):
            after = -reminder.total_seconds()
            raise WordedError(
                N_plural(
                    "a reminder is a time before the session, not {seconds} second after it: use a positive one",
                    "a reminder is a time before the session, not {seconds} seconds after it: use a positive one",
                ),
                {"seconds": int(after) if after.is_integer() else after},
                count=after,
            )
        return -datetime.timedelta(seconds=int(reminder.total_seconds()))  # iCalendar durations have no fractions
    if reminder.tzinfo is not None:
        raise WordedError(N_("a reminder's time of day is in the time zone of the sessions: give it without one"))
    return datetime.timedelta(hours=reminder.hour, minutes=reminder.minute, seconds=reminder.second)


def _reminder_moment(reminder: datetime.time, start: datetime.datetime) -> datetime.datetime:
    """The moment, in UTC, a time-of-day *reminder* rings on the day of the session beginning at *start*.

    The time is read in the session's zone as the session's own time is (a time that a change of the clocks
    skips, with the offset before it, as RFC 5545 section 3.3.5 says), and it may not be after the session's
    start: compared as moments, not as the times the clock shows, which a change of the clocks makes differ.
    """
    moment = datetime.datetime.combine(start.date(), reminder.replace(microsecond=0), start.tzinfo)
    offsets = (moment.utcoffset() or datetime.timedelta(0)) - (start.utcoffset() or datetime.timedelta(0))
    if moment.replace(tzinfo=None) - start.replace(tzinfo=None) > offsets:  # never overflows, unlike UTC times
        raise WordedError(
            N_("a reminder at {reminder} would ring after the session has begun ({start}): give a time before it"),
            {"reminder": reminder.isoformat("minutes"), "start": start.time().isoformat("minutes")},
        )
    try:
        return moment.astimezone(datetime.timezone.utc)
    except OverflowError:
        raise WordedError(
            N_(
                "a reminder at {reminder} on {day} would ring before 0001-01-01 UTC, the first moment a"
                " calendar holds: start the plan later"
            ),
            {"reminder": f"{reminder:%H:%M}", "day": start.date()},
        ) from None


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
    cancel_from: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> bytes:
    r"""Write *plan* as an iCalendar file: one event per planned session.

    Each event's title is the exercise and the day's dose in words, in
    *locale*; its description adds what changed, the exercise's steps, that
    the plan is a best case, and the pack's disclaimer. Sessions are all-day
    events that do not block time, unless *time* is given.

    The calendar's size does not grow with the pack's texts: names are cut
    at 120 characters, the steps at 1,500 in all and the disclaimer at
    1,000, each with an ellipsis (the handout has them whole). Each session
    takes at most 48 KiB, plus 16 KiB for the whole calendar and the events
    of *previous* carried over (see :doc:`/limits`).

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
            too, read by its name (``key``: one read from a file with no name
            is refused). Needed with *time*, refused without it.
        duration: How long a timed session lasts (1 minute to 12 hours).
            The default, 15 minutes, is our choice (no source): the longest
            built-in session, ten 30-second holds with rests as long, takes
            ten minutes, and getting down and up again takes a few more.
        reminder: An alarm for each session: a :class:`~datetime.timedelta`
            is that long before the start (before midnight, for an all-day
            event), a :class:`~datetime.time` is that time on the session's
            day: for a timed session, that moment in UTC (so a daylight
            saving change does not move it), and not after the session's
            start on any day (a time the clocks skip is read with the
            offset before the change, as the session's own time is); for
            an all-day event, that long after its midnight.
            ``None``: no alarm.
        series: What makes the UIDs of this person's sessions differ from
            another's: a stable id of the person's programme in the app (it
            is hashed, never written out), a non-empty string. Default: the
            pack's id.
        previous: The calendar this function wrote last time for the same
            series (bytes or text, at most 16 MiB and 10,000 events), to
            carry over revisions. Only its sessions of *series* (an event
            whose UID is :func:`session_uid` of its day, or of a day up to
            a year away, for a session the person moved in their calendar
            app) are carried over or cancelled; any other event is left out
            of the result, so importing it never touches an event backext
            did not write. A moved session the plan no longer has is
            cancelled where it is now, from the first day on; one whose
            first day the plan has again is refused (revising it would move
            it back).
        now: The time of this revision (aware); default: the current time.
        cancel_from: The first day from which the sessions of *previous*
            that the plan does not have are cancelled; default (and at the
            latest): the plan's first day. After a stop lifted by a clearance
            dated later than the stop, pass the day after the last session
            done, so that the sessions of the weeks in between leave the
            calendar.
        rules: The engine's rules the plan was made under (as
            :func:`~backext.plan` took them): the plan is made again from
            the state it was made from, and must be the same.

    Returns:
        The iCalendar file, as bytes.

    Raises:
        ImportError: If the ``calendar`` extra (icalendar) is not installed.
        TypeError: If an argument has the wrong type.
        ValueError: If *time* is given without *timezone* or the other way
            round, *timezone* is not a known zone, *duration* or *reminder*
            is out of range, *locale* is malformed, *now* is naive, or
            *series* is empty, or the plan has a session after
            9998-12-31 (the last day a calendar holds); also (as a subclass,
            which the command line reports with status 1) if *previous* is
            not an iCalendar file, is too large, or has a session of *series*
            that cannot be revised safely (a property such as DTSTART given
            twice, one that does not parse, a SEQUENCE at its maximum).
        SessionError: If the plan is not the one :func:`~backext.plan` makes
            from the state it was made from (:attr:`Plan.origin
            <backext.Plan.origin>`), with this pack and *rules*: an edited
            plan, one made with another version of the pack or other rules,
            or one without its origin. Plan again.
        UnknownIdError: If the plan has an exercise the pack does not have.

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
    return _plan_calendar(
        pack,
        plan,
        locale=locale,
        time=time,
        timezone=timezone,
        duration=duration,
        reminder=reminder,
        series=series,
        previous=previous,
        now=now,
        cancel_from=cancel_from,
        rules=rules,
    )[0]


def _plan_calendar(
    pack: Pack,
    plan: Plan,
    *,
    locale: str | None,
    time: datetime.time | None,
    timezone: str | datetime.tzinfo | None,
    duration: datetime.timedelta,
    reminder: datetime.timedelta | datetime.time | None,
    series: str | None,
    previous: bytes | str | None,
    now: datetime.datetime | None,
    cancel_from: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> tuple[bytes, int]:
    """:func:`plan_calendar`'s calendar, and how many events of *previous* it left out (not of the series)."""
    ical = _icalendar()
    ensure_pack(pack)
    if not isinstance(plan, Plan):
        raise TypeError(f"plan must be a backext.Plan, not {type(plan).__name__}")
    series = _series(pack, series)
    if time is not None and not isinstance(time, datetime.time):
        raise TypeError(f"time must be a datetime.time, not {type(time).__name__}")
    if not isinstance(duration, datetime.timedelta):
        raise TypeError(f"duration must be a datetime.timedelta, not {type(duration).__name__}")
    if reminder is not None and not isinstance(reminder, datetime.timedelta | datetime.time):
        raise TypeError(f"reminder must be a datetime.timedelta or datetime.time, not {type(reminder).__name__}")
    if (time is None) != (timezone is None):
        raise WordedError(N_("a time of day needs a time zone, and a time zone a time of day: give both or neither"))
    if time is not None and time.tzinfo is not None:
        raise WordedError(N_("give the time of day without a time zone, and the zone as timezone="))
    if time is not None and not _DURATION[0] <= duration <= _DURATION[1]:
        seconds = duration.total_seconds()  # exactly, in the language's way: in minutes only if it is whole ones
        if seconds % 60 == 0:
            minutes = int(seconds // 60)
            raise WordedError(
                N_plural(
                    "a session lasts 60 seconds to 12 hours, not {minutes} minute",
                    "a session lasts 60 seconds to 12 hours, not {minutes} minutes",
                ),
                {"minutes": minutes},
                count=minutes,
            )
        raise WordedError(
            N_plural(
                "a session lasts 1 minute to 12 hours, not {seconds} second",
                "a session lasts 1 minute to 12 hours, not {seconds} seconds",
            ),
            {"seconds": int(seconds) if seconds.is_integer() else seconds},
            count=seconds,
        )
    zone = None if timezone is None else _zone(timezone)
    if time is not None:  # iCalendar times and durations have no fractions of a second, nor a fold
        # A local time written twice in a day (clocks going back) is read as its first (RFC 5545, 3.3.5): fold=1
        # cannot be written, and a reminder checked at the second would ring after the start written.
        time = time.replace(microsecond=0, fold=0)
        duration = datetime.timedelta(seconds=int(duration.total_seconds()))
    if isinstance(reminder, datetime.time):
        reminder = reminder.replace(fold=0)
    trigger = None if reminder is None else _reminder_trigger(reminder)
    if isinstance(reminder, datetime.timedelta) and plan.sessions:
        first = datetime.datetime.combine(plan.sessions[0].date, time or datetime.time(0))
        try:
            _ = first - reminder  # the moment the first reminder rings, if a date can hold it
        except OverflowError:
            raise WordedError(
                N_(
                    "a reminder {reminder} before the session on {day} would ring before 0001-01-01, the first day a"
                    " calendar holds: start the plan later"
                ),
                {"reminder": _duration_words(reminder), "day": plan.sessions[0].date},
            ) from None
    if locale is not None:
        parse_locale(locale)  # a malformed tag is an error, not silently the default
    if plan.sessions and plan.sessions[-1].date > LAST_DAY:
        raise WordedError(
            N_("a calendar holds sessions up to {last}: the plan's last session is on {day}"),
            {"last": LAST_DAY, "day": plan.sessions[-1].date},
        )
    check_plan(pack, plan, rules)
    stamp = _now(now)
    read = _Previous({}, 0) if previous is None else _events(ical, previous, series)
    old = read.sessions
    events = []
    planned_uids = set()
    # The octets each event's description may take, so that the calendar can be read back as --previous (at most
    # PREVIOUS_MAX_BYTES): a long plan of long texts carries shorter excerpts of the steps and the disclaimer.
    budget = (PREVIOUS_MAX_BYTES - CALENDAR_OCTETS) // max(len(plan.sessions), 1) - _EVENT_OVERHEAD
    for index, planned in enumerate(plan.sessions):
        event = ical.Event()
        uid = session_uid(planned.date, series=series)
        if uid in read.foreign_uids:  # not this day's session, yet its UID: writing it would revise that event
            raise UnreadableCalendarError(
                N_("an event of the previous calendar carries the UID of the session on {day} but is not on that day"),
                {"day": planned.date},
            )
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
        event.add("summary", _text(ical, summary))
        before = plan.sessions[index - 1] if index else None
        description = calendar_text(_description(pack, planned, locale, before=before))
        event.add("description", _text(ical, _within(description, budget - 2 * _octets(summary))))
        event.add("categories", [calendar_text(pgettext("calendar category", "Exercise", locale, pack.default_locale))])
        if trigger is not None:
            alarm = ical.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _text(ical, summary))
            if isinstance(reminder, datetime.time) and time is not None and zone is not None:
                # A time of day on a timed session's day: that moment, in UTC (RFC 5545 section 3.8.6.3), so that
                # a daylight saving change between it and the session does not move it. An absolute trigger says
                # VALUE=DATE-TIME (the default is a duration).
                moment = _reminder_moment(reminder, datetime.datetime.combine(planned.date, time, zone))
                alarm.add("trigger", moment, parameters={"VALUE": "DATE-TIME"})
            else:
                alarm.add("trigger", trigger)
            event.add_component(alarm)
        events.append(_revised(event, old.get(uid), stamp))
    first_day = plan.sessions[0].date if plan.sessions else datetime.date.max
    if cancel_from is not None:
        if not _is_day(cancel_from):
            raise TypeError(f"cancel_from must be a datetime.date, not {type(cancel_from).__name__}")
        done = None if plan.origin is None else plan.origin.last_session
        if done is not None and cancel_from <= done:  # a session done is history: never cancelled
            raise WordedError(
                N_("cancel_from ({day}) must come after the last session done ({last}): that one is history"),
                {"day": cancel_from, "last": done},
            )
        first_day = min(first_day, cancel_from)
    for uid, event in read.all_sessions().items():
        if uid not in planned_uids:
            events.append(_dropped(event, first_day, stamp))
    return _write(ical, pack, locale, events), read.foreign


def cancel_sessions(
    pack: Pack,
    previous: bytes | str,
    *,
    since: datetime.date,
    locale: str | None = None,
    now: datetime.datetime | None = None,
    series: str | None = None,
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
        since: The first day whose session is cancelled: every session of
            the series on that day or later, including one the person
            moved there from another day (in their calendar app).
        locale: The locale of the calendar's name.
        now: The time of this revision (aware); default: the current time.
        series: The series given to :func:`plan_calendar`; default: the
            pack's id. Only the sessions of this series are cancelled; other
            events of *previous* are left out of the result.

    Returns:
        The iCalendar file, as bytes.

    Raises:
        ImportError: If the ``calendar`` extra (icalendar) is not installed.
        TypeError: If an argument has the wrong type.
        ValueError: If *now* is naive, *series* is empty, or *locale* is
            malformed; also (as a subclass, as for :func:`plan_calendar`) if
            *previous* is not an iCalendar file, has no sessions of *series*,
            or has one that cannot be revised safely.

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
    return _cancel_sessions(pack, previous, since=since, locale=locale, now=now, series=series)[0]


def _cancel_sessions(
    pack: Pack,
    previous: bytes | str,
    *,
    since: datetime.date,
    locale: str | None,
    now: datetime.datetime | None,
    series: str | None,
) -> tuple[bytes, int]:
    """:func:`cancel_sessions`'s calendar, and how many events of *previous* it left out (not of the series)."""
    ical = _icalendar()
    ensure_pack(pack)
    series = _series(pack, series)
    if not _is_day(since):
        raise TypeError(f"since must be a datetime.date, not {type(since).__name__}")
    if locale is not None:
        parse_locale(locale)
    stamp = _now(now)
    read = _events(ical, previous, series)
    events = [_dropped(event, since, stamp) for event in read.all_sessions().values()]
    if not events:
        raise UnreadableCalendarError(
            N_(
                "the previous calendar has no sessions of the series {series} to cancel: pass the series given when"
                " it was written"
            ),
            {"series": shorten(series)},
        )
    return _write(ical, pack, locale, events), read.foreign


def _is_day(value: object) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _series(pack: Pack, series: object) -> str:
    """The series of the UIDs: *series*, a non-empty string, or the pack's id."""
    if series is None:
        return pack.id
    series = _check_series(series)
    if not series:
        raise WordedError(N_("a series must not be empty: give a stable id of the person's programme, or none"))
    return series


def _check_series(series: object) -> str:
    """*series*, refused if it is not a string or holds a character no UID (UTF-8 text) can."""
    if not isinstance(series, str):
        raise TypeError(f"series must be a string (a stable id), not {type(series).__name__}")
    found = surrogate().search(series)
    if found is not None:
        raise WordedError(
            N_("the series holds a lone surrogate ({code}), which UTF-8 cannot hold"),
            {"code": f"U+{ord(found.group()):04X}"},
        )
    return series


def _now(now: object) -> datetime.datetime:
    """The time of this revision: *now* (aware) in UTC, or the current time."""
    if now is None:
        return _utc(datetime.datetime.now(datetime.timezone.utc))
    if not isinstance(now, datetime.datetime):
        raise TypeError(f"now must be an aware datetime.datetime, not {type(now).__name__}")
    return _utc(now)


def check_plan(pack: Pack, plan: Plan, rules: Rules = DEFAULT_RULES) -> None:
    """Refuse a plan whose doses the pack given now does not allow: one of another pack, or edited.

    Every planned prescription must be for an exercise of the pack, at its
    level and sets, with variations it has, and within its limits (the check
    :func:`~backext.load_state` makes of a stored dose).

    Raises:
        SessionError: If the plan is for another pack, or a dose is not one the pack allows.
        UnknownIdError: If a planned exercise is not in the pack.
    """
    if plan.state.pack_id != pack.id:
        raise SessionError(
            Message(
                template=N_("the plan is for the pack {planned}, not {given}"),
                values={"planned": shorten(plan.state.pack_id), "given": shorten(pack.id)},
            )
        )
    if plan.state.pack_version != pack.version:  # another version may progress otherwise: its doses are not these
        raise SessionError(
            Message(
                template=N_(
                    "the plan was made with version {planned} of the pack, not {given}: plan again with this one"
                ),
                values={"planned": shorten(str(plan.state.pack_version)), "given": shorten(pack.version)},
            )
        )
    seen = set()
    for planned in plan.sessions:
        prescription = planned.prescription
        if prescription in seen:
            continue
        exercise = exercise_of(pack, prescription.exercise_id)
        try:
            dose = Dose(
                exercise_id=exercise.id, hold_seconds=prescription.hold_seconds, repetitions=prescription.repetitions
            )
            allowed = within_limits(exercise, dose)
        except (TypeError, ValueError):
            allowed = False
        known = {m.id for m in exercise.modifications}
        if (
            not allowed
            or prescription.level is not exercise.level
            or prescription.sets != exercise.repetitions.sets
            or not known.issuperset(prescription.modifications)
        ):
            raise SessionError(
                Message(
                    template=N_(
                        "the dose planned on {date} is not one {exercise} of the pack allows: plan again with this pack"
                    ),
                    values={"date": planned.date, "exercise": shorten(exercise.id)},
                )
            )
        seen.add(prescription)
    _check_made(pack, plan, rules)


def _check_made(pack: Pack, plan: Plan, rules: Rules) -> None:
    """Refuse a plan that is not the one :func:`~backext.plan` makes from the state it was made from, under *rules*.

    The state it was made from is checked against the pack as the engine
    checks any state; the plan is then made again from it, and must be the
    same, session for session: a calendar holds only what the engine makes.
    """
    origin, days = plan.origin, plan.days_per_week
    if not plan.sessions:  # plan() plans at least a week, and raises for a stopped state
        raise SessionError(
            Message(template=N_("the plan has no sessions, which backext.plan() never makes: plan again"))
        )
    if origin is None or type(days) is not int or not 1 <= days <= 7 or len(plan.sessions) % days:
        raise SessionError(
            Message(template=N_("the plan does not hold the state it was made from: plan again with backext.plan()"))
        )
    from ._plan import plan as make_plan  # noqa: PLC0415 - the engine's own planning, once per calendar

    try:
        again = make_plan(
            pack,
            origin,
            start_date=plan.sessions[0].date,
            days_per_week=days,
            weeks=len(plan.sessions) // days,
            rules=rules,
        )
    except StateError:
        raise SessionError(
            Message(template=N_("the state the plan was made from does not fit the pack: plan again"))
        ) from None
    if again != plan:
        raise SessionError(
            Message(
                template=N_(
                    "the plan is not the one the engine makes from the state it was made from, under the rules given:"
                    " plan again (and pass plan_calendar the rules the plan was made with)"
                )
            )
        )


def _write(ical: Any, pack: Pack, locale: str | None, events: list[icalendar.Event]) -> bytes:
    """The calendar of *events*, in order, with the VTIMEZONE of every time zone they use."""
    calendar = ical.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar escapes TEXT only for the properties it knows as text: NAME (RFC 7986) and X-WR-CALNAME are not.
    title = _text(ical, calendar_text(excerpt(one_line(pack.localize(pack.title, locale)), NAME_CHARACTERS)))
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    events.sort(key=lambda e: (_day(e), str(e["UID"])))
    for event in events:
        calendar.add_component(event)
    days = [_day(e) for e in events]
    if days:
        first, last = min(days), max(days) + datetime.timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
        for vtimezone in calendar.walk("VTIMEZONE"):
            # icalendar notes, in English, the days its rules were written for: every export writes them anew for
            # its own days, and the person's calendar has no English sentence of its own.
            vtimezone.pop("COMMENT", None)
            _observe(ical, vtimezone, first, last)
    data = bytes(calendar.to_ical())
    try:
        _check_bounds(data)
    except UnreadableCalendarError:
        # What cannot be read back as the previous calendar is not written: the sessions in it could never be
        # revised nor cancelled (after a stop, say).
        lines = data.count(b"\n")
        raise WordedError(
            N_(
                "the calendar would hold {events} events in {lines} lines, more than backext reads back as the"
                " previous calendar ({most} events, {most_lines} lines): plan fewer weeks, or start a new series"
                " (a new file, or series=/--series) and keep the old calendar as it is"
            ),
            {"events": len(events), "lines": lines, "most": PREVIOUS_MAX_EVENTS, "most_lines": PREVIOUS_MAX_LINES},
        ) from None
    return data


def _observe(ical: Any, vtimezone: Any, first: datetime.date, last: datetime.date) -> None:
    """Write the observances of *vtimezone* anew: every change of offset between *first* and *last*, from tzdata.

    icalendar 7 leaves out some changes (Morocco's around Ramadan: sessions
    an hour off) and writes a change that moves the clocks forward at the
    local time after it, an hour late (RFC 5545, 3.6.5: an observance's
    DTSTART is read with its TZOFFSETFROM). Each change is found where this
    computer's zone changes its offset (or its name, or whether it is summer
    time), to the second.
    """
    try:
        zone = zoneinfo.ZoneInfo(str(vtimezone["TZID"]))
    except (KeyError, ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):  # pragma: no cover - one we wrote
        return
    utc = datetime.timezone.utc
    # Two days either side of the sessions; never before 0001-01-01 14:00 UTC, which every zone's clock shows as a
    # time of year 1 (no offset is more than 14 hours), nor after the last day a calendar holds.
    earliest = datetime.datetime(1, 1, 1, 14, tzinfo=utc)
    two_days = datetime.timedelta(days=2)
    start = max(
        datetime.datetime.combine(max(first, datetime.date(1, 1, 3)), datetime.time(), utc) - two_days, earliest
    )
    end = datetime.datetime.combine(min(last, LAST_DAY), datetime.time(), utc) + two_days

    def state(moment: datetime.datetime) -> tuple[Any, ...]:
        local = moment.astimezone(zone)
        return local.utcoffset(), local.dst(), local.tzname()

    observances = [_observance(ical, start, state(start), state(start))]
    step = datetime.timedelta(hours=6)  # no zone changes twice within six hours
    moment, now = start, state(start)
    while moment < end:
        following = moment + step
        then = state(following)
        if then != now:
            low, high = moment, following  # the change is after low and at or before high, to the second
            while high - low > datetime.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                low, high = (middle, high) if state(middle) == now else (low, middle)
            observances.append(_observance(ical, high, now, state(high)))
        moment, now = following, then
    vtimezone.subcomponents = observances


def _observance(ical: Any, instant: datetime.datetime, before: tuple[Any, ...], after: tuple[Any, ...]) -> Any:
    """A STANDARD or DAYLIGHT observance beginning at *instant* (UTC), from the zone's state *before* to *after*."""
    offset_before, offset_after, dst, name = before[0], after[0], after[1], after[2]
    observance = ical.TimezoneDaylight() if dst else ical.TimezoneStandard()
    observance.add("dtstart", (instant + offset_before).replace(tzinfo=None))
    if name:
        observance.add("tzname", name)
    observance.add("tzoffsetfrom", offset_before)
    observance.add("tzoffsetto", offset_after)
    return observance


def session_uid(day: datetime.date, *, series: str) -> str:
    """The UID of the session on *day* in *series*: the same for every export, whatever the dose.

    It is a name-based UUID (version 5) of *series* and *day*: apps that
    sync events one by one (CalDAV, say) can find a day's event by it.

    Example:
        >>> session_uid(datetime.date(2026, 1, 5), series="person-1")
        '5e20ecd7-983c-519f-9162-b77a0eac2c33'
    """
    if not _is_day(day):
        raise TypeError(f"day must be a datetime.date, not {type(day).__name__}")
    _check_series(series)
    return str(uuid.uuid5(_NAMESPACE, f"{series}\n{day.isoformat()}"))


def _day(event: icalendar.Event) -> datetime.date:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, datetime.datetime) else start


def _events(ical: Any, previous: object, series: str) -> _Previous:
    """The sessions of *series* in the calendar *previous*, by UID, and how many of its events are not.

    An event is a session of the series if its UID is the one
    :func:`session_uid` gives for its day, or for another day (a session
    moved, see :func:`_moved_sessions`): nothing else is touched. A session
    that cannot be revised safely (a property given twice, one that does not
    parse, a SEQUENCE at its maximum) makes the calendar unreadable, naming
    the event.
    """
    if not isinstance(previous, bytes | str):
        raise TypeError(f"previous must be the calendar's bytes or text, not {type(previous).__name__}")
    _check_bounds(previous)
    as_given = previous  # its lines are the ones a problem names
    if isinstance(previous, bytes):  # UTF-8, as RFC 5545 (section 3.1.4) says and a pack is read
        try:
            previous.decode("utf-8")
        except UnicodeDecodeError:
            # A line may be folded inside a character (RFC 5545, section 3.1): unfolded, it may be UTF-8 after all.
            unfolded = _FOLD.sub(b"", previous)
            try:
                unfolded.decode("utf-8")
            except UnicodeDecodeError as still:
                # Named in the file as given: the byte the unfolded text cannot decode, where it is in the file.
                at = still.start
                for fold in _FOLD.finditer(previous):
                    if fold.start() > at:
                        break
                    at += fold.end() - fold.start()
                raise UnreadableCalendarError(
                    N_("the previous calendar is not UTF-8: byte {index} ({byte}) cannot be decoded"),
                    {"index": str(at), "byte": f"0x{previous[at]:02x}"},
                ) from None
            previous = unfolded
    else:
        lone = surrogate().search(previous)
        if lone is not None:
            raise UnreadableCalendarError(
                N_("the previous calendar holds a lone surrogate ({code}), which UTF-8 cannot hold"),
                {"code": f"U+{ord(lone.group()):04X}"},
            )
    if not previous.strip():
        raise UnreadableCalendarError(N_("the previous calendar is empty"))
    calendars = (
        _BEGIN_CALENDAR_TEXT.findall(previous) if isinstance(previous, str) else _BEGIN_CALENDAR.findall(previous)
    )
    if len(calendars) > 1:
        raise UnreadableCalendarError(N_("the previous calendar file holds more than one calendar"))
    try:
        parsed = ical.Calendar.from_ical(previous)
    except Exception as error:  # noqa: BLE001 - icalendar raises many kinds for a malformed file
        if "Found no components" in str(error):  # icalendar's words for a calendar it could not find the end of
            raise UnreadableCalendarError(_NOT_WHOLE) from None
        raise _unreadable_line(ical, as_given) or UnreadableCalendarError(
            N_("the previous calendar cannot be read: {detail}"), {"detail": shorten(str(error), 200)}
        ) from None
    if getattr(parsed, "name", None) != "VCALENDAR":  # a vCard, say: nothing of it is a calendar's
        raise UnreadableCalendarError(
            N_("the previous calendar is not an iCalendar file: it holds {name}, not VCALENDAR"),
            {"name": shorten(str(getattr(parsed, "name", "") or "nothing"), 40)},
        )
    found: dict[str, icalendar.Event] = {}
    others: list[tuple[icalendar.Event, datetime.date | None]] = []
    for event in parsed.walk("VEVENT"):
        day, days = _session_day(event, series)
        if day is None:
            others.append((event, days[0] if days else None))
        else:
            _add_session(ical, found, event, day, series)
    moved: dict[str, icalendar.Event] = {}
    first_days = _moved_sessions([(str(event.get("UID", "")), day) for event, day in others], series)
    for event, _ in others:
        day = first_days.get(str(event.get("UID", "")))
        if day is not None:  # a session the person moved to another day: its UID says which it is
            _add_session(ical, found, event, day, series)
            moved[session_uid(day, series=series)] = found.pop(session_uid(day, series=series))
    foreign = len(others) - len(moved)
    if len(found) + len(others) > PREVIOUS_MAX_EVENTS:  # folded BEGIN lines escape the count above
        raise UnreadableCalendarError(_TOO_MANY_EVENTS, {"limit": str(PREVIOUS_MAX_EVENTS)})
    return _Previous(found, foreign, frozenset(str(event.get("UID", "")) for event, _ in others), moved)


def _add_session(
    ical: Any, found: dict[str, icalendar.Event], event: icalendar.Event, day: datetime.date, series: str
) -> None:
    """Add *event*, the session of *day* in *series*, to *found* by its UID, once checked that it can be revised."""
    uid = session_uid(day, series=series)
    _in_iana_zones(event)
    _check_session(event, uid, day)
    _rewrap_texts(ical, event)
    if uid in found:
        raise UnreadableCalendarError(
            N_("the session {uid} ({day}) is in the previous calendar twice"), {"uid": uid, "day": day}
        )
    found[uid] = event


def _in_iana_zones(event: icalendar.Event) -> None:
    """Give *event*'s DTSTART and DTEND in a zone the calendar defines under a Windows name in the IANA zone.

    Outlook writes a calendar's times in zones it names as Windows does (``W. Europe Standard Time``) and
    defines in the file (a VTIMEZONE, as RFC 5545 allows). A time in such a zone is written again at the same
    time of day in the IANA zone the CLDR table of icalendar gives for the name, if the two agree on its offset
    from UTC then; otherwise it is left as it is (and refused, as any zone that is not one).
    """
    for name in ("DTSTART", "DTEND"):
        given = event.get(name)
        zone = getattr(given, "params", {}).get("TZID")
        value = getattr(given, "dt", None)
        if zone is None or not isinstance(value, datetime.datetime) or value.utcoffset() is None:
            continue
        iana = _windows_zone(str(zone))
        if iana is None:
            continue
        again = value.replace(tzinfo=iana)
        if again.utcoffset() == value.utcoffset():  # the file's own rules and the IANA zone's agree then
            event.pop(name)
            event.add(name, again)


def _windows_zone(name: str) -> datetime.tzinfo | None:
    """The IANA zone of the Windows zone name *name* (CLDR's table, as icalendar has it); ``None`` for another name."""
    try:
        _zone(name)
    except ValueError:
        pass
    else:
        return None  # an IANA name already
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON  # noqa: PLC0415 - the extra is optional

    iana = WINDOWS_TO_OLSON.get(name)
    try:
        return None if iana is None else _zone(iana)
    except ValueError:  # a name this computer's zone database does not have
        return None


#: How many days from where it is now the first day of a session moved in a calendar app is looked for (our
#: choice): a year either side.
MOVED_DAYS = 366

#: The most days looked at for the first days of moved sessions, in all (our choice: about 0.1 s): the days of
#: 100 years, which a calendar of 520 weeks of sessions, moved or not, and of other series, spans many times over.
MOVED_DAYS_LOOKED_AT = 36_600


def _moved_sessions(events: list[tuple[str, datetime.date | None]], series: str) -> dict[str, datetime.date]:
    """The first day of each event of *events* (its UID and its day now) that is a session of *series* moved.

    A session's UID is :func:`session_uid` of its first day: one on another day was moved there (in a calendar
    app, say). Its first day is looked for up to :data:`MOVED_DAYS` days either side of the day it is on now,
    :data:`MOVED_DAYS_LOOKED_AT` days in all at most (from the earliest event on).
    """
    wanted: dict[bytes, tuple[str, datetime.date]] = {}
    for uid, day in events:
        try:
            parsed = uuid.UUID(uid)
        except ValueError:
            continue
        if day is not None and parsed.version == 5 and str(parsed) == uid:
            wanted[parsed.bytes] = (uid, day)
    ordinals: set[int] = set()
    for _, day in sorted(wanted.values(), key=lambda found: found[1]):
        if len(ordinals) >= MOVED_DAYS_LOOKED_AT:  # a calendar of events spread over centuries: as many as that
            break
        ordinal = min(day, LAST_DAY).toordinal()
        ordinals.update(range(max(ordinal - MOVED_DAYS, 1), min(ordinal + MOVED_DAYS, LAST_DAY.toordinal()) + 1))
    found: dict[str, datetime.date] = {}
    hashed = hashlib.sha1(_NAMESPACE.bytes + f"{series}\n".encode(), usedforsecurity=False)  # as uuid5 hashes
    for ordinal in sorted(ordinals):
        day = datetime.date.fromordinal(ordinal)
        hit = wanted.get(_uid_bytes(hashed, day))
        if hit is not None:
            found[hit[0]] = day
    return found


def _uid_bytes(series: Any, day: datetime.date) -> bytes:
    """The bytes of :func:`session_uid` of *day*, computed as :func:`uuid.uuid5` does from *series*' hash, faster."""
    hashed = series.copy()
    hashed.update(day.isoformat().encode())
    digest = bytearray(hashed.digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the variant of RFC 9562
    return bytes(digest)


_NOT_WHOLE = N_(
    "the previous calendar holds no whole calendar: a BEGIN line has no END line, or the lines end in neither"
    " CRLF nor LF"
)


def _check_bounds(previous: bytes | str) -> None:
    """Refuse a calendar with more bytes, lines, values, components or events than a previous calendar may hold.

    Counted in the text, before it is parsed (which costs far more); the writer checks what it writes the same
    way, so that every calendar backext writes can be read back.
    """
    if len(previous) > PREVIOUS_MAX_BYTES:
        raise UnreadableCalendarError(
            N_("the previous calendar is larger than {limit} bytes"), {"limit": str(PREVIOUS_MAX_BYTES)}
        )
    if isinstance(previous, str):
        lines = previous.count("\n") + previous.count("\r")
    else:
        lines = previous.count(b"\n") + previous.count(b"\r")
    if lines > 2 * PREVIOUS_MAX_LINES:  # CRLF counts twice; CR or LF alone, once
        raise UnreadableCalendarError(
            N_("the previous calendar has more than {limit} lines"), {"limit": str(PREVIOUS_MAX_LINES)}
        )
    # An escaped comma or semicolon (in a TEXT value, "\,") separates nothing: not counted.
    separators = (
        previous.count(",") + previous.count(";") - previous.count("\\,") - previous.count("\\;")
        if isinstance(previous, str)
        else (previous.count(b",") + previous.count(b";") - previous.count(b"\\,") - previous.count(b"\\;"))
    )
    if separators > PREVIOUS_MAX_SEPARATORS:
        raise UnreadableCalendarError(
            N_("the previous calendar holds more than {limit} values and parameters"),
            {"limit": str(PREVIOUS_MAX_SEPARATORS)},
        )
    components: Iterator[object] = (
        _BEGIN_TEXT.finditer(previous) if isinstance(previous, str) else _BEGIN.finditer(previous)
    )
    if any(count > PREVIOUS_MAX_COMPONENTS for count, _ in enumerate(components, start=1)):
        raise UnreadableCalendarError(
            N_("the previous calendar holds more than {limit} components"), {"limit": str(PREVIOUS_MAX_COMPONENTS)}
        )
    begins: Iterator[object] = (
        _BEGIN_EVENT_TEXT.finditer(previous) if isinstance(previous, str) else _BEGIN_EVENT.finditer(previous)
    )
    if any(count > PREVIOUS_MAX_EVENTS for count, _ in enumerate(begins, start=1)):
        raise UnreadableCalendarError(_TOO_MANY_EVENTS, {"limit": str(PREVIOUS_MAX_EVENTS)})


#: A line break and the space or tab that fold a content line inside a character (RFC 5545, section 3.1): the
#: byte after them continues a character of UTF-8.
_FOLD = re.compile(rb"\r?\n[ \t](?=[\x80-\xbf])")


def _unreadable_line(ical: Any, previous: str | bytes) -> UnreadableCalendarError | None:
    """The error of the first line of *previous* that icalendar cannot read, with its number; ``None`` if none is.

    Only when the whole calendar could not be read: a content line that does not parse, or a time zone named
    (``TZID``) that is a folder of the time zone database rather than a zone (icalendar looks it up as it reads).
    """
    text = previous if isinstance(previous, str) else previous.decode("utf-8", "replace")
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if line[:1] in {" ", "\t"} and logical:  # a folded line goes on the one before
            logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
        elif line:
            logical.append((number, line))
    for number, line in logical:
        try:
            _, parameters, _ = ical.parser.Contentline(line).parts()
            zone = parameters.get("TZID")
            if isinstance(zone, str) and zone.strip() and "/." not in zone and not zone.startswith((".", "/")):
                zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, RecursionError):
            continue  # a zone this computer does not know: icalendar keeps the time as written
        except OSError:
            return UnreadableCalendarError(
                N_("line {line} of the previous calendar names the time zone {zone}, which is a folder of zones"),
                {"line": str(number), "zone": shorten(str(zone), 64)},
            )
        except Exception as error:  # noqa: BLE001 - icalendar raises many kinds for a malformed line
            return UnreadableCalendarError(
                N_("line {line} of the previous calendar cannot be read: {detail}"),
                {"line": str(number), "detail": shorten(str(error), 200)},
            )
    return None


@attrs.frozen
class _Previous:
    """The sessions of a series read from a previous calendar, and how many other events it holds."""

    sessions: dict[str, icalendar.Event]
    foreign: int
    #: The UIDs of the other events, and of the moved sessions: one a session of the plan would take is a clash.
    foreign_uids: frozenset[str] = frozenset()
    #: The sessions of the series that the person moved to another day (their UID is their first day's), by UID.
    moved: dict[str, icalendar.Event] = attrs.Factory(dict)

    def all_sessions(self) -> dict[str, icalendar.Event]:
        """Every session of the series, by UID: those on their day and those moved to another."""
        return {**self.sessions, **self.moved}


#: The beginning of an event in a calendar's bytes (counted before parsing, which costs far more).
_BEGIN_EVENT = re.compile(rb"^BEGIN:VEVENT\r?$", re.IGNORECASE | re.MULTILINE)
_BEGIN_EVENT_TEXT = re.compile(r"^BEGIN:VEVENT\r?$", re.IGNORECASE | re.MULTILINE)
#: The beginning of a calendar.
_BEGIN_CALENDAR = re.compile(rb"^BEGIN:VCALENDAR\r?$", re.IGNORECASE | re.MULTILINE)
_BEGIN_CALENDAR_TEXT = re.compile(r"^BEGIN:VCALENDAR\r?$", re.IGNORECASE | re.MULTILINE)
#: The beginning of any component.
_BEGIN = re.compile(rb"^BEGIN:", re.IGNORECASE | re.MULTILINE)
_BEGIN_TEXT = re.compile(r"^BEGIN:", re.IGNORECASE | re.MULTILINE)

#: The properties that repeat an event (RFC 5545 section 3.8.5): a session of the series has none.
_RECURRENCE = ("RRULE", "RDATE", "EXRULE", "EXDATE", "RECURRENCE-ID")

#: The properties a session has at most once (RFC 5545 section 3.6.1); revising one given twice is guesswork.
_ONCE = ("UID", "DTSTART", "DTEND", "DURATION", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "STATUS")


def _rewrap_texts(ical: Any, event: icalendar.Event) -> None:
    """Give the TEXT values of *event* (and its alarms) the escaping of :func:`_text`, for writing them again."""
    for component in event.walk():
        for name, value in list(component.items()):
            if type(value) is ical.vText:
                text = _text(ical, str(value))
                text.params = value.params
                component[name] = text


def _session_day(event: icalendar.Event, series: str) -> tuple[datetime.date | None, list[datetime.date]]:
    """The day of *event* if it is a session of *series* on it (its UID is the day's), else ``None``; and its days.

    The days are those its DTSTART says (one, unless given twice).
    """
    uid = event.get("UID")
    starts = event.get("DTSTART")
    days: list[datetime.date] = []
    for start in starts if isinstance(starts, list) else [starts]:
        try:
            value = getattr(start, "dt", None)
        except Exception as error:  # noqa: BLE001 - icalendar raises on a broken property when it is read
            raise UnreadableCalendarError(
                N_("the event {uid} in the previous calendar has a DTSTART that cannot be read: {detail}"),
                {"uid": shorten(str(uid), 100), "detail": shorten(str(error), 100)},
            ) from None
        day = value.date() if isinstance(value, datetime.datetime) else value
        if isinstance(day, datetime.date):
            if isinstance(uid, str) and session_uid(day, series=series) == str(uid):
                return day, [day]
            days.append(day)
    return None, days if isinstance(uid, str) else []


def _check_session(event: icalendar.Event, uid: str, day: datetime.date) -> None:
    """Refuse a session of the series that cannot be revised safely."""
    where: dict[str, Value] = {"uid": uid, "day": day}
    repeats = [name for name in _RECURRENCE if name in event]
    if repeats:
        # A session happens once: a rule that repeats it (kept as it is on a past day) would go on after a stop.
        raise UnreadableCalendarError(
            N_("the session {uid} ({day}) in the previous calendar repeats ({names}): a session happens once"),
            {**where, "names": ", ".join(repeats)},
        )
    for when in ("DTSTART", "DTEND"):
        zone = getattr(event.get(when), "params", {}).get("TZID")
        if zone is not None:
            try:
                _zone(str(zone))
            except ValueError:  # no VTIMEZONE can be written for it, and RFC 5545 wants one for every TZID
                raise UnreadableCalendarError(_NO_ZONE, {**where, "zone": shorten(str(zone), 64)}) from None
    twice = [name for name in _ONCE if isinstance(event.get(name), list)]
    if twice:
        raise UnreadableCalendarError(
            N_("the session {uid} ({day}) in the previous calendar has {names} more than once"),
            {**where, "names": ", ".join(twice)},
        )
    if event.errors:
        name, error = event.errors[0]
        if name is None:  # a line icalendar could not even split into a name and a value
            raise UnreadableCalendarError(
                N_("the session {uid} ({day}) in the previous calendar has a line that cannot be read: {detail}"),
                {**where, "detail": shorten(str(error), 100)},
            )
        raise UnreadableCalendarError(
            N_("the session {uid} ({day}) in the previous calendar has a {name} that cannot be read: {detail}"),
            {**where, "name": str(name), "detail": shorten(str(error), 100)},
        )
    if day > LAST_DAY:
        raise UnreadableCalendarError(
            N_("the session {uid} ({day}) in the previous calendar is after {last}, the last day a calendar holds"),
            {**where, "last": LAST_DAY},
        )
    if _sequence(event) >= _MAX_SEQUENCE:
        raise UnreadableCalendarError(
            N_(
                "the session {uid} ({day}) in the previous calendar has the highest SEQUENCE there is: it cannot be"
                " revised again"
            ),
            where,
        )


#: A content line of a revision property, which says when an event was revised, not what it says.
_REVISION_LINE = re.compile(f"(?:{'|'.join(_REVISION)})[;:]", re.IGNORECASE)


def _content(event: icalendar.Event) -> list[str]:
    """What *event* says, without when it was revised: its content lines, unfolded, the revision's left out.

    An event read back from a calendar gives the same lines as the one it was
    written from (the property tests check it), and comparing lines skips
    folding them, which is most of the cost of writing a calendar.
    """
    return [str(line) for line in event.content_lines() if not _REVISION_LINE.match(line)]


#: The highest SEQUENCE (an INTEGER, RFC 5545 section 3.3.8).
_MAX_SEQUENCE = 2**31 - 1


def _sequence(event: icalendar.Event) -> int:
    try:
        return max(0, int(event.get("SEQUENCE", 0)))
    except (TypeError, ValueError):  # pragma: no cover - such an event is refused when read
        return 0


def _revision(
    event: icalendar.Event,
    *,
    sequence: int,
    stamp: datetime.datetime,
    created: Any,
    previous: icalendar.Event | None = None,
) -> None:
    if previous is not None:
        # A revision is never dated before what it revises (a clock set back, or an app's *now* in the past):
        # calendar programs order the revisions of an event by these times too.
        stamp = max([stamp, *(_instant(previous.get(name)) for name in ("DTSTAMP", "LAST-MODIFIED", "CREATED"))])
    for name in _REVISION:
        event.pop(name, None)
    event.add("dtstamp", stamp)
    event.add("created", created)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)


def _instant(value: Any) -> datetime.datetime:
    """A revision time of an event read back, in UTC (a floating time is taken as UTC); a date, the earliest time."""
    earliest = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    moment = getattr(value, "dt", value)
    if not isinstance(moment, datetime.datetime):
        return earliest
    try:
        return _utc(moment if moment.utcoffset() is not None else moment.replace(tzinfo=datetime.timezone.utc))
    except ValueError:  # pragma: no cover - a time UTC cannot hold is refused when the calendar is read
        return earliest


def _revised(event: icalendar.Event, old: icalendar.Event | None, stamp: datetime.datetime) -> icalendar.Event:
    """*event*, revised against the same day's *old* one: *old* if nothing changed, else one revision more."""
    if old is None:
        _revision(event, sequence=0, stamp=stamp, created=stamp)
        return event
    if _content(old) == _content(event):
        return old
    created = old.decoded("CREATED") if "CREATED" in old else stamp
    _revision(event, sequence=_sequence(old) + 1, stamp=stamp, created=created, previous=old)
    return event


def _dropped(event: icalendar.Event, first_day: datetime.date, stamp: datetime.datetime) -> icalendar.Event:
    """An event of the previous calendar that the plan no longer has: kept if past or cancelled, else cancelled."""
    if _day(event) < first_day or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return event
    for component in event.walk():  # every alarm, nested ones too: a cancelled session rings for nothing
        component.subcomponents = [c for c in component.subcomponents if c.name != "VALARM"]
    event.pop("STATUS", None)
    event.add("status", "CANCELLED")
    created = event.decoded("CREATED") if "CREATED" in event else stamp
    _revision(event, sequence=_sequence(event) + 1, stamp=stamp, created=created, previous=event)
    return event
