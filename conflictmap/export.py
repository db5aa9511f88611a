"""Write a folium map as one HTML file that works with no network (``save_html``).

Every ``<script src=...>`` and ``<link rel="stylesheet" href=...>`` that folium writes is replaced
by the pinned offline copy from :mod:`conflictmap.assets` (CSS images and fonts become data URIs).
The file is written atomically: a temporary file in the same folder, then ``os.replace``.

Examples
--------
>>> import folium, tempfile, pathlib
>>> m = folium.Map(location=[35, 38], zoom_start=6, tiles=None)
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = save_html(m, pathlib.Path(tmp) / "map.html", self_contained=False)
...     path.read_text().startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from . import assets
from ._atomic import atomic_write_text
from .errors import ExportError

__all__ = ["save_html", "render_html", "inline_assets", "remote_references"]

log = logging.getLogger(__name__)

_SCRIPT_SRC_RE = re.compile(r"<script\b[^>]*?\bsrc\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>\s*</script>", re.I)
_LINK_CSS_RE = re.compile(r"<link\b(?=[^>]*\brel\s*=\s*[\"']stylesheet[\"'])[^>]*?\bhref\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>", re.I)
_REMOTE_RE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"'](?:https?:)?//[^\"']+[\"']", re.I)


def _script_tag(text: str) -> str:
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.I) + "\n</script>"


def _style_tag(text: str) -> str:
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.I) + "\n</style>"


def inline_assets(html: str) -> str:
    """Replace remote scripts and stylesheets in ``html`` with inline copies.

    Raises
    ------
    ExportError
        If a referenced asset has no pinned offline copy.

    Examples
    --------
    >>> inline_assets('<p>no assets</p>')
    '<p>no assets</p>'
    """

    def script(match: re.Match) -> str:
        return _script_tag(assets.asset_for_url(match.group("url")).text)

    def link(match: re.Match) -> str:
        return _style_tag(assets.asset_for_url(match.group("url")).text)

    return _LINK_CSS_RE.sub(link, _SCRIPT_SRC_RE.sub(script, html))


def remote_references(html: str) -> list[str]:
    """Elements in ``html`` that would load something from the network when the page opens.

    Examples
    --------
    >>> remote_references('<script src="https://x.org/a.js"></script><a href="https://x.org">x</a>')
    ['<script src="https://x.org/a.js"']
    """
    return [match.group(0) for match in _REMOTE_RE.finditer(html)]


def render_html(m: Any, *, self_contained: bool = True) -> str:
    """Render a folium map (or any branca element) to a full HTML document string."""
    root = m.get_root() if hasattr(m, "get_root") else m
    html = root.render()
    if self_contained:
        html = inline_assets(html)
        leftovers = remote_references(html)
        if leftovers:
            raise ExportError(f"map still loads {len(leftovers)} remote resource(s): {leftovers[0][:120]}")
    return html


def _atomic_write(path: Path, text: str) -> None:
    atomic_write_text(path, text)


def save_html(m: Any, path: str | os.PathLike, self_contained: bool = True) -> Path:
    """Write map ``m`` to ``path`` as one HTML file and return the path.

    Parameters
    ----------
    m
        A ``folium.Map`` (or any branca element with ``get_root``).
    path
        Output file; its folder is created if needed.
    self_contained
        Inline every script, stylesheet, image and font so the file opens with the network off
        (tile layers, if you added any, still need the network to show tiles).

    Raises
    ------
    ExportError
        If an asset has no offline copy (run ``python -m conflictmap.assets fetch``) or the file
        cannot be written; no partial file is left behind.
    """
    target = Path(path)
    html = render_html(m, self_contained=self_contained)
    try:
        _atomic_write(target, html)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc}") from exc
    log.info("wrote %s (%.1f MB)", target, len(html.encode("utf-8")) / 1e6)
    return target
