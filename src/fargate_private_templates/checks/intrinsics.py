"""Pure readers of long-form intrinsic functions; nothing here knows about other resources."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Variable:
    """A ``${Name}`` in a Fn::Sub or a ``Ref Name`` in a Fn::Join: a value the template does not spell out."""

    name: str


@dataclass(frozen=True)
class Opaque:
    """A piece of a string computed in a way not followed here; ``what`` says which, as a noun phrase."""

    what: str


Part = str | Variable | Opaque
# Reads the functions the pure reader does not (mappings, imports, Fn::Select): list of texts, or None if unknown.
Expand = Callable[[str, Any], "list[list[Part]] | None"]
# Fn::If branches multiply through a Join or Sub: past this many, the string is not spelled out.
MAX_TEXTS = 64


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


def scalar_text(value: Any) -> str:
    """A literal as CloudFormation turns it into a string: ``true``, ``8080``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def texts(value: Any, expand: Expand | None = None) -> list[list[Part]]:
    """Every string a string-valued expression can be, one per Fn::If branch, as literal text, variables and
    opaque pieces. Reads literals, Ref, Fn::GetAtt, Fn::Sub (both forms), Fn::Join (nested too) and Fn::If;
    ``expand`` reads the rest."""
    if isinstance(value, (str, int, float)):
        text = scalar_text(value)
        return [[text] if text else []]
    function = intrinsic(value)
    if function is None:
        return [[Opaque("a list or mapping")]]
    name, argument = function
    if name == "Ref" and isinstance(argument, str):
        return [[Variable(argument)]]
    if name == "Fn::GetAtt" and (attribute := getatt_parts(argument)):
        # Like ``${Res.Attr}`` in a Fn::Sub.
        return [[Variable(".".join(attribute))]]
    if name == "Fn::If" and (branches := if_arguments(argument)):
        return _capped([text for branch in branches for text in texts(branch, expand)])
    found = None
    if name == "Fn::Sub":
        found = _sub_texts(argument, expand)
    elif name == "Fn::Join":
        found = _join_texts(argument, expand)
    if found is None and expand is not None:
        found = expand(name, argument)
    return found or [[Opaque(name)]]


def sub_arguments(argument: Any) -> tuple[str, dict[str, Any]] | None:
    """A Fn::Sub's text and variables (the short form has none), or None if it is not a Fn::Sub argument."""
    if isinstance(argument, str):
        return argument, {}
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
        return argument[0], argument[1] if isinstance(argument[1], dict) else {}
    return None


def _sub_texts(argument: Any, expand: Expand | None) -> list[list[Part]] | None:
    arguments = sub_arguments(argument)
    if arguments is None:
        return None
    text, variables = arguments
    pieces: list[list[list[Part]]] = []
    position = 0
    for match in SUB_VARIABLE.finditer(text):
        pieces.append([[text[position : match.start()]]])
        name = match.group(1)
        if name.startswith("!"):
            pieces.append([["${" + name[1:] + "}"]])
        elif name in variables:
            pieces.append(texts(variables[name], expand))
        else:
            pieces.append([[Variable(name)]])
        position = match.end()
    pieces.append([[text[position:]]])
    return concatenations(pieces)


def _join_texts(argument: Any, expand: Expand | None) -> list[list[Part]] | None:
    if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
        return None
    delimiter, items = argument
    if not isinstance(items, list):
        # A list from a function (Fn::Split, a list parameter): only ``expand`` can read it.
        return None
    return join_texts(delimiter, [texts(item, expand) for item in items])


def join_texts(delimiter: str, items: list[list[list[Part]]]) -> list[list[Part]]:
    """Every string joining one alternative of each item with ``delimiter``."""
    pieces: list[list[list[Part]]] = []
    for index, item in enumerate(items):
        if index:
            pieces.append([[delimiter]])
        pieces.append(item)
    return concatenations(pieces)


def concatenations(pieces: list[list[list[Part]]]) -> list[list[Part]]:
    """Every string made of one alternative of each piece, in order."""
    results: list[list[Part]] = [[]]
    for alternatives in pieces:
        results = [[*done, *more] for done in results for more in alternatives]
        if len(results) > MAX_TEXTS:
            return [[Opaque(f"more than {MAX_TEXTS} Fn::If combinations")]]
    return _capped([merge_literals(result) for result in results])


def _capped(results: list[list[Part]]) -> list[list[Part]]:
    unique = [list(t) for t in dict.fromkeys(tuple(result) for result in results)]
    return unique if len(unique) <= MAX_TEXTS else [[Opaque(f"more than {MAX_TEXTS} Fn::If combinations")]]


def string_parts(value: Any) -> list[Part] | None:
    """A string-valued expression as literal text and variables; None if it has branches or pieces not read here."""
    alternatives = texts(value)
    if len(alternatives) != 1 or any(isinstance(part, Opaque) for part in alternatives[0]):
        return None
    return alternatives[0]


def render_parts(parts: list[Part], placeholder: str = "${{{}}}") -> str:
    """The string with each variable as ``placeholder`` and each opaque piece as ``<what>``."""
    rendered = []
    for part in parts:
        if isinstance(part, str):
            rendered.append(part)
        elif isinstance(part, Variable):
            rendered.append(placeholder.format(part.name))
        else:
            rendered.append(f"<{part.what}>")
    return "".join(rendered)


# ``com.amazonaws.<region>.ecr.api``; ``cn.com.amazonaws.`` in China (see regions/partitions.py).
_ENDPOINT_SERVICE = re.compile(r"^(?:aws\.api\.)?(?:cn\.)?com\.amazonaws\.[^.]+\.(.+)$")


def endpoint_service(service_name: Any, expand: Expand | None = None) -> str | None:
    """``ecr.api`` from ``com.amazonaws.${AWS::Region}.ecr.api`` or its China form (Sub, Join or plain text, Fn::If
    branches, and with ``expand`` mappings); None if unreadable or if the branches name different services."""
    services = set()
    for parts in texts(service_name, expand):
        if any(isinstance(part, Opaque) for part in parts):
            return None
        # Any variable stands for the region: only the text after it says which service this is.
        match = _ENDPOINT_SERVICE.match(render_parts(parts, placeholder="region"))
        if not match:
            return None
        services.add(match.group(1))
    return services.pop() if len(services) == 1 else None


def walk(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every node below ``value`` with its path, parents before children."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, (*path, index))
