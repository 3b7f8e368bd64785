"""The routine on paper: a printable, accessible HTML handout for one person.

The page is built from a Jinja2 template (``templates/handout.html``) with
autoescaping on, since every text of a pack is untrusted, and the library's
own words go through gettext (``jinja2.ext.i18n``). Styles and pictures are
inline, so the page needs no network and can be saved, mailed or printed as
one file.
"""

from __future__ import annotations

import datetime
import functools
import os
import typing
from typing import Any

import attrs
from markupsafe import Markup

from ._addresses import web_address
from ._engine import session_on
from ._i18n import N_, language, parse_locale, plural_count, translation
from ._media import Picture, Pictures, builtin_folder
from ._model import Exercise, Modification, Pack, Source, ensure_pack
from ._reconcile import exercise_of, state_exercise
from ._render import localized_date, localized_number
from ._rules import DEFAULT_RULES, Rules
from ._session import RedFlag
from ._state import Prescription, State, Stop
from ._text import LocalizedText, Text, localize, unshowable
from ._vocabulary import Dimension


if typing.TYPE_CHECKING:
    import jinja2


__all__ = ["handout", "handout_omissions", "make"]

#: Languages written from right to left, in the script CLDR's likely subtags give them (Arabic, Hebrew, Thaana,
#: N'Ko, Syriac, Hanifi Rohingya; the old tags iw and ji too): the page's direction follows the locale.
_RIGHT_TO_LEFT = frozenset(
    {
        "acm", "aeb", "apc", "ar", "arc", "ary", "arz", "azb", "bal", "bgn", "bqi", "ckb", "dv", "fa", "glk",
        "he", "hnd", "iw", "ji", "jpr", "jrb", "khw", "ks", "lah", "lki", "lrc", "luz", "mzn", "nqo", "ota",
        "pnb", "prs", "ps", "rhg", "sam", "sd", "sdh", "skr", "syr", "tmr", "ug", "ur", "ydd", "yi", "yih",
        # ISO 639-3 codes of Arabic, Persian, Pashto, Balochi, Hazaragi, Syriac and Hebrew varieties.
        "acq", "afb", "aii", "ajp", "apd", "arb", "arq", "ars", "ayl", "bcc", "bgp", "haz", "hbo", "mid", "pbt",
        "pbu", "pes", "phn", "pst", "shu", "ssh", "syc", "xpu",
    }
)  # fmt: skip

#: Languages written from right to left in some regions only (CLDR's likely subtags: Punjabi in Pakistan is
#: written in Arabic script, Uzbek in Afghanistan, Kazakh in China...).
_RIGHT_TO_LEFT_IN = {
    "az": frozenset({"IQ", "IR"}),
    "ha": frozenset({"CM", "SD"}),
    "kk": frozenset({"AF", "CN", "IR"}),
    "ku": frozenset({"IQ", "IR", "LB"}),
    "ky": frozenset({"CN"}),
    "ms": frozenset({"CC"}),
    "pa": frozenset({"PK"}),
    "tg": frozenset({"PK"}),
    "uz": frozenset({"AF"}),
}
#: Languages written from right to left but in one region from left to right (Sindhi in India: Devanagari).
_LEFT_TO_RIGHT_IN = {"sd": frozenset({"IN"})}

