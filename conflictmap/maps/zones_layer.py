"""Control-zones layer: faction colours from the registry, dashed or hatched outlines for
contested and approximate zones, a legend with the as-of date, snapshots that follow the slider.

Examples
--------
>>> import folium, geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> zones = gpd.GeoDataFrame({"faction": ["government", "sdf"], "confidence": ["confirmed", "contested"],
...                           "as_of": pd.to_datetime(["2020-07-01", "2020-07-01"])},
...                          geometry=[box(36, 33, 37, 34), box(39, 35, 41, 37)], crs="EPSG:4326")
>>> layer = zones_layer(zones, folium.Map(tiles=None))
>>> layer.layer_name
'Control zones (as of 2020-07-01)'
>>> [f["properties"]["dash"] for f in layer.data["features"]]
[None, '8 6']
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from folium.template import Template

from ..errors import ConflictmapError, InputError
from ..htmlsafe import script_json, text
from ..zones.clean import simplify_zones
from . import jslib
from .element import LiteralLayer
from .legend import Legend, legend_html
from .payload import event_days
from .styles import confidence_style, styles
from .tree import attach, map_of

log = logging.getLogger(__name__)

__all__ = ["ZonesLayer", "zones_layer", "faction_style"]


def faction_style(name: Any, _fallback: dict[str, str] | None = None) -> tuple[str, str, str]:
    """(key, label, colour) of a faction from the registry (``conflictmap.factions``).

    Unknown factions (or a missing registry) get a neutral colour and are logged, not dropped.

    Examples
    --------
    >>> faction_style("YPG")[0]
    'sdf'
    >>> faction_style("Martians")[1]
    'Martians'
    """
    try:
        from ..factions import get_faction

        faction = get_faction(name)
        return faction.key, faction.label, faction.color
    except (ImportError, ConflictmapError, LookupError) as exc:
        fallback = _fallback if _fallback is not None else {}
        label = "Unknown faction" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        if label not in fallback:
            colors = styles()["unknown_faction_colors"]
            fallback[label] = colors[len(fallback) % len(colors)]
            log.warning("faction %r not in the registry (%s); drawn in grey", label, exc)
        return label, label, fallback[label]


class ZonesLayer(LiteralLayer):
    """A folium layer of control zones; in the page ``Conflictmap.layers[<name>]``."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new L.ConflictmapZones({{ this.data_js }});
