"""A fast block-YAML writer that gives byte for byte what PyYAML's pure-Python emitter gives for templates.

PyYAML's emitter spends most of a render on its event machinery; the shape of a template is simple (block
mappings and sequences of scalars), so the structure is written here and each scalar's text still comes from
PyYAML, except for the common plain words, which need no quoting. Anything unusual (an empty collection, a
long or multi-line key, a scalar PyYAML would fold) raises ``Unusual`` and the caller uses PyYAML for the whole
document, so the output never depends on which path wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import yaml

INDENT = 2
# Words PyYAML writes plain in block context (no indicator first, no ": " or " #", no trailing colon), provided
# the resolver reads them back as strings: checked with the resolver below.
_PLAIN = re.compile(
    r"[A-Za-z0-9_/$(](?:[A-Za-z0-9_./$+=,;()@{}\-]|:(?=[A-Za-z0-9_./$+=,;()@{}:\-]))*(?: [A-Za-z0-9_./$+=,;()@{}\-]+)*"
)
_STR_TAG = "tag:yaml.org,2002:str"
# Longer scalars go to PyYAML, which folds lines past its width (10,000 here).
_LONGEST_QUICK = 4_000
# What PyYAML writes as a new line (and then indents as the context wants).
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


class Unusual(Exception):
    """Something this writer does not reproduce exactly; the caller falls back to PyYAML."""


class Emitter:
    """Writes a short-form tree (dicts, lists, scalars, tagged and literal values) as block YAML."""

    def __init__(
        self,
        dumper: type[yaml.SafeDumper],
        tagged: type,
        literal: type,
        dump: Callable[[Any], str],
    ) -> None:
        # Never writes: its resolver and scalar analysis are PyYAML's own rules for which style a scalar needs.
        self._resolver = dumper(None, allow_unicode=True)
        self._tagged = tagged
        self._literal = literal
        self._dump = dump
        self._scalar_text = lru_cache(maxsize=None)(self._scalar_uncached)
        self._strings: dict[tuple[str | None, str], str] = {}

    def document(self, tree: dict[str, Any]) -> str:
        lines: list[str] = []
        self._mapping(lines, tree, 0, "")
        return "\n".join(lines) + "\n"

    # Block collections. ``first`` is what the first line starts with instead of the indent ("- " in a sequence).

    def _mapping(self, lines: list[str], mapping: dict, indent: int, first: str | None) -> None:
        pad = " " * indent
        for key, value in mapping.items():
            self._entry(lines, (pad if first is None else first) + self._key(key) + ":", value, indent)
            first = None

    def _sequence(self, lines: list[str], sequence: list, indent: int, first: str | None) -> None:
        pad = " " * indent
        for item in sequence:
            head = (pad if first is None else first) + "-"
            first = None
            if isinstance(item, dict) and not isinstance(item, self._tagged):
                self._require_items(item)
                self._mapping(lines, item, indent + INDENT, head + " ")
            elif isinstance(item, list):
                self._require_items(item)
                self._sequence(lines, item, indent + INDENT, head + " ")
            else:
                self._entry(lines, head, item, indent)

    def _entry(self, lines: list[str], head: str, value: Any, indent: int) -> None:
        """``head`` (``key:`` or ``-``) followed by ``value``; nested collections go one level deeper."""
        tag = ""
        inner = value
        if isinstance(value, self._tagged) and isinstance(value.value, (dict, list)):
            tag, inner = " " + value.tag, value.value
        if isinstance(inner, dict):
            self._require_items(inner)
            lines.append(head + tag)
            self._mapping(lines, inner, indent + INDENT, None)
        elif isinstance(inner, list):
            self._require_items(inner)
            lines.append(head + tag)
            self._sequence(lines, inner, indent + INDENT, None)
        elif isinstance(value, self._literal):
            self._literal_block(lines, head, "", str(value), indent)
        elif isinstance(value, self._tagged) and isinstance(value.value, self._literal):
            self._literal_block(lines, head, value.tag + " ", str(value.value), indent)
        else:
            lines.append(head + " " + self._scalar(value))

    @staticmethod
    def _require_items(collection: dict | list) -> None:
        if not collection:
            raise Unusual("empty collection")

    def _literal_block(self, lines: list[str], head: str, tag: str, text: str, indent: int) -> None:
        if not text or text[0] in " \n" or text.endswith("\n\n") or _LINE_BREAK.search(text.replace("\n", "")):
            raise Unusual("literal block needing hints")
        chomp = "" if text.endswith("\n") else "-"
        pad = " " * (indent + INDENT)
        lines.append(f"{head} {tag}|{chomp}")
        lines.extend(pad + line if line else "" for line in text.removesuffix("\n").split("\n"))

    # Scalars.

    def _key(self, key: Any) -> str:
        if not isinstance(key, str):
            raise Unusual("a key that is not a string")
        text = self._scalar(key)
        if len(text) > 128 or "\n" in text or not key:
            raise Unusual("not a simple key")
        return text

    def _scalar(self, value: Any) -> str:
        tag = value.tag if isinstance(value, self._tagged) else None
        inner = value if tag is None else value.value
        if type(inner) is str:
            # Templates repeat their words (Type, Properties, Ref targets): each is decided once.
            key = (tag, inner)
            text = self._strings.get(key)
            if text is None:
                text = self._strings[key] = self._string(tag, inner)
            return text
        if tag is None and isinstance(inner, bool):
            return "true" if inner else "false"
        if tag is None and type(inner) is int:
            return str(inner)
        return self._scalar_text((tag, type(inner), inner))

    def _string(self, tag: str | None, text: str) -> str:
        if self._plain(text):
            return text if tag is None else f"{tag} {text}"
        if tag is None and len(text) < _LONGEST_QUICK:
            # PyYAML's own analysis and choice of style (Emitter.choose_scalar_style), for a value in block context.
            analysis = self._resolver.analyze_scalar(text)
            if not analysis.multiline:
                if analysis.allow_block_plain and self._resolves_to_str(text):
                    return text
                if analysis.allow_single_quoted:
                    return "'" + text.replace("'", "''") + "'"
        return self._scalar_text((tag, str, text))

    def _plain(self, text: str) -> bool:
        return bool(_PLAIN.fullmatch(text)) and self._resolves_to_str(text)

    def _resolves_to_str(self, text: str) -> bool:
        return self._resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG

    def _scalar_uncached(self, key: tuple[str | None, type, Any]) -> str:
        tag, _, value = key
        text = self._dump(value if tag is None else self._tagged(tag, value))
        text = text.removesuffix("\n...\n").removesuffix("\n")
        if _LINE_BREAK.search(text):
            raise Unusual("a scalar PyYAML writes on several lines")
        return text
