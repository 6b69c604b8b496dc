"""Prints the pixel size of each PNG given, read from its header: `python widths.py build/diagrams/*.png`."""

from __future__ import annotations

import struct
import sys
from pathlib import Path


def size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


if __name__ == "__main__":
    for name in sys.argv[1:]:
        width, height = size(Path(name))
        print(f"{width:5d} x {height:4d}  {Path(name).stem}")
