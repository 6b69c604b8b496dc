"""Pictures of a deployment read from its templates: Mermaid flowcharts of the request and image-pull paths, and
their embedding in Markdown."""

from .flows import mermaid_diagram, mermaid_for_files
from .mermaid import embed_diagram, embedded
from .topology import DETAILS

__all__ = ["DETAILS", "embed_diagram", "embedded", "mermaid_diagram", "mermaid_for_files"]
