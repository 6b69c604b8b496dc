"""The front doors: the command line, the Mermaid diagram and parameter overrides. Logic lives in the library."""

from .main import main, run

__all__ = ["main", "run"]
