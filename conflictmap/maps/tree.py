"""Find the folium map an element belongs to (layers may sit in feature groups)."""

from __future__ import annotations

from typing import Any

from ..errors import InputError

__all__ = ["map_of", "attach"]


def map_of(element: Any) -> Any:
    """The ``folium.Map`` above ``element``.

    Raises
    ------
    InputError
        If the element was not added to a map.
    """
    import folium

    node = element
    while node is not None:
        if isinstance(node, folium.Map):
            return node
        node = getattr(node, "_parent", None)
    raise InputError(f"{type(element).__name__} must be added to a folium.Map before it is rendered")


def attach(layer: Any, m: Any) -> Any:
    """Add ``layer`` to ``m`` when ``m`` is given; return the layer (the composable-layer idiom)."""
    if m is not None:
        layer.add_to(m)
    return layer
