"""``conflictmap serve``: the geocoder as a local HTTP service that speaks Nominatim's API."""

from __future__ import annotations

import argparse
import logging
import sys

from ..errors import InputError

log = logging.getLogger(__name__)

_DESCRIPTION = """Serve the offline geocoder over HTTP with Nominatim's API, so geopy's Nominatim,
QGIS's Nominatim geocoder and any Nominatim client can use it with no network.

Endpoints: /search (q or street/city/county/state/country, format=jsonv2|json|geojson|geocodejson,
limit, countrycodes, viewbox, bounded, addressdetails, accept-language; admin1/admin2 hints),
/reverse (lat, lon, zoom, format), /status (format=text|json) and POST /geocode (a JSON list of
names or objects, or a CSV with a header line; answers with the columns of 'conflictmap geocode',
every row in order). Results carry Nominatim's fields plus match_status, match_method,
match_score, geo_precision and match_candidates.

The gazetteer and name index are loaded once at start. The service binds 127.0.0.1 (this
machine only) unless --host says otherwise, and allows no cross-origin browser calls unless
--cors names an origin. One log line per request goes to stderr (--quiet turns them off).
Needs the 'serve' extra: pip install 'conflictmap[serve]'.

Example: conflictmap serve --port 8080   # then Nominatim(domain="127.0.0.1:8080", scheme="http")
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run a local Nominatim-compatible geocoding service",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: 127.0.0.1, this machine only; 0.0.0.0 exposes it)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    parser.add_argument("--user-places", metavar="FILE", help="CSV of your own places and aliases")
    parser.add_argument("--corrections", metavar="FILE", help="CSV of analyst corrections: name,place_id[,admin1]")
    parser.add_argument("--cors", metavar="ORIGIN", action="append", default=[],
                        help="allow browser pages from ORIGIN (e.g. http://localhost:3000) to call the service; "
                             "repeat for several; none by default")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="time limit of one search or reverse request (default: 10)")
    parser.add_argument("--max-body-mb", type=float, default=5.0, metavar="MB",
                        help="largest POST /geocode body (default: 5)")
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .._optional import import_optional

    if not args.host.strip():  # an unset shell variable: uvicorn would bind every interface
        raise InputError("--host is empty; give an address such as 127.0.0.1 (0.0.0.0 exposes the service)",
                         value=args.host)

    for package in ("starlette", "uvicorn"):
        import_optional(package, extra="serve", purpose="conflictmap serve")
    from ..service.limits import Limits
    from ..service.lookup import LookupService
    from ..service.server import serve

    if not 0 <= args.port <= 65535:
        raise InputError("--port must be between 0 and 65535", value=args.port)
    if not args.timeout > 0:
        raise InputError("--timeout must be more than 0 seconds", value=args.timeout)
    if not args.max_body_mb > 0:
        raise InputError("--max-body-mb must be more than 0", value=args.max_body_mb)
    if not args.quiet:
        logging.getLogger("conflictmap.service.access").setLevel(logging.INFO)
    limits = Limits(request_seconds=args.timeout, max_body_bytes=int(args.max_body_mb * 1024 * 1024))
    service = LookupService.create(user_places=args.user_places, corrections=args.corrections)
    sys.stderr.write(f"conflictmap serve: http://{args.host}:{args.port} (Ctrl+C stops it)\n")
    serve(service, host=args.host, port=args.port, cors_origins=args.cors, limits=limits)
    return 0
