"""Write the small intersphinx inventories the docs use when offline.

The docs link to Python, attrs and cattrs. Sphinx fetches their inventories
from the web; where there is no network (our build machines), it falls back
to these files, which list just the objects our docs refer to. Run this
script after adding a reference to a new outside object:
``python docs/_inventories/make.py``.
"""

from __future__ import annotations

import pathlib
import zlib


HERE = pathlib.Path(__file__).parent

INVENTORIES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "python": (
        "Python",
        "3",
        [
            ("str", "py:class", "library/stdtypes.html#str"),
            ("str.format", "py:method", "library/stdtypes.html#str.format"),
            ("int", "py:class", "library/functions.html#int"),
            ("float", "py:class", "library/functions.html#float"),
            ("bool", "py:class", "library/functions.html#bool"),
            ("bytes", "py:class", "library/stdtypes.html#bytes"),
            ("dict", "py:class", "library/stdtypes.html#dict"),
            ("list", "py:class", "library/stdtypes.html#list"),
            ("tuple", "py:class", "library/stdtypes.html#tuple"),
            ("frozenset", "py:class", "library/stdtypes.html#frozenset"),
            ("object", "py:class", "library/functions.html#object"),
            ("os.PathLike", "py:class", "library/os.html#os.PathLike"),
            ("pathlib.Path", "py:class", "library/pathlib.html#pathlib.Path"),
            ("collections.abc.Mapping", "py:class", "library/collections.abc.html#collections.abc.Mapping"),
            ("collections.abc.Iterable", "py:class", "library/collections.abc.html#collections.abc.Iterable"),
            ("collections.abc.Sequence", "py:class", "library/collections.abc.html#collections.abc.Sequence"),
            ("collections.abc.Iterator", "py:class", "library/collections.abc.html#collections.abc.Iterator"),
            ("typing.Any", "py:data", "library/typing.html#typing.Any"),
            ("typing.Literal", "py:data", "library/typing.html#typing.Literal"),
            ("enum.Enum", "py:class", "library/enum.html#enum.Enum"),
            ("datetime.date", "py:class", "library/datetime.html#datetime.date"),
            ("datetime.datetime", "py:class", "library/datetime.html#datetime.datetime"),
            ("datetime.time", "py:class", "library/datetime.html#datetime.time"),
            ("datetime.timedelta", "py:class", "library/datetime.html#datetime.timedelta"),
            ("datetime.tzinfo", "py:class", "library/datetime.html#datetime.tzinfo"),
            ("zoneinfo.ZoneInfo", "py:class", "library/zoneinfo.html#zoneinfo.ZoneInfo"),
            ("argparse.ArgumentParser", "py:class", "library/argparse.html#argparse.ArgumentParser"),
            ("Exception", "py:exception", "library/exceptions.html#Exception"),
            ("ValueError", "py:exception", "library/exceptions.html#ValueError"),
            ("ImportError", "py:exception", "library/exceptions.html#ImportError"),
            ("TypeError", "py:exception", "library/exceptions.html#TypeError"),
            ("KeyError", "py:exception", "library/exceptions.html#KeyError"),
            ("LookupError", "py:exception", "library/exceptions.html#LookupError"),
            ("None", "py:data", "library/constants.html#None"),
            ("True", "py:data", "library/constants.html#True"),
            ("False", "py:data", "library/constants.html#False"),
        ],
    ),
    "attrs": (
        "attrs",
        "stable",
        [
            ("attrs.evolve", "py:function", "api.html#attrs.evolve"),
            ("attrs.frozen", "py:function", "api.html#attrs.frozen"),
            ("attrs.define", "py:function", "api.html#attrs.define"),
            ("index", "std:doc", "index.html"),
        ],
    ),
    "cattrs": (
        "cattrs",
        "stable",
        [
            ("cattrs.Converter", "py:class", "cattrs.html#cattrs.Converter"),
            ("cattrs.converters.Converter", "py:class", "cattrs.html#cattrs.converters.Converter"),
            ("cattrs.BaseValidationError", "py:exception", "cattrs.html#cattrs.BaseValidationError"),
            ("index", "std:doc", "index.html"),
        ],
    ),
}


def write(name: str, project: str, version: str, entries: list[tuple[str, str, str]]) -> None:
    """Write one inventory in Sphinx's objects.inv format (version 2)."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    body = "".join(f"{obj} {role} 1 {uri} -\n" for obj, role, uri in sorted(entries)).encode()
    (HERE / f"{name}.inv").write_bytes(header + zlib.compress(body))


if __name__ == "__main__":
    for inventory_name, (project_name, project_version, objects) in INVENTORIES.items():
        write(inventory_name, project_name, project_version, objects)
