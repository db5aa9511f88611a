"""``static_map()``: the web map's content drawn with matplotlib, for print (PNG, PDF, SVG).

The same style data as the web map: faction colours from the registry (``factions.csv``), zone
confidence line styles and hatching, event-type colours and shapes and basemap colours from
``map_styles.json``. Drawn: neighbouring countries, Syria's outline and governorates, control zones,
incidents, place labels (the largest towns and the places of events, overlapping labels left out),
a legend, a scale bar, a north arrow and the credit line (the gazetteer's attribution).

Needs matplotlib (``pip install 'conflictmap[plot]'``). Nothing is shown on screen and pyplot is not
used: the function returns a :class:`matplotlib.figure.Figure` (shown as a PNG when it is the last
value of a notebook cell); save it with ``fig.savefig("map.pdf")``.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> zones = gpd.GeoDataFrame({"faction": ["hts", "government"], "confidence": ["contested", "confirmed"]},
...                          geometry=[box(36.2, 35.5, 36.8, 36.2), box(36.8, 35.5, 37.5, 36.2)], crs=4326)
>>> events = pd.DataFrame({"longitude": [36.6], "latitude": [35.8], "event_type": ["Battles"],
...                        "location": ["Kansafrah"]})
>>> fig = static_map(events, zones, extent=(36, 35.3, 37.7, 36.4), gazetteer=False, credit="Test data")
>>> ax = fig.axes[0]
>>> sorted(p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("zone:"))
['zone:government:confirmed', 'zone:hts:contested']
>>> [t.get_text() for t in fig.legends[0].get_texts()][:2]
['Syrian government and allies', 'HTS and allied opposition']
>>> "Kansafrah" in [t.get_text() for t in ax.texts], fig.texts[0].get_text()
(True, 'Test data')
"""

from __future__ import annotations

import functools
import io
import logging
import math
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from .._optional import import_optional
from ..errors import InputError
from .payload import event_points
from .styles import confidence_style, event_type_styles, styles
from .zones_layer import faction_style

__all__ = ["static_map", "MARKERS", "LABEL_SCRIPTS"]

log = logging.getLogger(__name__)

#: web marker shape -> matplotlib marker (the cross of the web map is an upright plus, filled)
MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "star": "*", "cross": "P", "hexagon": "h"}
LABEL_SCRIPTS = ("en", "ar", "both")
_NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 150, 200, 250, 500, 1000)
_KM_PER_DEG = 111.32


