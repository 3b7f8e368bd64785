"""Run the command line: ``python -m backext``."""

from __future__ import annotations

import sys

from ._cli import main


if __name__ == "__main__":  # pragma: no cover - run in a subprocess by the tests
    sys.exit(main())
