"""The one error type for bad input, and how values appear in its messages."""

from __future__ import annotations

# A value in a message is cut to this many characters: the message stays one readable line whatever was given.
MAX_VALUE_LENGTH = 80


class ConfigError(ValueError):
    """A configuration value, or a combination of values, that cannot produce a working stack.

    The message names the field (or both fields of a bad combination), the value given and what is allowed.
    """


def shorten(text: str, limit: int) -> str:
    """``text`` on one line and at most about ``limit`` characters, saying how much was cut."""
    line = " ".join(text.split()) if any(c in text for c in "\n\r\t\v\f") else text
    if len(line) <= limit:
        return line
    return f"{line[:limit]}... ({len(line) - limit} more characters)"


def shown(value: object) -> str:
    """``repr(value)`` for an error message, cut to ``MAX_VALUE_LENGTH`` characters."""
    return shorten(repr(value), MAX_VALUE_LENGTH)
