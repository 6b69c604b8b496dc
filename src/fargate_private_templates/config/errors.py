"""The one error type for bad input."""


class ConfigError(ValueError):
    """A configuration value, or a combination of values, that cannot produce a working stack.

    The message names the field (or both fields of a bad combination), the value given and what is allowed.
    """
