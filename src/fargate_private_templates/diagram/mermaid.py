"""Mermaid text: a flowchart's nodes in VPC and tier subgraphs, its coloured edges, and the README block it fills."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..render.files import write_files
from ..render.loader import decode, read_bytes

# Nodes that are not resources get IDs with "_": logical IDs are alphanumeric, so these never collide.
INTERNET = "ext_internet"
PUBLIC, PRIVATE = "public", "private"
TIER_LABELS = {PUBLIC: "Public subnets", PRIVATE: "Private subnets"}
SHAPES = {"box": ('["', '"]'), "circle": ('(("', '"))'), "cylinder": ('[("', '")]')}
INDENT = "    "
BREAK = "<br/>"

# Edge kinds: each has its arrow and its colour (readable on light and dark page themes).
INBOUND, PULL, NO_ROUTE, MEMBER = "inbound", "pull", "no route", "member"
ARROWS = {INBOUND: "-->", PULL: "-.->", NO_ROUTE: "-.->", MEMBER: "---"}
LINK_STYLES = {
    INBOUND: "stroke:#1971c2,stroke-width:2px,color:#1971c2",
    PULL: "stroke:#e8590c,stroke-width:2px,color:#e8590c",
    NO_ROUTE: "stroke:#c92a2a,stroke-width:2px,color:#c92a2a",
    MEMBER: "stroke:#adb5bd,stroke-width:1px",
}
LEGEND = (
    "Solid blue arrows: requests from the Internet to the tasks. Dashed orange arrows: the tasks' image pulls, "
    "through NAT or VPC endpoints, to the registry (red: no route)."
)


def mermaid_id(text: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"
    return f"{ident}_" if ident.lower() == "end" else ident  # a bare "end" closes a Mermaid subgraph


def escape(label: str) -> str:
    return label.replace('"', "#quot;")  # a double quote would end Mermaid's quoted label


@dataclass(frozen=True)
class Node:
    label: str
    shape: str
    group: str | None
    tier: str | None
    # The logical ID, shown on a line of its own when the label alone does not tell nodes apart.
    name: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    label: str = ""

    def line(self) -> str:
        label = f'|"{escape(self.label)}"|' if self.label else ""
        return f"{self.source} {ARROWS[self.kind]}{label} {self.target}"


class Graph:
    """Nodes placed in VPC and tier subgraphs, and edges, both kept in the order first added."""

    def __init__(self, show_names: bool) -> None:
        self.show_names = show_names
        self.groups: dict[str, str] = {}
        self.zones: dict[tuple[str, str], list[str]] = {}
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def node(self, ident: str, node: Node) -> None:
        self.nodes.setdefault(ident, node)

    def edge(self, source: str, target: str, kind: str, label: str = "") -> None:
        self.edges.setdefault((source, target, kind), Edge(source, target, kind, label))

    def zone(self, group: str, tier: str, zone: str) -> None:
        zones = self.zones.setdefault((group, tier), [])
        if zone and zone not in zones:
            zones.append(zone)

    def _labels(self) -> dict[str, str]:
        """Node ID -> label; the logical ID added where two labels would read alike (or always, in detail)."""
        counts = Counter(node.label for node in self.nodes.values())
        return {
            ident: f"{node.label}{BREAK}{node.name}"
            if node.name and (self.show_names or counts[node.label] > 1)
            else node.label
            for ident, node in self.nodes.items()
        }

    def _node_lines(self, depth: int, where: tuple[str | None, str | None], only: Iterable[str] | None = None) -> list:
        lines = []
        labels = self._labels()
        for ident, node in self.nodes.items():
            if (node.group, node.tier) == where and (only is None or ident in only):
                opening, closing = SHAPES[node.shape]
                lines.append(f"{INDENT * depth}{ident}{opening}{escape(labels[ident])}{closing}")
        return lines

    def _tier_title(self, group: str, tier: str) -> str:
        zones = self.zones.get((group, tier))
        return f"{TIER_LABELS[tier]} · {', '.join(zones)}" if zones else TIER_LABELS[tier]

    def render(self) -> str:
        lines = ["flowchart LR", *self._node_lines(1, (None, None), only=[INTERNET])]
        for group, label in self.groups.items():
            lines += [f'{INDENT}subgraph {group}["{escape(label)}"]', *self._node_lines(2, (group, None))]
            for tier in TIER_LABELS:
                members = self._node_lines(3, (group, tier))
                if members:
                    title = escape(self._tier_title(group, tier))
                    lines += [f'{INDENT * 2}subgraph {group}_{tier}["{title}"]', *members, f"{INDENT * 2}end"]
            lines.append(f"{INDENT}end")
        lines += self._node_lines(1, (None, None), only=[ident for ident in self.nodes if ident != INTERNET])
        edges = list(self.edges.values())
        lines += [f"{INDENT}{edge.line()}" for edge in edges]
        for kind, style in LINK_STYLES.items():
            indexes = [str(n) for n, edge in enumerate(edges) if edge.kind == kind]
            if indexes:
                lines.append(f"{INDENT}linkStyle {','.join(indexes)} {style}")
        return "\n".join(lines)


def markers(block: str = "") -> tuple[str, str]:
    """The comments around a diagram block: ``<!-- diagram:begin -->``, or ``<!-- diagram:NAME:begin -->``."""
    infix = f"diagram:{block}:" if block else "diagram:"
    return f"<!-- {infix}begin -->", f"<!-- {infix}end -->"


def embedded(markdown: str, diagram: str, block: str = "") -> str:
    """``markdown`` with the block between the diagram markers (of the named block, if given) replaced by
    ``diagram`` as a Mermaid code block, followed by its one-line legend."""
    begin_marker, end_marker = markers(block)
    begin, end = markdown.find(begin_marker), markdown.find(end_marker)
    if begin < 0 or end < begin:
        raise ConfigError(f"embed: no '{begin_marker}' ... '{end_marker}' block to replace")
    text = f"{begin_marker}\n```mermaid\n{diagram.rstrip()}\n```\n\n{LEGEND}\n"
    return markdown[:begin] + text + markdown[end:]


def embed_diagram(path: Path, diagram: str, block: str = "") -> bool:
    """Rewrites a diagram block of a Markdown file (atomically); False when it was already current."""
    text = decode(read_bytes(path), str(path), "a Markdown file")
    try:
        updated = embedded(text, diagram, block)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    return bool(write_files(path.parent, {path.name: updated}))
