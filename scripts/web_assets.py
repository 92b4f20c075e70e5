"""Build steps of scripts/build-web.sh that need more than a shell.

python3 scripts/web_assets.py licences NODE_MODULES OUTPUT
    Gather name, version, licence and licence text of every npm package installed.
python3 scripts/web_assets.py world TOPOJSON OUTPUT
    Turn a world-atlas TopoJSON file into one SVG in plain longitude/latitude
    (x = longitude, y = -latitude, viewBox -180 -90 360 180).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license", "LICENSE-MIT")

_MIT = """Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE."""


def _packages(node_modules: Path) -> list[Path]:
    found = []
    for manifest in sorted(node_modules.glob("**/package.json")):
        folder = manifest.parent
        if folder.parent.name not in ("node_modules",) and not folder.parent.name.startswith("@"):
            continue
        found.append(folder)
    return found


def licences(node_modules: Path, output: Path) -> None:
    """Write every installed package's licence into one notice file."""
    parts = [
        "Third-party software bundled in yasgui.min.js / yasgui.min.css",
        "(built from the npm registry by scripts/build-web.sh).",
        "",
    ]
    for folder in _packages(node_modules):
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        if "name" not in meta or "version" not in meta or meta["name"] == "world-atlas":
            continue
        licence = meta.get("license") or meta.get("licenses") or "unknown"
        author = meta.get("author")
        if isinstance(author, dict):
            author = author.get("name")
        parts.append("=" * 78)
        parts.append(f"{meta['name']} {meta['version']} — licence: {licence}")
        if author:
            parts.append(f"author: {author}")
        text = next(
            (
                (folder / n).read_text(encoding="utf-8", errors="replace")
                for n in _LICENCE_FILES
                if (folder / n).is_file()
            ),
            None,
        )
        if text is None and licence == "MIT":
            text = f"Copyright (c) {author or meta['name'] + ' authors'}\n\n{_MIT}"
        parts.append("")
        parts.append((text or "(no licence text shipped with the package)").strip())
        parts.append("")
    output.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _unwrapped(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring made continuous across the antimeridian, with the copies the map needs.

    A ring that crosses ±180° is drawn once as it runs and once shifted by 360°, so the
    map's frame clips each half in place; a ring around a pole is closed through the pole.
    """
    points = [ring[0]]
    for x, y in ring[1:]:
        previous = points[-1][0]
        while x - previous > 180:
            x -= 360
        while previous - x > 180:
            x += 360
        points.append((x, y))
    drift = points[-1][0] - points[0][0]
    if abs(drift) > 180:
        pole = 90.0 if sum(y for _, y in points) > 0 else -90.0
        points += [(points[-1][0], pole), (points[0][0], pole)]
    copies = [points]
    if max(x for x, _ in points) > 180:
        copies.append([(x - 360, y) for x, y in points])
    if min(x for x, _ in points) < -180:
        copies.append([(x + 360, y) for x, y in points])
    return copies


def _path(points: list[tuple[float, float]]) -> str:
    head, *rest = (f"{x:.2f} {-y:.2f}" for x, y in points)
    return f"M{head}L{' '.join(rest)}Z"


def world(topojson: Path, output: Path) -> None:
    """Write the countries (or the land) of a world-atlas TopoJSON file as one SVG path."""
    topology = json.loads(topojson.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    commands = []
    objects = topology["objects"]
    for obj in [objects["countries"]] if "countries" in objects else objects.values():
        geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
        for geometry in geometries:
            for polygon in _polygons(geometry):
                for ring in polygon:
                    commands.extend(_path(copy) for copy in _unwrapped(_ring(arcs, ring)))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-180 -90 360 180" '
        'preserveAspectRatio="none">\n'
        "<!-- Natural Earth 1:110m (public domain), via the world-atlas npm package (ISC) -->\n"
        '<path fill="#dfe6d8" stroke="#ffffff" stroke-width="0.06" '
        'stroke-linejoin="round" fill-rule="evenodd" d="' + "".join(commands) + '"/>\n</svg>\n'
    )
    output.write_text(svg, encoding="utf-8")


def main(argv: list[str]) -> int:
    """Run one build step."""
    if len(argv) != 4 or argv[1] not in ("licences", "world"):
        print(__doc__, file=sys.stderr)
        return 2
    step = licences if argv[1] == "licences" else world
    step(Path(argv[2]), Path(argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
