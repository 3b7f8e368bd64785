"""The few sentences backext itself writes into FHIR resources (everything else is the pack's text).

Kept together so that a message catalog can take them over.
"""

from __future__ import annotations


__all__ = ["dose_line"]


def dose_line(hold_seconds: str, repetitions: int, sets: int) -> str:
    """The dose, in the patient instruction of a ServiceRequest."""
    return f"Hold: {hold_seconds} s. Repetitions: {repetitions}. Sets: {sets}."
