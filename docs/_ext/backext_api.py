"""Make autodoc show the public API the way users import it.

backext defines its names in private modules (``backext._engine`` …) and
re-exports them from ``backext``. Left alone, autodoc shows what that looks
like from the inside. This extension:

- gives attrs classes a signature with their real defaults, read from
  :func:`attrs.fields` (autodoc would otherwise quote the ``__init__`` that
  attrs generates: ``attr_dict['x'].default``), and enums no signature at all;
- gives the public constants the ``#:`` comment written above them in their
  own module, instead of the docstring of :class:`int` or :class:`tuple`;
- renders type aliases (``backext-type``) from the alias itself and its
  ``#:`` comment;
- rewrites every reference to ``backext._module.Name`` as ``backext.Name``;
- fills the summary table at the top of the API page (``backext-api-summary``)
  with every object the page documents, section by section.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from typing import TYPE_CHECKING, Any

import attrs
from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

import backext


if TYPE_CHECKING:
    from sphinx.application import Sphinx


PRIVATE_PATH = re.compile(r"\bbackext\.(?:_\w+|exceptions)\.(\w+)")


def _public(match: re.Match[str]) -> str:
    name = match[1]
    return f"backext.{name}" if name in backext.__all__ else match[0]


def public_path(text: str) -> str:
    """``text`` with each ``backext._module.Name`` of a public name written ``backext.Name``."""
    return PRIVATE_PATH.sub(_public, text)


# -- signatures ----------------------------------------------------------------


def _show(value: object) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if attrs.has(type(value)):
        changed = [
            f"{field.alias}={_show(getattr(value, field.name))}"
            for field in attrs.fields(type(value))
            if field.init and _default(field) != _show(getattr(value, field.name))
        ]
        return f"{type(value).__name__}({', '.join(changed)})"
    if isinstance(value, tuple):
        items = ", ".join(_show(item) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, frozenset):
        return f"frozenset({{{', '.join(sorted(_show(item) for item in value))}}})" if value else "frozenset()"
    return repr(value)


def _default(field: attrs.Attribute[Any]) -> str | None:
    default = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory
        if not default.takes_self and factory in {tuple, list, dict, frozenset, set}:
            return _show(factory())
        return f"{getattr(factory, '__name__', 'factory')}()"
    return _show(default)


def attrs_signature(cls: type) -> str:
    """The ``__init__`` signature of an attrs class, defaults and all, without types."""
    positional: list[str] = []
    keyword: list[str] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        default = _default(field)
        text = field.alias if default is None else f"{field.alias}={default}"
        (keyword if field.kw_only else positional).append(text)
    parts = positional + (["*", *keyword] if keyword else [])
    return f"({', '.join(parts)})"


def _recorded_types(app: Sphinx) -> dict[str, dict[str, str]]:
    """Where autodoc keeps the types it will add to a description (the place moved in Sphinx 8.2)."""
    document = getattr(app.env, "current_document", None)
    if document is not None and hasattr(document, "autodoc_annotations"):
        return document.autodoc_annotations  # type: ignore[no-any-return]
    return app.env.temp_data.setdefault("annotations", {})  # type: ignore[no-any-return]


def process_signature(  # noqa: PLR0917 - the signature of a Sphinx event
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,  # noqa: ARG001
    signature: str | None,  # noqa: ARG001
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """Real defaults for attrs classes; no ``(*values)`` for enums.

    A class lists its fields once, as attributes with their types: the
    types of its ``__init__`` arguments, which autodoc would add as
    "Parameters", are dropped.
    """
    if what not in {"class", "exception"} or not isinstance(obj, type):
        return None
    _recorded_types(app).pop(name, None)
    if issubclass(obj, enum.Enum):
        return "", None
    if attrs.has(obj):
        return attrs_signature(obj), return_annotation
    return None


# -- docstrings of constants ---------------------------------------------------


def doc_comment(name: str) -> list[str] | None:
    """The ``#:`` comment above the public name ``name`` in the module that defines it."""
    module = backext._WHERE.get(name)  # noqa: SLF001 - the docs read the map of public names
    if module is None:
        return None
    analyzer = ModuleAnalyzer.for_module("backext" + module)
    lines = analyzer.find_attr_docs().get(("", name))
    return list(lines) if lines else None


