"""The few sentences backext itself writes into FHIR resources (everything else is the pack's text).

Kept together, and said in the person's language as every rendering says it.
"""

from __future__ import annotations

import datetime

from backext._i18n import N_, gettext
from backext._render import describe_prescription, localized_date
from backext._state import Prescription


__all__ = ["dose_line", "paused_lines", "resume_line"]

#: What the handout of a stopped state says in place of the dose (the same messages, so the same words).
_PAUSED = (
    N_(
        "Do not do this exercise, or any other back exercise, until a clinician has examined you and told you that"
        " you may start again."
    ),
    N_(
        "Contact your clinician today. If the pain is sudden or severe, or you notice numbness, weakness in your legs"
        " or a change in bladder or bowel control, get urgent medical help now."
    ),
)


def dose_line(prescription: Prescription, locale: str | None, default_locale: str | None) -> str:
    """The dose, in the patient instruction of a ServiceRequest: "Hold for 5 seconds; 10 repetitions, 1 set."."""
    return describe_prescription(prescription, locale, default_locale=default_locale, sentence=True)


def paused_lines(locale: str | None, default_locale: str | None) -> list[str]:
    """What a stopped state's patient instruction says in place of the steps and the dose."""
    return [gettext(line, locale, default_locale) for line in _PAUSED]


def resume_line(date: datetime.date, locale: str | None, default_locale: str | None) -> str:
    """The day a clinician's clearance lets sessions resume, before the dose to resume at."""
    sentence = gettext(N_("Your clinician cleared you to exercise again from %(date)s."), locale, default_locale)
    return sentence % {"date": localized_date(date, locale, default_locale)}
