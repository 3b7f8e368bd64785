"""The few sentences backext itself writes into FHIR resources (everything else is the pack's text).

Kept together, and said in the person's language as every rendering says it.
"""

from __future__ import annotations

from backext._render import describe_prescription
from backext._state import Prescription


__all__ = ["dose_line"]


def dose_line(prescription: Prescription, locale: str | None, default_locale: str | None) -> str:
    """The dose, in the patient instruction of a ServiceRequest: "Hold for 5 seconds; 10 repetitions, 1 set."."""
    return describe_prescription(prescription, locale, default_locale=default_locale, sentence=True)