def process_docstring(  # noqa: PLR0917 - the signature of a Sphinx event
    app: Sphinx,
    what: str,
    name: str,
    obj: object,  # noqa: ARG001
    options: object,  # noqa: ARG001
    lines: list[str],
) -> None:
    """Give a public constant its own ``#:`` comment, and write public paths in examples.

    A traceback in an example names the module that defines the exception
    (``backext._engine.SessionError``); the pages show the name to import
    instead. The doctest builder keeps the text as it is, to compare it
    with what Python prints.
    """
    if what == "data" and name.startswith("backext."):
        comment = doc_comment(name.removeprefix("backext."))
        if comment is not None:
            lines[:] = comment
    if app.builder.name != "doctest":
        lines[:] = [public_path(line) for line in lines]


# -- type aliases ----------------------------------------------------------------


def alias_value(alias: object) -> str:
    """Write a type alias (``Union``, ``Literal``, generics) as a Python annotation."""
    origin = typing.get_origin(alias)
    arguments = typing.get_args(alias)
    if origin is typing.Literal:
        return "typing.Literal[" + ", ".join(repr(a) for a in arguments) + "]"
    if origin in {typing.Union, types.UnionType}:
        return " | ".join(alias_value(a) for a in arguments)
    if isinstance(alias, typing.ForwardRef):
        return alias.__forward_arg__
    if origin is not None:
        return f"{alias_value(origin)}[{', '.join(alias_value(a) for a in arguments)}]"
    if isinstance(alias, type):
        if alias.__module__ == "builtins":
            return alias.__qualname__
        return public_path(f"{alias.__module__}.{alias.__qualname__}")
    return repr(alias)


class TypeAlias(SphinxDirective):
    """``.. backext-type:: Name``: a public type alias, its value and its ``#:`` comment."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        """Document ``backext.Name`` as a ``py:type``."""
        name = self.arguments[0]
        value = alias_value(getattr(backext, name))
        lines = [f".. py:type:: {name}", f"   :canonical: {value}", ""]
        lines += ["   " + line for line in doc_comment(name) or []]
        container = nodes.container()
        nested_parse_with_titles(self.state, StringList(lines, source="<backext-type>"), container)
        return container.children


# -- private paths -------------------------------------------------------------


def rewrite_private_paths(app: Sphinx, doctree: nodes.document) -> None:  # noqa: ARG001
    """Point every cross-reference to ``backext._module.Name`` at ``backext.Name``."""
    for xref in doctree.findall(addnodes.pending_xref):
        target = xref.get("reftarget", "")
        if xref.get("refdomain") != "py" or not PRIVATE_PATH.search(target):
            continue
        xref["reftarget"] = public_path(target)
        for text in list(xref.findall(nodes.Text)):
            if PRIVATE_PATH.search(text):
                text.parent.replace(text, nodes.Text(public_path(text)))


# -- the order of a description ---------------------------------------------------

_FIELD_ORDER = {"Parameters": 0, "Returns": 1, "Return type": 2, "Raises": 3}


def order_fields(app: Sphinx, doctree: nodes.document) -> None:  # noqa: ARG001
    """Parameters, returns and raises, in that order, before the examples and version notes.

    autodoc adds the types it reads from the annotations after what the
    docstring wrote, which can put "Parameters" below "Raises", or below the
    example.
    """
    for content in doctree.findall(addnodes.desc_content):
        lists = [child for child in content.children if isinstance(child, nodes.field_list)]
        for field_list in lists:
            fields = sorted(
                field_list.children, key=lambda field: _FIELD_ORDER.get(field[0].astext(), len(_FIELD_ORDER))
            )
            field_list.children = []
            field_list.extend(fields)
            later = [
                child
                for child in content.children
                if isinstance(child, (nodes.rubric, addnodes.versionmodified, addnodes.desc))
            ]
            if later and content.index(later[0]) < content.index(field_list):
                content.remove(field_list)
                content.insert(content.index(later[0]), field_list)


def types_into_signatures(app: Sphinx, doctree: nodes.document) -> None:  # noqa: ARG001
    """Show a field's type in its signature (``path: str``), not as a "Type" field below it.

    napoleon writes the type of each attribute that a class docstring
    lists as a field of its own, which takes three lines per attribute.
    """
    for desc in doctree.findall(addnodes.desc):
        if desc.get("objtype") != "attribute" or not isinstance(desc[-1], addnodes.desc_content):
            continue
        signature, content = desc[0], desc[-1]
        for field_list in [child for child in content.children if isinstance(child, nodes.field_list)]:
            for field in list(field_list.children):
                body = field[1]
                if field[0].astext() != "Type" or len(body) != 1 or not isinstance(body[0], nodes.paragraph):
                    continue
                annotation = addnodes.desc_annotation("", "")
                annotation += [addnodes.desc_sig_punctuation("", ":"), addnodes.desc_sig_space()]
                annotation += body[0].children
                signature.insert(signature.index(signature.next_node(addnodes.desc_name)) + 1, annotation)
                field_list.remove(field)
            if not field_list.children:
                content.remove(field_list)


# -- the summary table -----------------------------------------------------------


class summary_placeholder(nodes.General, nodes.Element):  # noqa: N801 - docutils names nodes in lower case
    """Where the API summary goes, filled in once the whole page is read."""


class ApiSummary(SphinxDirective):
    """``backext-api-summary``: a table of the page's sections and the names each documents."""

    def run(self) -> list[nodes.Node]:
        """Leave a placeholder; :func:`fill_summary` builds the table."""
        return [summary_placeholder()]


