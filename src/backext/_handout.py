"""The routine on paper: a printable, accessible HTML handout for one person.

The page is built from a Jinja2 template (``templates/handout.html``) with
autoescaping on, since every text of a pack is untrusted, and the library's
own words go through gettext (``jinja2.ext.i18n``). Styles and pictures are
inline, so the page needs no network and can be saved, mailed or printed as
one file.
"""

from __future__ import annotations

import functools
import os
import typing
from typing import Any

import attrs
from markupsafe import Markup

from ._i18n import parse_locale, translation
from ._media import Pictures, builtin_folder
from ._model import Exercise, Modification, Pack
from ._reconcile import exercise_of, reconcile
from ._render import localized_date, localized_number
from ._rules import DEFAULT_RULES
from ._session import RedFlag
from ._state import Prescription, State, Stop
from ._text import LocalizedText, Text, localize


if typing.TYPE_CHECKING:
    import jinja2


__all__ = ["handout", "handout_omissions", "make"]

#: Languages written from right to left: the page's direction follows the locale.
_RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"})

#: Link targets a handout may carry: anything else from a pack is shown as text.
_LINKABLE = ("https://", "http://")


def handout(
    pack: Pack,
    state_or_exercise: State | str | Exercise,
    *,
    locale: str | None = None,
    media_folder: str | os.PathLike[str] | None = None,
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
    engine derives from the pack now (the state is checked as the engine
    checks it). A stopped state prints no dose and no steps: the page says
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

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If *locale* is not a BCP 47 tag.
        UnknownIdError: If the pack has no such exercise (a :class:`KeyError`).
        SessionError: If the state belongs to another pack.
        StateError: If the state does not fit the pack it was stored against.

    Example:
        >>> import backext
        >>> page = backext.handout(backext.builtin_pack(), "forearm-press-up")
        >>> page.startswith("<!DOCTYPE html>"), '<html lang="en"' in page
        (True, True)
        >>> "Stop and contact your clinician" in page, page.count("data:image/svg+xml")
        (True, 2)

    .. versionadded:: 0.1.0
    """
    return make(pack, state_or_exercise, locale, media_folder)[0]


def make(
    pack: Pack,
    state_or_exercise: State | str | Exercise,
    locale: str | None,
    media_folder: str | os.PathLike[str] | None,
) -> tuple[str, list[str]]:
    """The handout, and why each picture it would show is left out (for the command line, which reports them)."""
    made = _Handout(pack, state_or_exercise, locale, media_folder)
    return made.html(), [str(omitted) for omitted in made.pictures.omitted]


def handout_omissions(
    pack: Pack,
    state_or_exercise: State | str | Exercise,
    *,
    media_folder: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Why each picture the handout would show is left out, one sentence each (empty when none is).

    It takes the arguments of :func:`handout`, and reads the same files.

    Example:
        >>> import backext
        >>> backext.handout_omissions(backext.builtin_pack(), "prone-chest-lift")
        []
        >>> backext.handout_omissions(backext.builtin_pack(), "prone-chest-lift", media_folder="/nonexistent")[0]
        "picture 'media/prone-chest-lift-start.svg' left out: there is no such file in the pack's folder"

    .. versionadded:: 0.1.0
    """
    made = _Handout(pack, state_or_exercise, None, media_folder)
    made.context()  # reads the pictures, as the page would
    return [str(omitted) for omitted in made.pictures.omitted]


@attrs.frozen
class Shown:
    """A pack text as the page shows it, with its language when that is not the page's.

    It prints as its text (escaped by the template, as any value is), and
    the template's ``lang`` filter marks the element holding it.
    """

    text: str
    lang: str | None

    def __str__(self) -> str:
        return self.text


def _lang_attribute(value: object) -> Markup:
    """`` lang="…"`` for a text in another language than the page's, else nothing."""
    tag = value.lang if isinstance(value, Shown) else None
    return Markup(' lang="%s"') % tag if tag else Markup("")  # Markup escapes what % puts in


class _Handout:
    """The data of one handout, gathered for the template."""

    def __init__(
        self,
        pack: Pack,
        state_or_exercise: State | str | Exercise,
        locale: str | None,
        media_folder: str | os.PathLike[str] | None,
    ) -> None:
        if not isinstance(pack, Pack):
            raise TypeError(f"pack must be a backext.Pack, not {type(pack).__name__}")
        self.pack = pack
        self.locale = _locale(locale) or pack.default_locale
        self.state: State | None = None
        if isinstance(state_or_exercise, State):
            self.state = reconcile(pack, state_or_exercise)[0]
            self.exercise = exercise_of(pack, self.state.prescription.exercise_id)
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
        language = self.locale.split("-", 1)[0].lower()
        return {
            "lang": self.locale,
            "dir": "rtl" if language in _RIGHT_TO_LEFT else "ltr",
            "pack_title": self.text(pack.title),
            "name": self.text(exercise.name),
            "level": exercise.level.value,
            "purpose": self.text(exercise.purpose),
            "starting_position": self.text(exercise.starting_position),
            "equipment": [self.text(thing) for thing in exercise.equipment],
            "stop": None if stop is None else self._stop(stop),
            "resume_on": None
            if state is None or state.resume_on is None
            else localized_date(state.resume_on, self.locale),
            "dose": None if stop is not None else self._dose(state.prescription if state else None),
            "steps": [] if stop is not None else self._steps(),
            "variations": [] if stop is not None else [self._variation(m) for m in exercise.modifications],
            "safety_notes": [self.text(note) for note in exercise.safety_notes],
            "red_flags": [flag.describe(self.locale) for flag in RedFlag],
            "severe_pain": DEFAULT_RULES.severe_pain,
            "avoid": [
                {"name": self.text(e.name), "description": self.text(e.description), "why": self.text(e.why)}
                for e in pack.avoid
            ],
            "sources": [_source_context(sources[s]) for s in dict.fromkeys(cited) if s in sources],
            "disclaimer": None if pack.disclaimer is None else self.text(pack.disclaimer),
            "days": range(1, 8),
        }

    def _stop(self, stop: Stop) -> dict[str, Any]:
        flags = [flag.describe(self.locale) for flag in stop.red_flags]
        return {"date": localized_date(stop.date, self.locale), "red_flags": flags, "pain": stop.pain}

    def _dose(self, prescription: Prescription | None) -> dict[str, Any]:
        exercise = self.exercise
        if prescription is None:
            hold, repetitions = exercise.hold, exercise.repetitions
            return {
                "current": False,
                "hold": self.number(hold.start_seconds),
                "hold_count": _count(hold.start_seconds),
                "hold_most": self.number(hold.target_seconds) if hold.target_seconds > hold.start_seconds else None,
                "hold_most_count": _count(hold.target_seconds),
                "repetitions": repetitions.minimum,
                "repetitions_most": repetitions.maximum if repetitions.maximum > repetitions.minimum else None,
                "sets": repetitions.sets,
                "variations": [],
            }
        return {
            "current": True,
            "hold": self.number(prescription.hold_seconds),
            "hold_count": _count(prescription.hold_seconds),
            "hold_most": None,
            "hold_most_count": 0,
            "repetitions": prescription.repetitions,
            "repetitions_most": None,
            "sets": prescription.sets,
            "variations": [self.text(exercise.modification(m).name) for m in prescription.modifications],
        }

    def _steps(self) -> list[dict[str, Any]]:
        steps = []
        for step in self.exercise.steps:
            pictures = self.pictures.all([step.media] if step.media is not None else [])
            steps.append({"text": self.text(step.text), "pictures": [p.uri for p in pictures]})
        return steps

    def number(self, value: float) -> str:
        """*value* written in the handout's language (``1,5`` in German)."""
        return localized_number(value, self.locale, self.pack.default_locale)

    def signed(self, value: float) -> str | None:
        """A change with its sign (a true minus sign), in the handout's language; ``None`` for no change."""
        if not value:
            return None
        return ("+" if value > 0 else "\N{MINUS SIGN}") + self.number(abs(value))

    def _variation(self, modification: Modification) -> dict[str, Any]:
        in_use = self.state is not None and modification.id in self.state.prescription.modifications
        return {
            "name": self.text(modification.name),
            "description": self.text(modification.description),
            "harder": modification.direction.value == "harder",
            "requires_clearance": modification.requires_clearance,
            "in_use": in_use,
            "hold_change": self.signed(modification.hold_seconds_change),
            "hold_change_count": _count(abs(modification.hold_seconds_change)),
            "repetitions_change": self.signed(modification.repetitions_change),
            "pictures": [p.uri for p in self.pictures.all(modification.media)],
        }

    def html(self) -> str:
        return _template(self.locale).render(self.context())


def _locale(locale: object) -> str | None:
    if locale is None:
        return None
    if not isinstance(locale, str):
        raise TypeError(f"locale must be a string or None, not {type(locale).__name__}")
    return parse_locale(locale)


def _source_context(source: Any) -> dict[str, str | None]:
    url = source.url
    return {"citation": source.citation, "url": url, "linkable": bool(url) and url.lower().startswith(_LINKABLE)}


def _count(value: float) -> int:
    """The number to choose a plural form by: whole numbers as they are, fractions as plural."""
    return int(value) if float(value).is_integer() and abs(value) < 10**9 else 2


def _is_builtin(pack: Pack) -> bool:
    from ._builtin import builtin_pack  # noqa: PLC0415 - read only when needed

    builtin = builtin_pack()
    return pack is builtin or (pack.id == builtin.id and pack == builtin)


@functools.lru_cache(maxsize=16)
def _template(locale: str) -> jinja2.Template:
    """The handout's template with the words of *locale* (one environment per locale: nothing shared changes)."""
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
    environment.filters["lang"] = _lang_attribute
    environment.install_gettext_translations(translation(locale), newstyle=True)  # type: ignore[attr-defined]
    return environment.get_template("handout.html")
