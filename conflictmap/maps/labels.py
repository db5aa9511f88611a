"""Place labels from the gazetteer as page text: towns first, villages from about zoom 10, city
neighbourhoods from about zoom 13, regions as area labels, and the places of events first.

Python picks each place's tier (``map_styles.json`` → ``labels.tiers``), its first zoom and its
score, and writes one compact columnar payload (rounded integer coordinates, labels in priority
order); ``data/maps/labels.js`` places the labels in the browser as absolutely positioned text
elements, culls every label that would overlap one already placed, and redoes it when the map
moves, zooms or the time slider changes which events are shown.

Examples
--------
>>> import pandas as pd
>>> places = pd.DataFrame({"place_id": ["a", "b", "c"], "name": ["Big <town>", "Hamlet", "Old quarter"],
...     "name_ar": ["مدينة", None, "حي"], "feature_type": ["settlement", "settlement", "neighbourhood"],
...     "population": [250000, None, None], "longitude": [36.7, 36.8, 36.71], "latitude": [35.9, 35.8, 35.91]})
>>> table = label_table(places)
>>> table[["name", "tier", "minzoom"]].values.tolist()
[['Big <town>', 'city', 5], ['Hamlet', 'village', 10], ['Old quarter', 'neighbourhood', 13]]
>>> p = label_payload(table, script="both")
>>> p["n"], int(p["x"][0]), p["ar"]
(3, 367000, ['مدينة', None, 'حي'])
>>> "<" in encode(p)
False
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterable

import numpy as np
import pandas as pd
from folium.template import Template

from ..errors import ConflictmapError, InputError
from ..htmlsafe import script_json
from . import jslib
from .element import LiteralLayer
from .payload import encode, event_days, event_points
from .styles import styles
from .tree import attach, map_of

log = logging.getLogger(__name__)

__all__ = ["LabelsLayer", "labels_layer", "label_table", "label_payload", "event_places", "SCRIPTS"]

SCRIPTS = ("en", "ar", "both")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: labels of more than this many bytes of JSON are gzipped in the page
COMPRESS_LABELS_ABOVE = 200_000


def _config() -> dict[str, Any]:
    config = styles()["labels"]
    for tier in config["tiers"]:
        if not _KEY_RE.match(tier["key"]):  # the key becomes a CSS class name
            raise ConflictmapError(f"label tier key {tier['key']!r} in map_styles.json is not a plain name")
    return config


def _strings(frame: pd.DataFrame, column: str) -> pd.Series:
    """Column as stripped strings, '' where missing (a missing column is all '')."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[column].astype(object).where(frame[column].notna(), "")
    return values.astype(str).str.strip()


