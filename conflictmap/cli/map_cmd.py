"""``conflictmap map``: draw events (and control zones) as one offline HTML map, or as a print map
(PNG, PDF or SVG, by the output's suffix)."""

from __future__ import annotations

import argparse
import logging
import math
import sys
from pathlib import Path

from ..errors import InputError

log = logging.getLogger(__name__)

_DESCRIPTION = """Draw events, and optionally control zones, as one self-contained HTML map that
opens in any browser with no network: offline basemap, incidents with clustering, popups and a
legend, control zones, heatmap, a time slider and a layer control.

EVENTS is an events file (.csv, .tsv, .xlsx, .geojson, .gpkg, .parquet) with latitude/longitude
or geometry; ZONES is a control-zone file (.geojson, .gpkg, .shp, .parquet).

An output ending in .png, .pdf or .svg gets a static print map instead (matplotlib, the 'plot'
extra): the same zones, incidents, governorates and place labels, with a legend, scale bar and
credit line.

Example: conflictmap map events.csv --zones zones.geojson --as-of 2020-07-01 -o map.html
Example: conflictmap map events.csv --zones zones.geojson --title "Idlib, June 2020" --extent 35.9,35.3,37.3,36.4 -o map.pdf
"""

#: output suffixes drawn by static_map (matplotlib) instead of the HTML map
STATIC_FORMATS = (".png", ".pdf", ".svg")
#: output suffixes of the web map
HTML_FORMATS = (".html", ".htm")
#: resolutions a print map may ask for (dots per inch)
DPI_RANGE = (10, 1200)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("map", help="draw events and zones as an offline HTML map",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", help="events file")
    parser.add_argument("--zones", help="control-zones file")
    parser.add_argument("--as-of", help="date the map opens at (YYYY-MM-DD): zone snapshot and events up to it")
    parser.add_argument("-o", "--output", required=True, help="file to write: .html, or .png / .pdf / .svg for print")
    parser.add_argument("--title", help="title shown on the map")
    parser.add_argument("--tiles", help="also add an online tile layer (e.g. OpenStreetMap); needs network to show")
    parser.add_argument("--window-days", type=int, help="offer and select a 'last N days' slider window")
    parser.add_argument("--no-basemap", action="store_true", help="leave out the offline basemap")
    parser.add_argument("--no-heatmap", action="store_true", help="leave out the heatmap layer")
    parser.add_argument("--no-slider", action="store_true", help="leave out the time slider")
    parser.add_argument("--no-cluster", action="store_true", help="draw every event, no clusters")
    parser.add_argument("--online-assets", action="store_true",
                        help="link scripts and styles from CDNs instead of inlining them (smaller file, needs network)")
    static = parser.add_argument_group("print maps (.png, .pdf, .svg)")
    static.add_argument("--labels", choices=("en", "ar", "both", "none"), default="en",
                        help="place labels: English, Arabic, both, or none (default: en)")
    static.add_argument("--extent", help="area to draw: min lon,min lat,max lon,max lat (default: Syria)")
    static.add_argument("--dpi", type=int, default=200, help="resolution of a .png (default: 200)")
    parser.set_defaults(func=run)


def _extent(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        values = tuple(float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InputError("--extent needs four numbers: min lon,min lat,max lon,max lat", column="extent", value=text)
    west, south, east, north = values
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InputError("--extent must be min lon,min lat,max lon,max lat in degrees, each min below its max",
                         column="extent", value=text)
    return values


def check_args(args: argparse.Namespace) -> Path:
    """Refuse bad option values before any file is read; returns the output path."""
    from ._tables import check_date, check_not_input

    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix not in HTML_FORMATS + STATIC_FORMATS:
        raise InputError(f"the map is written as {', '.join(HTML_FORMATS + STATIC_FORMATS)}; "
                         f"give the output one of these suffixes", value=str(output))
    check_not_input(output, args.events, args.zones)
    args.as_of = check_date(args.as_of, "--as-of")
    low, high = DPI_RANGE
    if not low <= args.dpi <= high:
        raise InputError(f"--dpi must be between {low} and {high}", value=args.dpi)
    if args.window_days is not None and args.window_days < 1:
        raise InputError("--window-days must be 1 or more", value=args.window_days)
    _extent(args.extent)
    return output


def run(args: argparse.Namespace) -> int:
    from ..events.io import read_events

    output = check_args(args)
    static = output.suffix.lower() in STATIC_FORMATS
    events = read_events(args.events, errors="mark")
    zones = None
    if args.zones:
        from ..zones.io import read_zones

        zones = read_zones(args.zones)
    if static:
        return _run_static(args, output, events, zones)
    from ..export import save_html
    from ..maps.conflict_map import conflict_map

    m = conflict_map(events, zones, as_of=args.as_of, title=args.title, tiles=args.tiles,
                     basemap=not args.no_basemap, heatmap=not args.no_heatmap, slider=not args.no_slider,
                     window_days=args.window_days, cluster=not args.no_cluster)
    path = save_html(m, args.output, self_contained=not args.online_assets)
    located = int(events.geometry.notna().sum()) if "geometry" in events.columns else len(events)
    zone_text = f", {len(zones)} zone(s)" if zones is not None else ""
    sys.stderr.write(f"wrote {path}: {len(events)} event(s), {located} on the map{zone_text}\n")
    return 0


def _run_static(args: argparse.Namespace, output: Path, events, zones) -> int:
    from .._atomic import atomic_path
    from ..errors import ExportError
    from ..maps.static import static_map

    fig = static_map(events, zones, as_of=args.as_of, title=args.title, extent=_extent(args.extent),
                     labels=None if args.labels == "none" else args.labels)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(output) as tmp:
            fig.savefig(tmp, format=output.suffix.lower().lstrip("."), dpi=args.dpi)
    except OSError as exc:
        raise ExportError(f"cannot write {output}: {exc}") from exc
    located = int(events.geometry.notna().sum()) if "geometry" in events.columns else len(events)
    zone_text = f", {len(zones)} zone(s)" if zones is not None else ""
    sys.stderr.write(f"wrote {output}: {len(events)} event(s), {located} on the map{zone_text}\n")
    return 0