@functools.lru_cache(maxsize=1)
def _matplotlib():
    import_optional("matplotlib", extra="plot", purpose="static maps (static_map)")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path

    class MapFigure(Figure):
        """A Figure that shows itself in Jupyter as a PNG without pyplot (no global figure state)."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=100)
            return buffer.getvalue()

    return MapFigure, Line2D, Patch, PathPatch, Path


def _day(value: Any) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InputError("as_of is not a date (use YYYY-MM-DD)", column="as_of", value=value) from exc
    if pd.isna(stamp):
        raise InputError("as_of is not a date (use YYYY-MM-DD)", column="as_of", value=value)
    return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp


def _extent(extent: Any) -> tuple[float, float, float, float]:
    try:
        values = tuple(float(v) for v in extent)
    except (TypeError, ValueError) as exc:
        raise InputError("extent must be four numbers: min lon, min lat, max lon, max lat", column="extent",
                         value=extent) from exc
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InputError("extent must be four numbers: min lon, min lat, max lon, max lat", column="extent",
                         value=extent)
    x0, y0, x1, y1 = values
    if not (x0 < x1 and y0 < y1 and -180 <= x0 and x1 <= 180 and -90 <= y0 and y1 <= 90):
        raise InputError("extent must be (min lon, min lat, max lon, max lat) with min < max, in degrees",
                         column="extent", value=extent)
    return values


def _zone_snapshot(zones: Any, day: pd.Timestamp | None) -> Any:
    """The zones shown: valid on ``day``, or the latest snapshot (as the web map opens)."""
    import geopandas as gpd

    from ..zones.snapshots import zones_as_of

    if not isinstance(zones, gpd.GeoDataFrame):
        raise InputError(f"zones must be a GeoDataFrame, not {type(zones).__name__}")
    if "faction" not in zones.columns:
        raise InputError("zones need a 'faction' column", column="faction")
    zones = zones.to_crs(4326) if zones.crs is not None and not zones.crs.equals("EPSG:4326") else zones
    if not any(c in zones.columns for c in ("as_of", "valid_from", "valid_to")):
        return zones
    if day is None:
        dates = [pd.to_datetime(zones[c], errors="coerce") for c in ("as_of", "valid_from") if c in zones.columns]
        latest = max((d.max() for d in dates if d.notna().any()), default=None)
        if latest is None:
            return zones
        day = latest
    return zones_as_of(zones, day)


def _path(geom: Any, Path: Any) -> Any:
    """A matplotlib compound path of a (multi)polygon: exterior and holes, even-odd filled."""
    import shapely

    vertices, codes = [], []
    for polygon in shapely.get_parts(geom):
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            vertices.append(xy)
            ring_codes = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            ring_codes[0] = Path.MOVETO
            ring_codes[-1] = Path.CLOSEPOLY
            codes.append(ring_codes)
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _dashes(dash: Any, weight: float) -> Any:
    """A CSS/SVG dash string ("8 6") as a matplotlib linestyle (lengths in line widths)."""
    if not dash:
        return "solid"
    lengths = [float(v) for v in str(dash).replace(",", " ").split()]
    return (0, tuple(v / max(weight, 0.5) for v in lengths))


def _arabic(text: str) -> str:
    """Arabic text shaped and ordered for matplotlib (which neither joins letters nor runs right to left)."""
    reshaper = import_optional("arabic_reshaper", extra="plot", purpose="Arabic labels in static maps")
    bidi = import_optional("bidi", extra="plot", purpose="Arabic labels in static maps")
    return bidi.get_display(reshaper.reshape(text))


def _label_text(name: Any, name_ar: Any, labels: str) -> str | None:
    en = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name).strip()
    ar = "" if name_ar is None or (isinstance(name_ar, float) and math.isnan(name_ar)) else str(name_ar).strip()
    if labels == "en":
        return en or None
    if labels == "ar":
        return _arabic(ar) if ar else (en or None)
    if en and ar:
        return f"{en} {_arabic(ar)}"
    return en or (_arabic(ar) if ar else None)


def _place_labels(events: Any, lon: np.ndarray, lat: np.ndarray, gz: Any, box: tuple[float, float, float, float],
                  max_towns: int) -> list[tuple[float, float, Any, Any, bool]]:
    """Candidate labels, most important first: the places of events, then towns by population."""
    x0, y0, x1, y1 = box
    out: list[tuple[float, float, Any, Any, bool]] = []
    seen: set[str] = set()
    if events is not None and len(events):
        name_col = next((c for c in ("place_name", "location") if c in events.columns), None)
        ids = events["place_id"] if "place_id" in events.columns else pd.Series([None] * len(events), index=events.index)
        if name_col is not None:
            for name, pid, x, y in zip(events[name_col], ids, lon, lat):
                if not (np.isfinite(x) and np.isfinite(y)) or name is None or (isinstance(name, float) and math.isnan(name)):
                    continue
                key = str(name).strip().casefold()
                if not key or key in seen:
                    continue
                seen.add(key)
                name_ar = None
                if gz is not None and isinstance(pid, str) and pid:
                    try:
                        name_ar = gz.get(pid).get("name_ar")
                    except Exception:  # an id the gazetteer does not know: English only
                        name_ar = None
                out.append((float(x), float(y), str(name).strip(), name_ar, True))
    if gz is not None and max_towns:
        places = gz.places
        towns = places[(places["feature_type"] == "settlement") & places["population"].notna()
                       & places["longitude"].between(x0, x1) & places["latitude"].between(y0, y1)]
        towns = towns.sort_values("population", ascending=False, kind="stable")
        added = 0
        for name, name_ar, x, y in zip(towns["name"], towns["name_ar"], towns["longitude"], towns["latitude"]):
            key = str(name).strip().casefold()
            if key in seen:
                continue
            seen.add(key)
            out.append((float(x), float(y), name, name_ar, False))
            added += 1
            if added >= max_towns:
                break
    return out


def _draw_labels(ax: Any, candidates: list[tuple[float, float, Any, Any, bool]], labels: str, fontsize: float) -> int:
    """Place labels in order, leaving out any whose box would overlap one already placed."""
    fig = ax.figure
    ax.apply_aspect()
    scale = fig.dpi / 72.0
    placed: list[tuple[float, float, float, float]] = []
    count = 0
    for x, y, name, name_ar, is_event in candidates:
        text = _label_text(name, name_ar, labels)
        if not text:
            continue
        size = fontsize + (0.5 if is_event else 0.0)
        offset = 6 if is_event else 3  # clear of the event marker
        px, py = ax.transData.transform((x, y))
        width, height = 0.58 * size * len(text) * scale, 1.25 * size * scale
        left, bottom = px + offset * scale, py - height / 2
        rect = (left, bottom, left + width, bottom + height)
        if any(not (rect[2] < r[0] or r[2] < rect[0] or rect[3] < r[1] or r[3] < rect[1]) for r in placed):
            continue
        placed.append(rect)
        ax.plot([x], [y], marker="o", markersize=2.2, color="#333333", zorder=6, linestyle="")
        ax.annotate(text, (x, y), xytext=(offset, 0), textcoords="offset points", fontsize=size, va="center",
                    ha="left", color="#222222", zorder=7, parse_math=False, annotation_clip=True,
                    fontweight="bold" if is_event else "normal", gid="label")
        count += 1
    return count


def _scale_bar(ax: Any, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = box
    lat = (y0 + y1) / 2
    km_per_deg = _KM_PER_DEG * math.cos(math.radians(lat))
    width_km = (x1 - x0) * km_per_deg
    length = max((k for k in _NICE_KM if k <= width_km / 5), default=_NICE_KM[0])
    start_x, start_y = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    end_x = start_x + length / km_per_deg
    ax.plot([start_x, end_x], [start_y, start_y], color="#222222", linewidth=3, solid_capstyle="butt", zorder=8,
            gid="scale-bar")
    ax.text((start_x + end_x) / 2, start_y + (y1 - y0) * 0.012, f"{length:g} km", ha="center", va="bottom",
            fontsize=8, zorder=8, parse_math=False, gid="scale-bar-label")


def _north_arrow(ax: Any) -> None:
    ax.annotate("N", xy=(0.965, 0.96), xytext=(0.965, 0.875), xycoords="axes fraction", textcoords="axes fraction",
                ha="center", va="center", fontsize=11, fontweight="bold", zorder=8, gid="north-arrow",
                arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 1.5})


def static_map(events: Any = None, zones: Any = None, *, as_of: Any = None, title: str | None = None,
               extent: Sequence[float] | None = None, labels: str | None = "en", ax: Any = None,
               gazetteer: Any = None, credit: str | None = None, legend: bool = True, scale_bar: bool = True,
               north_arrow: bool = True, max_towns: int = 30, figsize: tuple[float, float] = (11.0, 8.5),
               label_size: float = 7.5) -> Any:
    """Draw events and control zones as a print map with matplotlib; return the Figure.

    Parameters
    ----------
    events
        events table with ``geometry`` or ``latitude``/``longitude`` (``event_type``,
        ``event_date`` and ``location`` / ``place_name`` / ``place_id`` used when present), or None.
    zones
        control zones GeoDataFrame (``faction``, ``confidence`` and dates used), or None.
    as_of
        draw the zone snapshot valid on this date and the events up to it (default: the latest
        snapshot and every event, as the web map opens).
    title
        title above the map.
    extent
        ``(min lon, min lat, max lon, max lat)``; default: Syria with a small margin.
    labels
        place labels ``"en"``, ``"ar"`` (Arabic, shaped; needs ``arabic-reshaper`` and
        ``python-bidi`` from the ``plot`` extra), ``"both"``, or None for none.
    ax
        draw into this matplotlib Axes (its figure is returned) instead of a new figure.
    gazetteer
        source of the outline, governorates, towns and credit (default: the package's);
        ``False`` draws without any of them.
    credit
        credit line (default: the gazetteer's attribution).
    max_towns
        at most this many town labels besides the places of events.

    Returns
    -------
    matplotlib.figure.Figure
        zone patches carry ``gid`` ``"zone:<faction>:<confidence>"``; the legend is the figure's
        (``fig.legends[0]``), or the Axes' when ``ax`` was given; save with ``savefig``
        (``.png``, ``.pdf``, ``.svg``).

    Raises
    ------
    InputError
        a bad ``as_of``, ``extent`` or ``labels``, or zones / events without the needed columns.
    OptionalDependencyError
        matplotlib (or the Arabic shaping packages for ``labels="ar"``) is not installed.
    """
    Figure, Line2D, Patch, PathPatch, Path = _matplotlib()
    import shapely

    if labels in (False, "none", ""):
        labels = None
    if labels is not None and labels not in LABEL_SCRIPTS:
        raise InputError(f"labels must be one of {', '.join(LABEL_SCRIPTS)} or None", column="labels", value=labels)
    day = _day(as_of) if as_of is not None else None
    box = _extent(extent) if extent is not None else None
    gz = None
    if gazetteer is not False:
        if gazetteer is None:
            from ..gazetteer import get_gazetteer

            gazetteer = get_gazetteer()
        gz = gazetteer
    style = styles()
    base = style["basemap"]

    shown_zones = _zone_snapshot(zones, day) if zones is not None else None
    lon = lat = np.zeros(0)
    shown_events = None
    if events is not None:
        if not isinstance(events, pd.DataFrame):
            raise InputError(f"events must be a DataFrame or GeoDataFrame, not {type(events).__name__}")
        shown_events = events
        if day is not None and "event_date" in events.columns:
            dates = pd.to_datetime(events["event_date"], errors="coerce")
            shown_events = events[dates.isna() | (dates <= day + pd.Timedelta(days=1) - pd.Timedelta(1))]
        lon, lat = event_points(shown_events)

    if box is None:
        if gz is not None:
            x0, y0, x1, y1 = gz.outline().bounds
        else:
            bounds = []
            if shown_zones is not None and len(shown_zones):
                bounds.append(tuple(shown_zones.total_bounds))
            ok = np.isfinite(lon) & np.isfinite(lat)
            if ok.any():
                bounds.append((lon[ok].min(), lat[ok].min(), lon[ok].max(), lat[ok].max()))
            if not bounds:
                raise InputError("nothing to draw: give events, zones, an extent or a gazetteer", column="extent")
            x0, y0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
            x1, y1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
        pad = max(x1 - x0, y1 - y0, 0.2) * 0.03
        box = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)

    own_figure = ax is None
    if own_figure:
        fig = Figure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    ax.set_facecolor(base["background"])
    frame = shapely.box(*box)
    view = frame.buffer(max(box[2] - box[0], box[3] - box[1]) * 0.1)

    def fill(geom: Any, gid: str, **kwargs: Any) -> Any:
        geom = shapely.intersection(geom, view) if geom is not None and not geom.is_empty else None
        path = _path(geom, Path) if geom is not None and not geom.is_empty else None
        if path is None:
            return None
        patch = PathPatch(path, gid=gid, **kwargs)
        ax.add_patch(patch)
        return patch

    if gz is not None:
        try:
            for geom in gz.neighbours().geometry:
                fill(geom, "neighbour", facecolor="#ececec", edgecolor="#b8b8b8", linewidth=0.5, zorder=1)
        except (AttributeError, OSError) as exc:
            log.info("no neighbouring countries on the static map: %s", exc)
        fill(gz.outline(), "land", facecolor=base["land"]["fill"], edgecolor="none", zorder=1.5)

    handles: list[Any] = []
    if shown_zones is not None and len(shown_zones):
        factions: dict[str, tuple[str, str]] = {}
        confidences: dict[str, dict[str, Any]] = {}
        fallback: dict[str, str] = {}
        for _, row in shown_zones.iterrows():
            if row.geometry is None or row.geometry.is_empty or not row.geometry.intersects(frame):
                continue  # outside the extent: neither drawn nor in the legend
            key, label, color = faction_style(row["faction"], fallback)
            conf = confidence_style(row.get("confidence"))
            width = max(conf["weight"] * 0.45, 0.6)
            patch = fill(row.geometry, f"zone:{key}:{conf['key']}",
                         facecolor=_rgba(color, min(conf["fill_opacity"] + 0.2, 0.9)), edgecolor=color,
                         linewidth=width, linestyle=_dashes(conf["dash"], width),
                         hatch="////" if conf.get("hatch") else None, zorder=2, label=label)
            if patch is None:
                continue
            if conf.get("hatch") and hasattr(patch, "set_hatchcolor"):
                patch.set_hatchcolor(_rgba(color, 0.9))  # matplotlib >= 3.10; older ones hatch in the edge colour
            factions.setdefault(key, (label, color))
            confidences[conf["key"]] = conf
        order = _faction_order()
        for key in sorted(factions, key=lambda k: order.get(k, len(order))):
            label, color = factions[key]
            handles.append(Patch(facecolor=_rgba(color, 0.55), edgecolor=color, label=label))
        for key in ("contested", "approximate", "confirmed"):
            conf = confidences.get(key)
            if conf is None or (key == "confirmed" and len(confidences) == 1):
                continue
            handles.append(Patch(facecolor="none", edgecolor="#555555", hatch="////" if conf.get("hatch") else None,
                                 linestyle=_dashes(conf["dash"], 1.0), linewidth=1.0, label=f"{conf['label']} line"))

    if gz is not None:
        admin = base["admin1"]
        for geom in gz.areas(1).geometry:
            fill(geom, "governorate", facecolor="none", edgecolor=admin["stroke"], linewidth=admin["weight"] * 0.6,
                 linestyle=_dashes(admin.get("dash"), admin["weight"] * 0.6), zorder=3)
        land = base["land"]
        fill(gz.outline(), "outline", facecolor="none", edgecolor=land["stroke"], linewidth=land["weight"] * 0.6, zorder=3.5)

    if shown_events is not None and len(shown_events):
        types = shown_events["event_type"] if "event_type" in shown_events.columns else pd.Series([None] * len(shown_events))
        type_styles = event_type_styles(types)
        unknown = style["unknown_type_label"]
        keys = np.array([unknown if (v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "")
                         else str(v).strip() for v in types], dtype=object)
        ok = np.isfinite(lon) & np.isfinite(lat)
        for entry in type_styles:
            sel = ok & (keys == entry["label"])
            marker = MARKERS.get(entry["shape"], "o")
            ax.scatter(lon[sel], lat[sel], s=70, marker=marker, color=entry["color"], edgecolors="#1a1a1a",
                       linewidths=0.6, zorder=5, gid=f"events:{entry['label']}")
            handles.append(Line2D([], [], marker=marker, color=entry["color"], markeredgecolor="#1a1a1a",
                                  linestyle="", markersize=8, label=f"{entry['label']} ({int(sel.sum())})"))
        missing = int((~ok).sum())
        if missing:
            log.info("static map: %d event(s) without a point are not drawn", missing)

    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_aspect(1.0 / math.cos(math.radians((box[1] + box[3]) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#777777")

    if labels is not None:
        candidates = _place_labels(shown_events, lon, lat, gz, box, max_towns)
        n = _draw_labels(ax, candidates, labels, label_size)
        log.info("static map: %d of %d place label(s) drawn", n, len(candidates))
    if scale_bar:
        _scale_bar(ax, box)
    if north_arrow:
        _north_arrow(ax)
    if title:
        ax.set_title(str(title), fontsize=13, parse_math=False)
    if legend and handles:
        note = f"as of {day.date()}" if day is not None else _latest_note(shown_zones)
        heading = "Areas of control" + (f" ({note})" if note else "")
        options = dict(handles=handles, fontsize=8, frameon=False, title=heading, title_fontsize=9, alignment="left")
        if own_figure:  # beside the map, and the constrained layout makes room for it
            leg = fig.legend(loc="outside right upper", **options)
        else:
            leg = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), **options)
        for text in leg.get_texts():
            text.set_parse_math(False)
    text = credit if credit is not None else (gz.attribution if gz is not None else "")
    if text:
        fig.text(0.01, 0.005, str(text), fontsize=6.5, color="#444444", ha="left", va="bottom", wrap=True,
                 parse_math=False, gid="credit")
    return fig


def _latest_note(zones: Any) -> str:
    if zones is None or not len(zones) or "as_of" not in zones.columns:
        return ""
    stamp = pd.to_datetime(zones["as_of"], errors="coerce").max()
    return f"as of {stamp.date()}" if pd.notna(stamp) else ""


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


def _faction_order() -> dict[str, int]:
    from ..factions import all_factions

    return {f.key: i for i, f in enumerate(all_factions())}
