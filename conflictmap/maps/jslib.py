"""Attach conflictmap's own JavaScript and CSS (``conflictmap/data/maps/``) to a folium figure once.

Call :func:`require` from an element's ``render`` so the code lands in the page header after
folium's Leaflet link (folium adds its links when the map renders, before its children).
"""

from __future__ import annotations

import functools
from pathlib import Path

from branca.element import Element, Figure

from .element import Literal

SOURCE_DIR = Path(__file__).resolve().parent.parent / "data" / "maps"

#: each library and the libraries it needs first
DEPENDS = {"core": [], "style": [], "incidents": ["core", "style"], "zones": ["core", "style"],
           "timeline": ["core", "style"], "basemap": ["core", "style"],
           "heat": ["core"], "labels": ["core", "style"]}

__all__ = ["require", "source", "add_data"]


@functools.lru_cache(maxsize=None)
def source(name: str) -> str:
    """Text of library ``name`` wrapped in its tag (``style`` is CSS, the rest JavaScript)."""
    if name == "style":
        return "<style>\n" + (SOURCE_DIR / "conflictmap.css").read_text(encoding="utf-8") + "\n</style>"
    return "<script>\n" + (SOURCE_DIR / f"{name}.js").read_text(encoding="utf-8") + "\n</script>"


def require(figure: Figure, name: str) -> None:
    """Add library ``name`` (and what it needs) to ``figure``'s header, once."""
    for dep in DEPENDS.get(name, []):
        require(figure, dep)
    key = f"conflictmap_{name}"
    if key not in figure.header._children:
        figure.header.add_child(Literal(source(name)), name=key)


def add_data(element: Element, expression: str) -> str:
    """Put ``var <name>_data = <expression>;`` in the page script ahead of ``element``'s own script and
    return the variable name.

    Large payloads go in this way because folium compiles every rendered script as a Jinja template
    (``Element(script_text)``): for tens of megabytes of data that took longer than building the
    data. ``expression`` must already be safe inside ``<script>`` (see ``payload.encode``).
    """
    name = f"{element.get_name()}_data"
    element.get_root().script.add_child(Literal(f"var {name} = {expression};"), name=name)
    return name