def _points(places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Representative (lon, lat) of each place: longitude/latitude columns, else the geometry."""
    lon = np.full(len(places), np.nan)
    lat = np.full(len(places), np.nan)
    if "longitude" in places.columns and "latitude" in places.columns:
        lon = pd.to_numeric(places["longitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
        lat = pd.to_numeric(places["latitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
    missing = np.isnan(lon) | np.isnan(lat)
    if missing.any() and "geometry" in places.columns:
        import geopandas as gpd
        import shapely

        geoms = gpd.GeoSeries(places["geometry"], index=places.index)
        if geoms.crs is not None and not geoms.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        arr = np.asarray(geoms.array, dtype=object)
        usable = missing & ~(shapely.is_missing(arr) | shapely.is_empty(arr))
        if usable.any():
            pts = shapely.point_on_surface(arr[usable])
            lon[usable], lat[usable] = shapely.get_x(pts), shapely.get_y(pts)
    return lon, lat


def event_places(events: pd.DataFrame | None, places: pd.DataFrame, *,
                 max_distance_deg: float = 0.05) -> pd.DataFrame:
    """Which places have events: ``first_day``, ``last_day`` (day numbers, -1 = undated) and ``n``.

    An event belongs to the place of its ``place_id`` when that place is in ``places``; an event
    without one belongs to the nearest place whose name equals its ``location`` (case-insensitive)
    within ``max_distance_deg`` of its point. Work is done once per distinct place id or
    (location, rounded point), so a million events cost about as much as their distinct places.

    Returns
    -------
    DataFrame
        Indexed by the row labels of ``places`` that have events.

    Examples
    --------
    >>> places = pd.DataFrame({"place_id": ["p1", "p2"], "name": ["Saraqib", "Binnish"],
    ...                        "longitude": [36.80, 36.71], "latitude": [35.86, 35.95]})
    >>> events = pd.DataFrame({"place_id": ["p1", None], "location": [None, "binnish"],
    ...                        "latitude": [35.86, 35.96], "longitude": [36.80, 36.70],
    ...                        "event_date": ["2020-06-01", "2020-06-03"]})
    >>> event_places(events, places)[["first_day", "last_day", "n"]].values.tolist()
    [[18414, 18414, 1], [18416, 18416, 1]]
    """
    empty = pd.DataFrame({"first_day": pd.Series(dtype=np.int64), "last_day": pd.Series(dtype=np.int64),
                          "n": pd.Series(dtype=np.int64)})
    if events is None or not len(events) or not len(places):
        return empty
    days = event_days(events)
    row = np.full(len(events), -1, dtype=np.int64)  # position in places
    if "place_id" in events.columns and "place_id" in places.columns:
        pid_codes, pid_uniques = pd.factorize(events["place_id"].astype(object))
        lookup = pd.Index(places["place_id"].astype(str)).get_indexer(pd.Index(pid_uniques).astype(str))
        valid = pid_codes >= 0
        row[valid] = lookup[pid_codes[valid]]
    if "location" in events.columns and (row < 0).any():
        lon, lat = event_points(events)
        todo = (row < 0) & ~np.isnan(lon) & events["location"].notna().to_numpy()
        if todo.any():
            keys = pd.DataFrame({"loc": events["location"][todo].astype(str).str.strip().str.casefold().to_numpy(),
                                 "x": np.round(lon[todo], 2), "y": np.round(lat[todo], 2)})
            key_codes = keys.groupby(["loc", "x", "y"], sort=False).ngroup().to_numpy()
            distinct = keys.drop_duplicates().reset_index(drop=True)
            distinct["key"] = np.arange(len(distinct))
            plon, plat = _points(places)
            names = pd.DataFrame({"loc": _strings(places, "name").str.casefold().to_numpy(),
                                  "pos": np.arange(len(places)), "px": plon, "py": plat})
            pairs = distinct.merge(names, on="loc")
            if len(pairs):
                dist = np.hypot(pairs["x"] - pairs["px"], pairs["y"] - pairs["py"])
                pairs = pairs.assign(dist=dist)[dist <= max_distance_deg + 0.01]
                best = pairs.sort_values("dist").drop_duplicates("key")
                key_place = np.full(len(distinct), -1, dtype=np.int64)
                key_place[best["key"].to_numpy()] = best["pos"].to_numpy()
                row[np.flatnonzero(todo)] = key_place[key_codes]
    hit = row >= 0
    if not hit.any():
        return empty
    frame = pd.DataFrame({"pos": row[hit], "day": days[hit]})
    dated = frame["day"].where(frame["day"] >= 0)
    grouped = frame.assign(dated=dated).groupby("pos")
    out = pd.DataFrame({"first_day": grouped["dated"].min(), "last_day": grouped["dated"].max(),
                        "n": grouped.size(), "undated": grouped["day"].min() < 0})
    # a place with an undated event is always shown: first day -1
    out["first_day"] = out["first_day"].where(~out["undated"], -1).fillna(-1).astype(np.int64)
    out["last_day"] = out["last_day"].fillna(-1).astype(np.int64)
    out.index = places.index[out.index.to_numpy()]
    return out[["first_day", "last_day", "n"]]


def _tiers(places: pd.DataFrame, config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Tier position (-1 = not labelled) and names count of each place."""
    ftype = _strings(places, "feature_type").str.lower().to_numpy()
    code = _strings(places, "feature_code").str.upper().to_numpy()
    pop = pd.to_numeric(places["population"], errors="coerce").fillna(0).to_numpy() \
        if "population" in places.columns else np.zeros(len(places))
    alt = _strings(places, "alt_names")
    names = 1 + np.where(alt.to_numpy() == "", 0, alt.str.count(r"\|").to_numpy() + 1)
    tier = np.full(len(places), -1, dtype=np.int64)
    for k, spec in enumerate(config["tiers"]):
        ok = np.isin(ftype, spec["feature_types"])
        tests = []
        if "min_population" in spec:
            tests.append(pop >= spec["min_population"])
        if "feature_codes" in spec:
            tests.append(np.isin(code, spec["feature_codes"]))
        if "min_names" in spec:
            tests.append(names >= spec["min_names"])
        if tests:
            ok &= np.logical_or.reduce(tests)
        tier[(tier < 0) & ok] = k
    return tier, names


def label_table(places: pd.DataFrame, events: pd.DataFrame | None = None, *,
                tiers: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per place to label, in priority order (tier order, then score, highest first).

    Parameters
    ----------
    places
        Gazetteer-like table: ``name`` and a point (``longitude``/``latitude`` or ``geometry``),
        with ``feature_type`` (settlement, neighbourhood, region, ...), and optionally ``name_ar``,
        ``population``, ``feature_code``, ``alt_names`` ('|'-joined) and ``place_id``.
    events
        Events whose places are labelled earlier and first (see :func:`event_places`).
    tiers
        Keys of the tiers to keep (default: every tier of ``map_styles.json``).

    Returns
    -------
    DataFrame
        ``place_id, name, name_ar, lon, lat, tier, area, minzoom, maxzoom, score, first_day,
        last_day, n_events`` (``first_day`` is None for places without events).

    Raises
    ------
    InputError
        If ``places`` has no ``name`` column.
    """
    if not isinstance(places, pd.DataFrame):
        raise InputError(f"places must be a DataFrame or GeoDataFrame, not {type(places).__name__}")
    if "name" not in places.columns:
        raise InputError("places need a 'name' column", column="name")
    config = _config()
    specs = config["tiers"]
    weights = config["score"]
    tier, names = _tiers(places, config)
    if tiers is not None:
        wanted = set(tiers)
        unknown = wanted - {s["key"] for s in specs}
        if unknown:
            raise InputError(f"unknown label tier(s): {', '.join(sorted(unknown))}", value=sorted(unknown))
        keep_tier = np.array([s["key"] in wanted for s in specs] + [False])
        tier = np.where(keep_tier[tier], tier, -1)
    name = _strings(places, "name")
    lon, lat = _points(places)
    usable = (tier >= 0) & (name.to_numpy() != "") & ~np.isnan(lon) & ~np.isnan(lat)
    sub = places.loc[usable]
    pos = np.flatnonzero(usable)
    tier, names = tier[pos], names[pos]
    pop = pd.to_numeric(sub["population"], errors="coerce").fillna(0).to_numpy() \
        if "population" in sub.columns else np.zeros(len(sub))
    code = _strings(sub, "feature_code").str.upper()
    score = (weights["log10_population"] * np.log10(np.maximum(pop, 1))
             + weights["log2_names"] * np.log2(names)
             + code.map(weights["feature_codes"]).fillna(0).to_numpy())
    evp = event_places(events, sub)
    first = evp["first_day"].reindex(sub.index)
    has_event = first.notna().to_numpy()
    score = score + weights["event"] * has_event
    minzoom = np.array([s["minzoom"] for s in specs])[tier] - config["event_zoom_bonus"] * has_event
    maxzoom = np.array([s.get("maxzoom", -1) for s in specs])[tier]
    name_ar = _strings(sub, "name_ar")
    table = pd.DataFrame({
        "place_id": _strings(sub, "place_id").to_numpy() if "place_id" in sub.columns else sub.index.astype(str),
        "name": name.to_numpy()[pos],
        "name_ar": name_ar.where(name_ar != "", None).to_numpy(),
        "lon": lon[pos], "lat": lat[pos],
        "tier": np.array([s["key"] for s in specs], dtype=object)[tier],
        "tier_pos": tier,
        "area": np.array([bool(s.get("area", False)) for s in specs])[tier],
        "minzoom": np.maximum(minzoom, 0).astype(np.int64),
        "maxzoom": maxzoom.astype(np.int64),
        "score": np.round(score, 3),
        "first_day": first.astype("Int64").to_numpy(),
        "last_day": evp["last_day"].reindex(sub.index).astype("Int64").to_numpy(),
        "n_events": evp["n"].reindex(sub.index).fillna(0).astype(np.int64).to_numpy(),
    })
    table = table.sort_values(["tier_pos", "score", "name"], ascending=[True, False, True], kind="stable")
    return table.drop(columns="tier_pos").reset_index(drop=True)


def label_payload(table: pd.DataFrame, *, script: str = "en") -> dict[str, Any]:
    """The compact payload drawn by ``labels.js``: columns in priority order.

    ``x``/``y`` are integers of 10^-``coordinate_decimals`` degree (numpy arrays, written as typed
    arrays by :func:`~conflictmap.maps.payload.encode`); ``t`` indexes ``tiers``;
    ``z``/``zmax`` are the first and last zoom (-1 = no limit); ``en``/``ar`` hold the names of
    the chosen script(s) (``ar`` is None where a place has no Arabic name: its Latin name is
    shown); ``ev`` lists the labels of event places with the first and last event day of each.

    Raises
    ------
    InputError
        If ``script`` is not ``"en"``, ``"ar"`` or ``"both"``.
    """
    if script not in SCRIPTS:
        raise InputError(f"labels must be one of {', '.join(SCRIPTS)}", column="labels", value=script)
    config = _config()
    scale = 10 ** int(config["coordinate_decimals"])
    tiers = [{"key": s["key"], "area": bool(s.get("area", False))} for s in config["tiers"]]
    codes = {s["key"]: k for k, s in enumerate(config["tiers"])}
    with_events = np.flatnonzero(pd.notna(table["first_day"]).to_numpy()) if len(table) else np.array([], int)
    payload: dict[str, Any] = {
        "n": int(len(table)),
        "script": script,
        "tiers": tiers,
        "x": np.round(table["lon"].to_numpy(dtype=float) * scale).astype(np.int64),
        "y": np.round(table["lat"].to_numpy(dtype=float) * scale).astype(np.int64),
        "scale": scale,
        "t": table["tier"].map(codes).to_numpy(dtype=np.int64),
        "z": table["minzoom"].to_numpy(dtype=np.int64),
        "zmax": table["maxzoom"].to_numpy(dtype=np.int64),
        "en": table["name"].tolist(),
        "ev": {"i": with_events.tolist(),
               "d0": table["first_day"].to_numpy()[with_events].astype(np.int64).tolist(),
               "d1": table["last_day"].to_numpy()[with_events].astype(np.int64).tolist()},
        "max": int(config["max_labels"]),
    }
    if script in ("ar", "both"):
        payload["ar"] = [None if pd.isna(v) else v for v in table["name_ar"].tolist()]
    if script == "ar":
        del payload["en"]
        payload["fallback"] = [n if a is None else None for n, a in zip(table["name"].tolist(), payload["ar"])]
    return payload


class LabelsLayer(LiteralLayer):
    """Place labels as page text in their own pane (``Conflictmap.layers[<name>]`` in the page).

    The Leaflet layer offers ``stats()`` (candidates in view, labels shown) and ``shown()``
    (the label elements on the page).
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new L.ConflictmapLabels({{ this.data_name }}, {{ this.js_options }});
Conflictmap.layers[{{ this.get_name()|tojson }}] = {{ this.get_name() }};
Conflictmap.registerTimeLayer({{ this.map_name }}, {{ this.get_name() }});
{% endmacro %}
""")

    def __init__(self, payload: dict[str, Any], *, name: str = "Place labels", show: bool = True,
                 control: bool = True, compress: bool | None = None):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "Labels"
        self.payload = payload
        self.compress = compress

    @property
    def payload_js(self) -> str:
        compress = self.compress
        if compress is None:
            compress = self.payload["n"] * 40 > COMPRESS_LABELS_ABOVE
        return encode(self.payload, compress)

    @property
    def js_options(self) -> str:
        return script_json({})

    def render(self, **kwargs):
        self.map_name = map_of(self).get_name()
        jslib.require(self.get_root(), "labels")
        self.data_name = jslib.add_data(self, self.payload_js)
        super().render(**kwargs)


def labels_layer(places: pd.DataFrame | None = None, *, m: Any = None, events: pd.DataFrame | None = None,
                 script: str = "en", gazetteer: Any = None, tiers: Iterable[str] | None = None,
                 name: str = "Place labels", show: bool = True, compress: bool | None = None) -> LabelsLayer:
    """Build the place-labels layer (and add it to ``m`` when given).

    Parameters
    ----------
    places
        Places to label (see :func:`label_table`); default: the gazetteer's places.
    m
        Map to add the layer to.
    events
        Events on the map: their places are labelled one zoom earlier and win every collision
        while the time slider shows them.
    script
        ``"en"`` (Latin names), ``"ar"`` (Arabic names, right-to-left; the Latin name where a
        place has none) or ``"both"``.
    gazetteer
        Gazetteer to take places from when ``places`` is None (the default one when None).
    tiers
        Tier keys to label (e.g. ``["city", "town"]``); default every tier.
    compress
        Gzip the embedded labels (default: when they are large).

    Returns
    -------
    LabelsLayer

    Examples
    --------
    >>> import folium, pandas as pd
    >>> places = pd.DataFrame({"name": ["Idlib"], "feature_type": ["settlement"], "population": [128840],
    ...                        "longitude": [36.63], "latitude": [35.93]})
    >>> layer = labels_layer(places, m=folium.Map(tiles=None), script="ar")
    >>> layer.payload["fallback"]
    ['Idlib']
    """
    if script not in SCRIPTS:
        raise InputError(f"labels must be one of {', '.join(SCRIPTS)}", column="labels", value=script)
    if places is None:
        if gazetteer is None:
            from ..gazetteer import get_gazetteer

            gazetteer = get_gazetteer()
        places = gazetteer.places
    table = label_table(places, events, tiers=tiers)
    payload = label_payload(table, script=script)
    log.info("labels layer: %d places (%d with events)", payload["n"], len(payload["ev"]["i"]))
    return attach(LabelsLayer(payload, name=name, show=show, compress=compress), m)
