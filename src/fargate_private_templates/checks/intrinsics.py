"""Pure readers of long-form intrinsic functions; nothing here knows about other resources."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Variable:
    """A ``${Name}`` in a Fn::Sub or a ``Ref Name`` in a Fn::Join: a value the template does not spell out."""

    name: str


Part = str | Variable


def intrinsic(value: Any) -> tuple[str, Any] | None:
    """``("Ref", "X")`` for ``{"Ref": "X"}``; None for anything that is not one intrinsic function."""
    if isinstance(value, dict) and len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref" or name.startswith("Fn::"):
            return name, argument
    return None


def getatt_parts(argument: Any) -> tuple[str, str] | None:
    """``("Res", "Attr")`` from either GetAtt spelling: ``["Res", "Attr"]`` or ``"Res.Attr"``."""
    if isinstance(argument, str):
        resource, _, attribute = argument.partition(".")
        return resource, attribute
    if isinstance(argument, list) and len(argument) == 2 and all(isinstance(a, str) for a in argument):
        return argument[0], argument[1]
    return None


def if_arguments(argument: Any) -> tuple[Any, Any] | None:
    """The two branches of a Fn::If, or None if it is malformed."""
    if isinstance(argument, list) and len(argument) == 3:
        return argument[1], argument[2]
    return None


def sub_parts(text: str, variables: dict[str, Any] | None = None) -> list[Part]:
    """``"${X}-Key"`` -> ``[Variable("X"), "-Key"]``; ``${!Literal}`` stays literal text."""
    parts: list[Part] = []
    position = 0
    for match in _SUB_VARIABLE.finditer(text):
        parts.append(text[position : match.start()])
        name = match.group(1)
        if name.startswith("!"):
            parts.append("${" + name[1:] + "}")
        elif variables and isinstance(variables.get(name), str):
            parts.append(variables[name])
        else:
            parts.append(Variable(name))
        position = match.end()
    parts.append(text[position:])
    return merge_literals(parts)


def merge_literals(parts: list[Part]) -> list[Part]:
    """Adjacent literal strings joined, empty ones dropped."""
    merged: list[Part] = []
    for part in parts:
        if part == "":
            continue
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def string_parts(value: Any) -> list[Part] | None:
    """A string-valued expression as literal text and variables; None if it is not built from those.

    Reads plain strings, Fn::Sub (both forms), Fn::Join of strings, Refs and Subs, and a lone Ref.
    """
    if isinstance(value, str):
        return [value] if value else []
    function = intrinsic(value)
    if function is None:
        return None
    name, argument = function
    if name == "Ref" and isinstance(argument, str):
        return [Variable(argument)]
    if name == "Fn::Sub":
        if isinstance(argument, str):
            return sub_parts(argument)
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
            return sub_parts(argument[0], argument[1] if isinstance(argument[1], dict) else None)
        return None
    if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
        return _join_parts(*argument)
    return None


def _join_parts(delimiter: Any, items: Any) -> list[Part] | None:
    if not isinstance(delimiter, str) or not isinstance(items, list):
        return None
    parts: list[Part] = []
    for index, item in enumerate(items):
        item_parts = string_parts(item)
        if item_parts is None:
            return None
        if index:
            parts.append(delimiter)
        parts.extend(item_parts)
    return merge_literals(parts)


def render_parts(parts: list[Part], placeholder: str = "${{{}}}") -> str:
    return "".join(p if isinstance(p, str) else placeholder.format(p.name) for p in parts)


_ENDPOINT_SERVICE = re.compile(r"^(?:aws\.api\.)?com\.amazonaws\.[^.]+\.(.+)$")


def endpoint_service(service_name: Any) -> str | None:
    """``ecr.api`` from ``com.amazonaws.${AWS::Region}.ecr.api`` (Sub, Join or plain text); None if unreadable."""
    parts = string_parts(service_name)
    if parts is None:
        return None
    # Any variable stands for the region: only the text after it says which service this is.
    match = _ENDPOINT_SERVICE.match(render_parts(parts, placeholder="region"))
    return match.group(1) if match else None


def walk(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every node below ``value`` with its path, parents before children."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, (*path, index))
