"""The wheel and the sdist carry the compiled message catalogs (built here, then looked inside)."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from backext import _i18n


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        check=True,
    )
    return out


def test_the_wheel_holds_every_compiled_catalog(built: Path) -> None:
    (wheel,) = built.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in _i18n.LANGUAGES:
        assert f"backext/locale/{language}/LC_MESSAGES/backext.mo" in names
        with zipfile.ZipFile(wheel) as archive:
            shipped = archive.read(f"backext/locale/{language}/LC_MESSAGES/backext.mo")
        assert shipped == (pathlib.Path(_i18n.LOCALE_DIR) / language / "LC_MESSAGES" / "backext.mo").read_bytes()
    assert not [name for name in names if name.endswith((".po", ".pot"))]  # the sources stay in the sdist
    assert "backext/_i18n.py" in names


def test_the_sdist_holds_every_catalog_and_the_tools_to_rebuild_them(built: Path) -> None:
    (sdist,) = built.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert "src/backext/locale/backext.pot" in names
    assert {"babel.cfg", "tools/catalogs.py"} <= names
    for language in _i18n.LANGUAGES:
        for suffix in ("po", "mo"):
            assert f"src/backext/locale/{language}/LC_MESSAGES/backext.{suffix}" in names


def test_the_wheel_holds_the_handout_template_and_the_drawings(built: Path) -> None:
    (wheel,) = built.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "src" / "backext"
    shipped = [*package.glob("templates/*"), *package.glob("data/media/*.svg")]
    assert len(shipped) == 2 + 8
    for path in shipped:
        assert path.relative_to(ROOT / "src").as_posix() in names