#: Scripts written from right to left (ISO 15924): a script subtag decides over the language's usual script
#: (``ku-Arab`` is right to left, ``ar-Latn`` left to right).
_RIGHT_TO_LEFT_SCRIPTS = frozenset(
    {"Adlm", "Arab", "Aran", "Armi", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"}
)


def handout(
    pack: Pack,
    state_or_exercise: State | str | Exercise,
    *,
    locale: str | None = None,
    media_folder: str | os.PathLike[str] | None = None,
    on: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> str:
    """Return a printable handout for one person, as one self-contained HTML page.

    The page holds the pack's title, the exercise and its dose in words, the
    numbered steps with their pictures, what each variation changes, the
    safety notes, a boxed list of the signs that mean "stop and contact your
    clinician" (every :class:`~backext.RedFlag`, and severe pain), the
    exercises to avoid, the sources, the disclaimer, a week of boxes to tick
    for sessions and to note pain in, and lines for the clinician's name and
    phone number. Styles and pictures are inline: nothing is fetched from a
    network. It prints on A4 and on US Letter with text of at least 14 points.

    For a :class:`~backext.State`, the page shows the prescription the
    engine derives from the pack now for a session on the day *on* (the
    state is checked as the engine checks it): a variation whose clearance
    is not in force that day is not in use, as :func:`~backext.plan` and
    :func:`~backext.step` would drop it. A stopped state prints no dose and no steps: the page says
    that exercise is paused since the day of the stop and why, asks the
    person to contact their clinician before doing any of it again, and keeps
    a week of lines for noting pain. For an exercise (or its id), the page
    shows the exercise's starting dose and the most it builds up to.

    Pack texts are escaped, never interpreted as markup; links are kept only
    for ``http`` and ``https`` addresses. Pictures named by ``media`` fields
    are embedded from *media_folder* as described in :doc:`/howto/handout`:
    only SVG and PNG files inside that folder, within size limits, and as
    images, so that no script in an SVG file can run. A picture that cannot
    be embedded is left out (:func:`handout_omissions` lists them).

    Args:
        pack: The pack the exercise comes from.
        state_or_exercise: A person's state, an exercise of *pack*, or its id.
        locale: The BCP 47 tag of the language to write in; the pack's
            default locale if ``None``. Pack texts fall back as
            :meth:`Pack.localize <backext.Pack.localize>` does, and the
            page's own words to English where there is no translation.
        media_folder: The folder that ``media`` paths are relative to: the
            folder of the pack file. ``None`` means the built-in pack's own
            pictures for the built-in pack, and no pictures for any other.
        on: The day the page is for: the first day it may be used. ``None``
            means today, by this computer's clock (``datetime.date.today()``),
            which is the person's day when the page is made where they are;
            an app serving people in other time zones passes their day. When
            a clinician's clearance lets the person resume only from a later
            day, the dose is the one for that day, which the page names.
        rules: The engine's rules the app uses (:class:`~backext.Rules`):
            the dose is the one :func:`~backext.step` and
            :func:`~backext.plan` give under them, and the pain that means
            "stop" is theirs.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If *locale* is not a BCP 47 tag.
        UnknownIdError: If the pack has no such exercise (a :class:`KeyError`).
        SessionError: If the state belongs to another pack, or *on* is before
            its last session.
        StateError: If the state does not fit the pack it was stored against.

    Example:
        >>> import backext
        >>> page = backext.handout(backext.builtin_pack(), "forearm-press-up")
        >>> page.startswith("<!DOCTYPE html>"), '<html lang="en"' in page
        (True, True)
        >>> "Stop and contact your clinician" in page, page.count("data:image/svg+xml")
        (True, 2)

    .. versionadded:: 0.1.0
    .. versionchanged:: Unreleased
       *on*: the dose is the one the engine allows on that day.
    .. versionchanged:: Unreleased
       *rules*: the engine's rules the app uses, as :func:`~backext.step`
       takes them.
    """
    return make(pack, state_or_exercise, locale, media_folder, on, rules)[0]


def make(  # noqa: PLR0917 - the arguments of handout(), in its order
    pack: Pack,
    state_or_exercise: State | str | Exercise,
    locale: str | None,
    media_folder: str | os.PathLike[str] | None,
    on: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> tuple[str, list[str]]:
    """The handout, and why each picture it would show is left out (for the command line, which reports them)."""
    made = _Handout(pack, state_or_exercise, locale, media_folder, on, rules)
    return made.html(), [omitted.render(made.speaks) for omitted in made.pictures.omitted]


def handout_omissions(
    pack: Pack,
    state_or_exercise: State | str | Exercise,
    *,
    media_folder: str | os.PathLike[str] | None = None,
    locale: str | None = None,
    on: datetime.date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> list[str]:
    """Why each picture the handout would show is left out, one sentence each (empty when none is).

    It takes the arguments of :func:`handout`, reads the same files, and
    says it in the handout's language.

    Example:
        >>> import backext
        >>> backext.handout_omissions(backext.builtin_pack(), "prone-chest-lift")
        []
        >>> backext.handout_omissions(backext.builtin_pack(), "prone-chest-lift", media_folder="/nonexistent")[0]
        "picture 'media/prone-chest-lift-start.svg' left out: there is no such file in the pack's folder"

    .. versionadded:: 0.1.0
    .. versionchanged:: Unreleased
       *locale*, *on* and *rules*, as :func:`handout` takes them; the sentences are in
       the handout's language.
    """
    made = _Handout(pack, state_or_exercise, locale, media_folder, on, rules)
    made.context()  # reads the pictures, as the page would
    return [omitted.render(made.speaks) for omitted in made.pictures.omitted]


@attrs.frozen
class Shown:
    """A pack text as the page shows it, with its language when that is not the page's.

    It prints as its text (escaped by the template, as any value is), and
    the template's ``text`` filter gives the element holding it its
    ``lang`` and ``dir``.
    """

    text: str
    lang: str | None

    def __str__(self) -> str:
        return self.text


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


def direction(tag: str) -> str:
    """``rtl`` for a language written from right to left, else ``ltr``; a script subtag decides first.

    *tag* is normalized (:func:`~backext._i18n.parse_locale`): a script is
    its first four-letter subtag before any singleton.
    """
    for subtag in tag.split("-")[1:]:
        if len(subtag) == 1:
            break
        if len(subtag) == 4 and subtag.isalpha():
            return "rtl" if subtag in _RIGHT_TO_LEFT_SCRIPTS else "ltr"
    language, *rest = tag.split("-")
    region = next((subtag for subtag in rest if len(subtag) == 2 and subtag.isalpha()), None)
    if region is not None and region.upper() in _RIGHT_TO_LEFT_IN.get(language.lower(), ()):
        return "rtl"
    if region is not None and region.upper() in _LEFT_TO_RIGHT_IN.get(language.lower(), ()):
        return "ltr"
    return "rtl" if _primary(tag) in _RIGHT_TO_LEFT else "ltr"


def _language_attributes(tag: str, page: str) -> Markup:
    """`` lang="…"``, and ``dir`` where the direction differs from the page's: for text in *tag* on a *page* page."""
    if direction(tag) == direction(page):
        return Markup(' lang="%s"') % tag  # Markup escapes what % puts in
    return Markup(' lang="%s" dir="%s"') % (tag, direction(tag))


def _text_attributes(value: object, page: str) -> Markup:
    """The attributes of the element holding a pack text: its language where not the page's, and its direction.

    The element isolates the text (``dir``): a bidi control in a pack's text
    (U+202E, say) ends with it and never turns the words after it around.
    """
    tag = value.lang if isinstance(value, Shown) else None
    if tag is None:
        return Markup(' dir="auto"')
    if direction(tag) == direction(page):
        return Markup(' dir="auto" lang="%s"') % tag
    return _language_attributes(tag, page)


def _title_attributes(value: object, page: str) -> Markup:
    """The ``lang`` (and ``dir``) of the page's ``<title>``: the exercise name's language, where not the page's.

    A ``<title>`` holds text only, so it cannot mark a part of itself: it takes the language of the exercise's
    name, which comes first in it.
    """
    tag = value.lang if isinstance(value, Shown) else None
    return Markup("") if tag is None else _language_attributes(tag, page)


#: Bidi controls that open an embedding or override (ended by U+202C), and those that open an isolate (U+2069).
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_ISOLATES = frozenset("\u2066\u2067\u2068")
_POP_EMBEDDING, _POP_ISOLATE, _FIRST_STRONG_ISOLATE = "\u202c", "\u2069", "\u2068"
_CONTROLS = _EMBEDDINGS | _ISOLATES | {_POP_EMBEDDING, _POP_ISOLATE}


def isolated(text: str) -> str:
    """*text* as a first-strong isolate, its own bidi controls balanced: for plain text beside other text.

    Where no element can isolate a pack's text (the page's ``<title>``), an
    override it leaves open would turn around what follows it. Closers
    without an opener are dropped, openers left open are closed, and the
    whole is put between U+2068 and U+2069. A text with no bidi control is
    returned as it is.
    """
    if not any(character in _CONTROLS for character in text):
        return text
    kept: list[str] = []
    opened: list[str] = []
    for character in text:
        if character in _EMBEDDINGS:
            opened.append(_POP_EMBEDDING)
        elif character in _ISOLATES:
            opened.append(_POP_ISOLATE)
        elif character == _POP_EMBEDDING:
            if not opened or opened[-1] != _POP_EMBEDDING:
                continue  # nothing of its own to end
            opened.pop()
        elif character == _POP_ISOLATE:
            if _POP_ISOLATE not in opened:
                continue
            while opened.pop() != _POP_ISOLATE:  # it ends the embeddings inside its isolate too
                pass
        kept.append(character)
    return "".join([_FIRST_STRONG_ISOLATE, *kept, *reversed(opened), _POP_ISOLATE])


def _number(value: object) -> Markup:
    """A number (or a date) isolated from the words around it, so that it reads the same in either direction."""
    return Markup("<bdi>%s</bdi>") % value


class _Handout:
    """The data of one handout, gathered for the template."""

    def __init__(  # noqa: PLR0917 - the arguments of handout(), in its order
        self,
        pack: Pack,
        state_or_exercise: State | str | Exercise,
        locale: str | None,
        media_folder: str | os.PathLike[str] | None,
        on: datetime.date | None = None,
        rules: Rules = DEFAULT_RULES,
    ) -> None:
        ensure_pack(pack)
        if not isinstance(rules, Rules):
            raise TypeError(f"rules must be a backext.Rules, not {type(rules).__name__}")
        self.rules = rules
        if on is not None and type(on) is not datetime.date:
            raise TypeError(f"on must be a datetime.date or None, not {type(on).__name__}")
        self.pack = pack
        self.locale = _locale(locale) or pack.default_locale
        # The library's words: the page's language where there is a catalog, else the pack's default's, else
        # English (the chain of the pack's own texts).
        self.speaks = language(self.locale, pack.default_locale)
        self.state: State | None = None
        self.prescription: Prescription | None = None
        if isinstance(state_or_exercise, State):
            day = datetime.date.today() if on is None else on  # noqa: DTZ011 - the local day, documented
            # The engine's own rule decides what is in force on the first day the page may be used (after a long
            # break, the dose the gap rule gives).
            before_last = N_("the handout's day ({day}) is before the state's last session ({last})")
            self.state, self.prescription = session_on(pack, state_or_exercise, day, rules, before_last)
            self.exercise = state_exercise(pack, self.state)
        elif isinstance(state_or_exercise, Exercise):
            self.exercise = exercise_of(pack, state_or_exercise.id)
        elif isinstance(state_or_exercise, str):
            self.exercise = exercise_of(pack, state_or_exercise)
        else:
            raise TypeError(
                "state_or_exercise must be a backext.State, a backext.Exercise or an exercise id,"
                f" not {type(state_or_exercise).__name__}"
            )
        if media_folder is None and _is_builtin(pack):
            media_folder = builtin_folder()
        self.pictures = Pictures(media_folder)

    def text(self, text: Text) -> Shown:
        if isinstance(text, LocalizedText):
            tag, shown = text.resolve_tagged(self.locale, default_locale=self.pack.default_locale)
        else:
            tag, shown = self.pack.default_locale, localize(text)
        same = tag.split("-", 1)[0].lower() == self.locale.split("-", 1)[0].lower()
        return Shown(shown, None if same else tag)

    def context(self) -> dict[str, Any]:
        pack, exercise, state = self.pack, self.exercise, self.state
        stop = None if state is None else state.stop
        sources = {source.id: source for source in pack.sources}
        cited = [*exercise.sources, *(s for entry in pack.avoid for s in entry.sources)]
        return {
            "lang": self.locale,
            "dir": direction(self.locale),
            "pack_title": self.text(pack.title),
            "name": self.text(exercise.name),
            "level": exercise.level.value,
            "purpose": self.text(exercise.purpose),
            "starting_position": self.text(exercise.starting_position),
            "equipment": [self.text(thing) for thing in exercise.equipment],
            "stop": None if stop is None else self._stop(stop),
            "resume_on": None
            if state is None or state.resume_on is None
            else localized_date(state.resume_on, self.speaks),
            "dose": None if stop is not None else self._dose(self.prescription),
            "steps": [] if stop is not None else self._steps(),
            "variations": [] if stop is not None else [self._variation(m) for m in exercise.modifications],
            "safety_notes": [self.text(note) for note in exercise.safety_notes],
            "red_flags": [self.words(flag.describe(self.speaks)) for flag in RedFlag],
            "severe_pain": self.rules.severe_pain,
            "avoid": [
                {"name": self.text(e.name), "description": self.text(e.description), "why": self.text(e.why)}
                for e in pack.avoid
            ],
            "sources": [self._source(sources[s]) for s in dict.fromkeys(cited) if s in sources],
            "disclaimer": None if pack.disclaimer is None else self.text(pack.disclaimer),
            "days": range(1, 8),
            "words_attributes": _words_attributes(self.speaks, self.locale) or "",
        }

    def _stop(self, stop: Stop) -> dict[str, Any]:
        flags = [self.words(flag.describe(self.speaks)) for flag in stop.red_flags]
        # What came while stopped is added to the stop, not dated on its own: the page gives the days it spans.
        last = None if stop.latest == stop.date else localized_date(stop.latest, self.speaks)
        return {"date": localized_date(stop.date, self.speaks), "last": last, "red_flags": flags, "pain": stop.pain}

    def _dose(self, prescription: Prescription | None) -> dict[str, Any]:
        exercise = self.exercise
        if prescription is None:
            hold, repetitions = exercise.hold, exercise.repetitions
            # What grows says "building up to" its most; what does not is a range the person keeps to every time
            # (a hold without an increment, repetitions the progression's order leaves out).
            grows = set(exercise.progression.order) - (set() if hold.progresses else {Dimension.HOLD})
            longer = self.number(hold.target_seconds) if hold.target_seconds > hold.start_seconds else None
            more = repetitions.maximum if repetitions.maximum > repetitions.minimum else None
            return {
                "current": False,
                "hold": self.number(hold.start_seconds),
                "hold_count": _count(hold.start_seconds, self.speaks),
                "hold_most": longer if Dimension.HOLD in grows else None,
                "hold_upto": longer if Dimension.HOLD not in grows else None,
                "hold_most_count": _count(hold.target_seconds, self.speaks),
                "repetitions": repetitions.minimum,
                "repetitions_most": more if Dimension.REPETITIONS in grows else None,
                "repetitions_upto": more if Dimension.REPETITIONS not in grows else None,
                "sets": repetitions.sets,
                "variations": [],
            }
        return {
            "current": True,
            "hold": self.number(prescription.hold_seconds),
            "hold_count": _count(prescription.hold_seconds, self.speaks),
            "hold_most": None,
            "hold_upto": None,
            "hold_most_count": 0,
            "repetitions": prescription.repetitions,
            "repetitions_most": None,
            "repetitions_upto": None,
            "sets": prescription.sets,
            "variations": [self.text(exercise.modification(m).name) for m in prescription.modifications],
        }

    def _steps(self) -> list[dict[str, Any]]:
        steps = []
        for step in self.exercise.steps:
            pictures = self.pictures.all([step.media] if step.media is not None else [])
            text = self.text(step.text)
            steps.append({"text": text, "pictures": [{"uri": p.uri, "alt": self._title(p) or text} for p in pictures]})
        return steps

    def _title(self, picture: Picture) -> Shown | None:
        """A picture's own title as its text alternative, where it is in the page's language (else ``None``)."""
        if picture.title is None:
            return None
        tag = picture.title_lang or self.pack.default_locale
        return Shown(picture.title, None) if _primary(tag) == _primary(self.locale) else None

    def words(self, text: str) -> Markup:
        """The library's own *text* (escaped), marked with its language where it is not the page's."""
        marked = _words_attributes(self.speaks, self.locale)
        return Markup("%s") % text if marked is None else Markup("<span%s>%s</span>") % (marked, text)

    def _source(self, source: Source) -> dict[str, Any]:
        url = source.url
        return {
            "citation": self.text(source.citation),
            "url": url,
            "shown_url": None if url is None else _shown_url(url),
            "linkable": url is not None and web_address(url),
        }

    def number(self, value: float) -> str:
        """*value* written in the handout's language (``1,5`` in German)."""
        return localized_number(value, self.speaks)

    def signed(self, value: float) -> str | None:
        """A change with its sign (a true minus sign), in the handout's language; ``None`` for no change."""
        if not value:
            return None
        return ("+" if value > 0 else "\N{MINUS SIGN}") + self.number(abs(value))

    def _variation(self, modification: Modification) -> dict[str, Any]:
        in_use = self.prescription is not None and modification.id in self.prescription.modifications
        return {
            "name": self.text(modification.name),
            "description": self.text(modification.description),
            "harder": modification.direction.value == "harder",
            "requires_clearance": modification.requires_clearance,
            "in_use": in_use,
            "hold_change": self.signed(modification.hold_seconds_change),
            "hold_change_count": _count(abs(modification.hold_seconds_change), self.speaks),
            "repetitions_change": self.signed(modification.repetitions_change),
            "pictures": [{"uri": p.uri, "alt": self._title(p)} for p in self.pictures.all(modification.media)],
        }

    def html(self) -> str:
        # Control characters a pack's text may hold are parse errors in HTML: the page drops them, wherever they went.
        page = _template(self.speaks, self.locale).render(self.context())
        return unshowable().sub("", page.replace("\r\n", "\n").replace("\r", "\n"))


def _locale(locale: object) -> str | None:
    if locale is None:
        return None
    if not isinstance(locale, str):
        raise TypeError(f"locale must be a string or None, not {type(locale).__name__}")
    return parse_locale(locale)


#: The most characters of a source's address printed (our choice): a long address is shortened in the middle.
MAX_SHOWN_URL = 120


def _shown_url(url: str) -> str:
    """*url* as printed: whole up to :data:`MAX_SHOWN_URL` characters, else its start and end around an ellipsis."""
    if len(url) <= MAX_SHOWN_URL:
        return url
    return f"{url[: MAX_SHOWN_URL - 31]}\N{HORIZONTAL ELLIPSIS}{url[-30:]}"


def _numbering(items: int) -> str:
    """The class of a numbered list of *items*, for the width of its largest number (``digits-2`` from 10 on)."""
    return f"digits-{min(len(str(items)), 4)}"


def _count(value: float, words: str) -> int:
    """The number to choose a plural form by, in the language *words* (see :func:`~backext._i18n.plural_count`)."""
    return plural_count(value, words) if abs(value) < 10**9 else 2


def _is_builtin(pack: Pack) -> bool:
    from ._builtin import builtin_pack  # noqa: PLC0415 - read only when needed

    builtin = builtin_pack()
    return pack is builtin or (pack.id == builtin.id and pack == builtin)


@functools.lru_cache(maxsize=64)
def _words_attributes(words: str, locale: str) -> Markup | None:
    """The ``lang`` (and ``dir``) of the library's words, in *words*, on a *locale* page, where they differ.

    A language without a catalog gets the pack's default language's words,
    or English: on an Arabic page, each of them is marked as English,
    written left to right.
    """
    return None if _primary(words) == _primary(locale) else _language_attributes(words, locale)


@functools.lru_cache(maxsize=16)
def _template(words: str, locale: str) -> jinja2.Template:
    """The handout's template with the library's words in *words*, for a *locale* page (one environment each)."""
    try:
        import jinja2  # noqa: PLC0415 - Jinja2 is imported only when a handout is made
    except ImportError as error:  # pragma: no cover - a dependency; only a broken install lacks it
        raise ImportError("backext.handout needs Jinja2: pip install jinja2") from error

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("backext", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["text"] = functools.partial(_text_attributes, page=locale)
    environment.filters["title"] = functools.partial(_title_attributes, page=locale)
    environment.filters["isolated"] = lambda value: isolated(str(value))
    environment.filters["bdi"] = _number
    environment.filters["numbering"] = _numbering
    catalog = translation(words)
    marked = _words_attributes(words, locale)

    def mark(message: str) -> str:
        # A catalog's message is markup to Jinja (its placeholders' values are escaped): it goes in a span as it is.
        return message if marked is None else f"<span{marked}>{message}</span>"

    environment.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: mark(catalog.gettext(message)),
        lambda singular, plural, n: mark(catalog.ngettext(singular, plural, n)),
        newstyle=True,
    )
    return environment.get_template("handout.html")