def fill_summary(app: Sphinx, doctree: nodes.document) -> None:  # noqa: ARG001
    """Replace the summary placeholder with a table: section → its documented names."""
    placeholders = list(doctree.findall(summary_placeholder))
    if not placeholders:
        return
    rows: list[tuple[nodes.section, list[addnodes.desc_signature]]] = []
    for section in doctree.findall(nodes.section):
        names = [
            desc[0]
            for desc in section.children
            if isinstance(desc, addnodes.desc) and desc["objtype"] in {"function", "class", "exception", "data", "type"}
        ]
        if names:
            rows.append((section, names))
    table = nodes.table(classes=["backext-api-summary"])
    group = nodes.tgroup(cols=2)
    table += group
    group += nodes.colspec(colwidth=25)
    group += nodes.colspec(colwidth=75)
    head = nodes.thead()
    group += head
    head += _row(nodes.paragraph(text="Topic"), nodes.paragraph(text="Names"))
    body = nodes.tbody()
    group += body
    for section, signatures in rows:
        title = section[0].astext()
        topic = nodes.paragraph()
        topic += nodes.reference("", title, internal=True, refid=section["ids"][0])
        names = nodes.paragraph()
        for index, signature in enumerate(signatures):
            if index:
                names += nodes.Text(", ")
            label = signature["fullname"]
            names += nodes.reference("", "", nodes.literal(text=label), internal=True, refid=signature["ids"][0])
        body += _row(topic, names)
    for placeholder in placeholders:
        # An id moved onto the placeholder (the module's target) stays on a target of its own.
        anchor = [nodes.target("", "", ids=placeholder["ids"])] if placeholder["ids"] else []
        placeholder.replace_self([*anchor, table.deepcopy()])


def _row(*cells: nodes.Node) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell
        row += entry
    return row


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the hooks and register the directives."""
    app.setup_extension("sphinx.ext.autodoc")
    app.connect("autodoc-process-signature", process_signature)
    app.connect("autodoc-process-docstring", process_docstring, priority=600)  # after napoleon
    app.connect("doctree-read", rewrite_private_paths)
    app.connect("doctree-read", fill_summary)
    app.connect("doctree-read", order_fields)
    app.connect("doctree-read", types_into_signatures)
    app.add_node(summary_placeholder)
    app.add_directive("backext-type", TypeAlias)
    app.add_directive("backext-api-summary", ApiSummary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
