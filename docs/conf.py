"""Sphinx configuration for the backext documentation."""

from __future__ import annotations

import importlib.metadata
import pathlib
import sys


sys.path.insert(0, str(pathlib.Path(__file__).parent / "_ext"))


project = "backext"
author = "The backext developers"
copyright = "2026, The backext developers"
release = importlib.metadata.version("backext")
# The project's links, from pyproject.toml's [project.urls] (one place for them).
urls = dict(entry.split(", ", 1) for entry in importlib.metadata.metadata("backext").get_all("Project-URL") or [])
version = ".".join(release.split(".")[:2])

extensions = [
    "backext_api",
    "backext_charts",
    "backext_docs",
    "backext_handouts",
    "myst_parser",
    "notfound.extension",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_generated", "examples"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
# Types go with the text. A class's fields are described once, as attributes
# (their types come from the annotations), and its signature shows the
# defaults (see _ext/backext_api.py).
autodoc_typehints = "description"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = False
napoleon_attr_annotations = True
# A type links to its entry, and is shown by its name alone: State, not backext.State.
python_use_unqualified_type_names = True

# Each inventory is fetched from the web, or read from docs/_inventories when
# there is no network (see docs/_inventories/make.py).
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", (None, "_inventories/python.inv")),
    "attrs": ("https://www.attrs.org/en/stable/", (None, "_inventories/attrs.inv")),
    "cattrs": ("https://catt.rs/en/stable/", (None, "_inventories/cattrs.inv")),
}
intersphinx_timeout = 5

# Doctests run from this folder, so that examples can name files in it.
_HERE = pathlib.Path(__file__).parent
doctest_global_setup = f"import os\nos.chdir({str(_HERE)!r})\nimport backext\nfrom backext import *"

# The copy button copies the commands and code, without prompts or output.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

html_theme = "furo"
html_static_path = ["_static"]
# Served at the root of the site, where the schema's $id points.
html_extra_path = ["../src/backext/data/pack.schema.json"]
html_css_files = ["backext.css"]
html_title = f"backext {release}"
html_theme_options = {
    "source_repository": urls.get("Source", ""),
    "source_branch": "main",
    "source_directory": "docs/",
    "footer_icons": [
        {
            "name": "Source code",
            "url": urls.get("Source", ""),
            "html": "Source code",
            "class": "",
        },
    ],
}
# Shown by the 404 page, which works wherever the site is served from.
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1><p>There is no page at this address: it may have moved when the "
        "documentation was reorganised. Try the search box, or the list of pages in the menu.</p>"
    ),
}
