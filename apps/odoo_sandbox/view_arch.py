"""View architectures: applying an inheriting view's arch to its parent, and checking field names.

A small part of Odoo's view inheritance: specs are `<xpath expr=... position=...>` or an element with
the parent's attributes (`<field name="x" position="after">`), possibly wrapped in `<data>`; positions
after, before, inside, replace and attributes. Only what a portal or an integrator needs to add a
field to a form, with Odoo's refusal when a target or a field does not exist.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any

from . import errors

POSITIONS = {"after", "before", "inside", "replace", "attributes"}


def parse(arch: str) -> ET.Element:
    try:
        return ET.fromstring(arch)  # noqa: S314
    except ET.ParseError as exc:
        raise errors.ValidationError(f"Invalid view definition: {exc}") from exc


def apply_inheritance(root: ET.Element, spec_arch: str) -> ET.Element:
    """`root` (changed in place) with the specs of an inheriting arch applied."""
    spec_root = parse(spec_arch)
    specs = list(spec_root) if spec_root.tag == "data" else [spec_root]
    for spec in specs:
        target = _locate(root, spec)
        if target is None:
            shown = ET.tostring(spec, encoding="unicode").split(">", 1)[0] + ">"
            raise errors.ValidationError(f"Element '{shown}' cannot be located in parent view")
        _apply(root, target, spec)
    return root


def _locate(root: ET.Element, spec: ET.Element) -> ET.Element | None:
    if spec.tag == "xpath":
        expr = spec.get("expr") or ""
        if expr.startswith("//"):
            path = "." + expr
        elif expr.startswith("/"):
            first, _, rest = expr[1:].partition("/")
            if first.split("[")[0] != root.tag:
                return None
            path = "./" + rest if rest else "."
        else:
            path = "./" + expr
        try:
            return root.find(path) if path != "." else root
        except (SyntaxError, KeyError) as exc:
            raise errors.ValidationError(f"Invalid XPath expression {expr!r}: {exc}") from exc
    wanted = {key: value for key, value in spec.attrib.items() if key != "position"}
    for element in root.iter(spec.tag):
        if all(element.get(key) == value for key, value in wanted.items()):
            return element
    return None


def _apply(root: ET.Element, target: ET.Element, spec: ET.Element) -> None:
    position = spec.get("position") or "inside"
    if position not in POSITIONS:
        raise errors.ValidationError(f"Invalid position attribute: '{position}'")
    if position == "attributes":
        for attribute in spec.findall("attribute"):
            name = attribute.get("name") or ""
            if attribute.text and attribute.text.strip():
                target.set(name, attribute.text.strip())
            else:
                target.attrib.pop(name, None)
        return
    if position == "inside":
        target.extend(list(spec))
        return
    parents = {child: parent for parent in root.iter() for child in parent}
    parent = parents.get(target)
    if parent is None:
        raise errors.ValidationError(f"Cannot use position '{position}' on the root of a view")
    index = list(parent).index(target)
    if position == "replace":
        parent.remove(target)
        for offset, element in enumerate(spec):
            parent.insert(index + offset, element)
        return
    at = index + 1 if position == "after" else index
    for offset, element in enumerate(spec):
        parent.insert(at + offset, element)


def unknown_fields(root: ET.Element, model: str, fields_of: Callable[[str], Mapping[str, Any]]) -> list[str]:
    """'model.field' names a view arch uses that do not exist; sub-views of x2many fields use the comodel."""
    missing: list[str] = []

    def walk(element: ET.Element, current: str) -> None:
        for child in element:
            if child.tag == "field" and child.get("name"):
                fld = fields_of(current).get(str(child.get("name")))
                if fld is None:
                    missing.append(f"{current}.{child.get('name')}")
                    continue
                relation = getattr(fld, "relation", None)
                walk(child, relation if relation and len(child) else current)
            else:
                walk(child, current)

    walk(root, model)
    return missing
