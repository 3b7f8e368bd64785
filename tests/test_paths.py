"""backext's file names without pathlib are pathlib's."""

from __future__ import annotations

import pathlib

from hypothesis import example, given
from hypothesis import strategies as st

from backext._paths import normalized, suffix


names = st.text(alphabet=st.sampled_from("/.ab\\ :\x00é"), max_size=12) | st.text(max_size=12)


@given(names)
@example("")
@example("//a//b/")
@example("///a")
@example("./.json")
@example("a.")
@example("a/..")
@example("pack.tar.json/")
def test_the_same_names_and_suffixes_as_pathlib(name):
    assert normalized(name) == str(pathlib.PurePath(name))
    assert suffix(name) == pathlib.PurePath(name).suffix
