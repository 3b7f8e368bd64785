"""Values of the wrong type or not allowed: the errors structuring raises, carrying what was found.

They live apart from :mod:`backext._converter` so that code which only
reports them (the fast loader, the file parsers) need not import cattrs.
"""

from __future__ import annotations


__all__ = ["WrongType", "WrongValue", "json_type_name", "show_number"]


class WrongType(TypeError):
    """A value of the wrong JSON type; carries what was expected and what was found."""

    def __init__(self, expected: str, value: object) -> None:
        self.expected = expected
        self.found = json_type_name(value)
        super().__init__(f"expected {expected}, found {self.found}")


class WrongValue(ValueError):
    """A value of the right type that is not allowed; carries the reason, and the field where it is known."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        self.code = code
        self.field = field
        super().__init__(message)


def json_type_name(value: object) -> str:
    """Name *value*'s type the way a pack author knows it (JSON's names)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({show_number(value)})"
    if isinstance(value, float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ({shown!r})"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def show_number(value: object) -> str:
    """Write a number for a message; an integer too long to write in full is described by its length.

    (Python refuses to write integers of more than 4300 digits, and writing
    them takes time quadratic in their length.)
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = int(value.bit_length() * 0.30103) + 1  # about: log10(2) digits per bit
        return f"{'-' if value < 0 else ''}an integer of about {digits} digits"
    return repr(value)
