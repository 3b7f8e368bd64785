"""The built-in pack, shipped inside the package.

It is written in ``data/builtin.toml`` and shipped as JSON too, in
``data/builtin.json``, which :func:`builtin_pack` reads: Python parses JSON
in C, so a command that shows or checks the built-in pack starts sooner.
The JSON file is written from the TOML one with
``python -m backext._builtin > src/backext/data/builtin.json``; a test fails
when the two differ.
"""

from __future__ import annotations

import functools
import os

from ._load import load_pack
from ._model import Pack


__all__ = ["builtin_pack"]


@functools.cache
def builtin_pack() -> Pack:
    """Return the built-in pack: three back-extension exercises and a variation.

    The pack holds a beginner forearm press-up, an intermediate press-up on
    the hands and an advanced prone chest lift with a pillow under the hips,
    whose harder leg-lift variation needs a clinician's clearance. Every
    text is given in English (the default locale), German, French and
    Spanish; the translations await review by native-speaking clinicians.
    It is read once, from a file inside the package, checked like any
    other pack, and cached: the same (immutable) object is returned every
    time.

    Example:
        >>> import backext
        >>> pack = backext.builtin_pack()
        >>> [e.id for e in pack.exercises]
        ['forearm-press-up', 'hand-press-up', 'prone-chest-lift']
        >>> pack.exercise("prone-chest-lift").hold.target_seconds
        20
        >>> pack.localize(pack.exercise("prone-chest-lift").name, "fr")
        'Soulèvement du buste à plat ventre'

    .. versionadded:: 0.1.0
    """
    try:
        with open(os.path.join(os.path.dirname(__file__), "data", "builtin.json"), "rb") as file:  # noqa: PTH118, PTH120, PTH123 - pathlib is slow to import
            data = file.read()
    except OSError:  # pragma: no cover - installed as a zip: importlib.resources reads it there (slower to import)
        from importlib import resources  # noqa: PLC0415

        data = resources.files("backext").joinpath("data", "builtin.json").read_bytes()
    return load_pack(data, format="json")


def _written_from_toml() -> str:
    """The text of ``data/builtin.json``: the pack of ``data/builtin.toml``, written as JSON."""
    from pathlib import Path  # noqa: PLC0415

    from ._load import dump_pack  # noqa: PLC0415

    return dump_pack(load_pack(Path(__file__).parent / "data" / "builtin.toml"), "json")


if __name__ == "__main__":
    import sys

    sys.stdout.write(_written_from_toml())  # the command that writes data/builtin.json