Conflictmap.layers[{{ this.get_name()|tojson }}] = {{ this.get_name() }};
Conflictmap.registerTimeLayer({{ this.map_name }}, {{ this.get_name() }});
{% endmacro %}
""")

    def __init__(self, data: dict[str, Any], *, name: str, show: bool = True, control: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "Zones"
        self.data = data
        self.day_range = data.get("day_range")

    @property
    def data_js(self) -> str:
        return script_json(self.data)

    def render(self, **kwargs):
        self.map_name = map_of(self).get_name()
        jslib.require(self.get_root(), "zones")
        super().render(**kwargs)


def _valid_at(days_from: np.ndarray, days_to: np.ndarray, day: int) -> np.ndarray:
    return ((days_from < 0) | (days_from <= day)) & ((days_to < 0) | (days_to >= day))


def _tip(label: str, conf: dict, as_of: str | None, row: pd.Series) -> str:
    parts = [f"<b>{text(label)}</b>", f"control: {text(conf['label'])}" + (f", as of {text(as_of)}" if as_of else "")]
    for column in ("source", "note"):
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and np.isnan(value)) and str(value).strip():
            parts.append(text(str(value)[:300]))
    return "<br>".join(parts)


def zones_layer(zones: Any, m: Any = None, *, name: str = "Control zones", as_of: Any = None,
                legend: bool = True, show: bool = True, simplify: float = 0.0005,
                attribution: str | None = None, legend_position: str = "bottomright") -> ZonesLayer:
    """Build the control-zones layer (and add it to ``m`` when given).

    Parameters
    ----------
    zones
        GeoDataFrame with ``faction`` and geometry; ``confidence``, ``valid_from``, ``valid_to``,
        ``as_of``, ``source`` and ``note`` are used when present.
    as_of
        Keep only zones valid on this date. Without it every snapshot is kept and the time slider
        (or, without one, the latest date) chooses which are shown.
    simplify
        Simplification tolerance in degrees (0 keeps geometries as they are).
    attribution
        Credit for the zone data, shown in the map attribution (escaped).

    Raises
    ------
    InputError
        If ``zones`` has no geometry or no ``faction`` column.
    """
    import geopandas as gpd
    import shapely

    if not isinstance(zones, gpd.GeoDataFrame):
        raise InputError(f"zones must be a GeoDataFrame, not {type(zones).__name__}")
    if "faction" not in zones.columns:
        raise InputError("zones need a 'faction' column", column="faction")
    if zones.crs is not None and not zones.crs.equals("EPSG:4326"):
        zones = zones.to_crs("EPSG:4326")
    days_from, days_to = event_days(zones, "valid_from"), event_days(zones, "valid_to")
    days_as_of = event_days(zones, "as_of")
    stamp = np.where(days_as_of >= 0, days_as_of, days_from)
    keep = np.ones(len(zones), dtype=bool)
    if as_of is not None:
        day = int(event_days(pd.DataFrame({"d": [as_of]}), "d")[0])
        keep = _valid_at(days_from, days_to, day)
    empty = zones.geometry.isna().to_numpy() | zones.geometry.is_empty.to_numpy()
    if empty.any():
        log.warning("%d zone row(s) without geometry are not drawn", int(empty.sum()))
    fallback: dict[str, str] = {}
    features, factions, confidences = [], {}, {}
    # each snapshot simplified as one coverage: a border shared by two zones moves the same way
    # for both, so no sliver opens between them and no town near the line falls in both
    geoms = simplify_zones(zones, simplify).geometry if simplify else zones.geometry
    for pos in np.flatnonzero(keep & ~empty):
        row = zones.iloc[pos]
        key, label, color = faction_style(row["faction"], fallback)
        conf = confidence_style(row.get("confidence"))
        geom = shapely.set_precision(geoms.iloc[pos], 1e-5)
        as_of_text = str(np.datetime64(int(stamp[pos]), "D")) if stamp[pos] >= 0 else None
        features.append({
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geom),
            "properties": {
                "color": color, "dash": conf["dash"], "weight": conf["weight"],
                "fill_opacity": conf["fill_opacity"], "hatch": bool(conf.get("hatch")),
                "from": int(days_from[pos]) if days_from[pos] >= 0 else None,
                "to": int(days_to[pos]) if days_to[pos] >= 0 else None,
                "as_of": int(stamp[pos]) if stamp[pos] >= 0 else None,
                "tip": _tip(label, conf, as_of_text, row),
            },
        })
        factions.setdefault(key, {"label": label, "color": color, "count": 0})["count"] += 1
        confidences[conf["key"]] = conf
    starts = [f["properties"]["from"] for f in features if f["properties"]["from"] is not None]
    stamps = [f["properties"]["as_of"] for f in features if f["properties"]["as_of"] is not None]
    latest = max(starts + stamps) if (starts or stamps) else None
    ends = [f["properties"]["to"] for f in features if f["properties"]["to"] is not None]
    day_range = [min(starts + stamps), max(starts + stamps + ends)] if (starts or stamps) else None
    visible_stamps = [f["properties"]["as_of"] for f in features
                      if f["properties"]["as_of"] is not None
                      and (latest is None or (f["properties"]["from"] is None or f["properties"]["from"] <= latest))
                      and (f["properties"]["to"] is None or latest is None or f["properties"]["to"] >= latest)]
    as_of_label = str(np.datetime64(max(visible_stamps), "D")) if visible_stamps else None
    title = f"{name} (as of {as_of_label})" if as_of_label else name
    layer = ZonesLayer({"features": features, "initial": latest, "day_range": day_range,
                        "attribution": text(attribution) if attribution else None},
                       name=title, show=show)
    layer.data["noteId"] = f"{layer.get_name()}-asof"
    if legend:
        items = [{"label": f["label"], "color": f["color"], "line": {"fill_opacity": 0.45}} for f in factions.values()]
        items += [{"label": c["label"], "color": "#555555",
                   "line": {"dash": c["dash"], "fill_opacity": 0.05, "hatch": bool(c.get("hatch"))}}
                  for c in confidences.values()]
        note = f"as of {as_of_label}" if as_of_label else "as of: unknown"
        layer.add_child(Legend(legend_html(name, items, note=note, note_id=layer.data["noteId"]),
                               position=legend_position))
    log.info("zones layer: %d zone(s), %d faction(s)", len(features), len(factions))
    return attach(layer, m)
