"""The HTTP routes: Nominatim's ``/search``, ``/reverse`` and ``/status``, and ``POST /geocode``.

:func:`create_app` builds a Starlette application over one
:class:`~conflictmap.service.lookup.LookupService` (loaded once, shared by all requests). Every
answer is JSON (or CSV from ``/geocode``, or Nominatim's plain ``OK`` from ``/status``); a bad
parameter is HTTP 400 with ``{"error": {"code", "message", "parameter", "value"}}``, an unknown
path 404, a request past its time limit 503, and an unexpected failure 500 with no traceback
(the traceback goes to the server log).

Examples
--------
>>> app = create_app()                       # doctest: +SKIP
>>> import uvicorn; uvicorn.run(app, host="127.0.0.1", port=8080)   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any, Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import __version__
from ..errors import InputError
from . import nominatim, table
from .limits import AccessLog, LaneFull, Limits, RequestTimeout, Stopping, WorkerPool, read_body
from .lookup import LookupService, SearchQuery
from .params import (ParamError, get_bool, get_choice, get_countrycodes, get_float, get_int, get_text,
                     get_viewbox, languages, parse_query_string, quote)

log = logging.getLogger(__name__)

__all__ = ["create_app", "HostCheck"]

STRUCTURED = ("amenity", "street", "city", "county", "state", "country", "postalcode")
#: Nominatim's featureType values and the gazetteer feature types they keep
FEATURE_TYPE_PARAM = {"state": ("admin1",), "city": ("settlement",),
                      "settlement": ("settlement", "admin1", "admin2", "admin3")}
_COMMON_HEADERS = {"x-content-type-options": "nosniff", "cache-control": "no-store"}
_CSV_TYPES = {"text/csv": ",", "application/csv": ",", "text/tab-separated-values": "\t"}


class _JSON(JSONResponse):
    """JSON with NaN as null and numpy numbers as numbers; never HTML."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_plain)
        except ValueError:  # a NaN somewhere
            text = json.dumps(_no_nan(content), ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                              default=_plain)
        return text.encode("utf-8")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalar
        return _no_nan(value.item())
    raise TypeError(f"not JSON: {type(value).__name__}")


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(v) for v in value]
    return value


def _json(content: Any, status: int = 200, headers: dict | None = None) -> Response:
    return _JSON(content, status_code=status, headers={**_COMMON_HEADERS, **(headers or {})})


def _error(status: int, message: str, **extra: Any) -> Response:
    return _json({"error": {"code": status, "message": quote(message, 300), **extra}}, status)


def _params(request: Request) -> dict[str, str]:
    return parse_query_string(request.scope.get("query_string", b""))


def _language(params: dict[str, str], request: Request) -> str:
    """'ar' when Arabic is preferred to English, else 'en' or the first language asked for."""
    wanted = languages(params.get("accept-language") or request.headers.get("accept-language", ""))
    for lang in wanted:
        if lang in ("ar", "en"):
            return lang
    return wanted[0] if wanted else "en"


class HostCheck:
    """ASGI middleware: refuse a ``Host`` header outside ``allowed`` (HTTP 400, JSON).

    A service on 127.0.0.1 is reachable from web pages through DNS rebinding (a hostile name
    that resolves to 127.0.0.1); such requests carry the hostile name in ``Host``.
    """

    def __init__(self, app: Any, allowed: Iterable[str]):
        self.app = app
        self.allowed = {h.lower().strip("[]") for h in allowed}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            name = _host_name(host)
            if name not in self.allowed:
                err = ParamError("host", host, "this service answers only to " + ", ".join(sorted(self.allowed)))
                await _json(err.as_json(), 400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _host_name(host: str) -> str:
    """The name part of a Host header (``[::1]:8080`` -> ``::1``, ``localhost:80`` -> ``localhost``).

    >>> _host_name("[::1]:8080"), _host_name("127.0.0.1:8080"), _host_name("LocalHost")
    ('::1', '127.0.0.1', 'localhost')
    """
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def create_app(service: LookupService | None = None, *, cors_origins: Iterable[str] = (),
               limits: Limits | None = None, allowed_hosts: Iterable[str] | None = None) -> Starlette:
    """The Starlette application.

    Parameters
    ----------
    service : LookupService, optional
        The shared look-up service (default: the bundled gazetteer, built now, once).
    cors_origins : origins allowed to call from a browser (none by default; ``"*"`` only if given).
    limits : Limits, optional
        Body, query, row, time and thread bounds.
    allowed_hosts : names the ``Host`` header may carry (None: any). The server passes the
        loopback names when it binds a loopback address.
    """
    service = service if service is not None else LookupService.create()
    limits = limits if limits is not None else Limits()
    pool = WorkerPool(limits.workers, name="look-up")
    # tables have their own lane: they never take the threads look-ups need
    tables = WorkerPool(limits.table_workers, queue=limits.table_queue, name="table")

    async def search(request: Request) -> Response:
        params = _params(request)
        fmt = get_choice(params, "format", nominatim.FORMATS, default="jsonv2")
        if params.get("json_callback"):
            raise ParamError("json_callback", params["json_callback"], "JSONP is not offered; read the JSON")
        text, admin1, admin2, country, area_types = _query_text(params, limits.max_query_chars)
        ftype = get_choice(params, "featuretype", ("country", *FEATURE_TYPE_PARAM), default="") or \
            get_choice(params, "featureType", ("country", *FEATURE_TYPE_PARAM), default="")
        query = SearchQuery(
            text=text, admin1=admin1, admin2=admin2, admin3=get_text(params, "admin3", max_chars=200) or None,
            limit=int(get_int(params, "limit", default=10, low=1, high=limits.max_limit)),
            viewbox=get_viewbox(params), bounded=get_bool(params, "bounded", default=False),
            countrycodes=get_countrycodes(params),
            feature_types=frozenset(FEATURE_TYPE_PARAM.get(ftype, area_types)),
            exclude=_exclude(params), polygon=get_bool(params, "polygon_geojson", default=False))
        places: list[nominatim.Place] = []
        if ftype != "country" and (country is None or _is_syria(country)):  # every place is in Syria
            places = await pool.run(service.search, query, seconds=limits.request_seconds)
        return _places_response(places, fmt, params, request, query_text=text, many=True)

    async def reverse(request: Request) -> Response:
        params = _params(request)
        fmt = get_choice(params, "format", nominatim.FORMATS, default="jsonv2")
        lat = get_float(params, "lat", low=-90.0, high=90.0, required=True)
        lon = get_float(params, "lon", low=-180.0, high=180.0, required=True)
        zoom = get_int(params, "zoom", default=18, low=0, high=18)
        polygon = get_bool(params, "polygon_geojson", default=False)
        place = await pool.run(service.reverse, lat, lon, zoom=zoom, polygon=polygon,
                                    seconds=limits.request_seconds)
        if place is None:
            return _json(nominatim.NOT_FOUND)
        return _places_response([place], fmt, params, request, query_text=f"{lat},{lon}", many=False,
                                address_default=True)

    def _places_response(places: list, fmt: str, params: dict, request: Request, *, query_text: str, many: bool,
                         address_default: bool = False) -> Response:
        lang = _language(params, request)
        address = get_bool(params, "addressdetails", default=address_default)
        extratags = get_bool(params, "extratags", default=False)
        namedetails = get_bool(params, "namedetails", default=False)
        if fmt in ("json", "jsonv2"):
            out = [nominatim.place_json(p, version=2 if fmt == "jsonv2" else 1, address=address, lang=lang,
                                        licence=service.licence, extratags=extratags, namedetails=namedetails)
                   for p in places]
            return _json(out if many else out[0])
        if fmt == "geojson":
            return _json(nominatim.feature_collection(places, address=address, lang=lang, licence=service.licence,
                                                      extratags=extratags, namedetails=namedetails))
        return _json(nominatim.geocodejson_collection(places, query=query_text, address=address, lang=lang,
                                                      licence=service.licence))

    async def status(request: Request) -> Response:
        params = _params(request)
        fmt = get_choice(params, "format", ("text", "json"), default="text")
        if fmt == "text":
            return PlainTextResponse("OK", headers=_COMMON_HEADERS)
        return _json(nominatim.status_json(data_updated=service.data_updated, software_version=__version__,
                                           database_version=f"conflictmap-gazetteer-{len(service.index.place_id)}"))

    async def geocode(request: Request) -> Response:
        params = _params(request)
        kind, sep = _body_kind(request.headers.get("content-type", ""))
        out_fmt = _table_format(params, request.headers.get("accept", ""), kind)
        candidates = table.candidates_param(params)
        body = await read_body(request, limits.max_body_bytes, limits.body_seconds)
        job = tables.job()

        def work() -> bytes:
            frame = (table.read_json_rows(body, max_rows=limits.max_rows) if kind == "json"
                     else table.read_csv_rows(body, sep=sep, max_rows=limits.max_rows))
            columns = table.pick_columns(frame, params)
            result = table.geocode_table(service.geocoder, frame, columns, candidates=candidates, job=job)
            if len(result) != len(frame):  # the contract of conflictmap.geocode; never expected
                raise RuntimeError(f"geocode returned {len(result)} rows for {len(frame)}")
            return table.to_json_bytes(result) if out_fmt == "json" else table.to_csv_bytes(result)

        data = await tables.run(work, seconds=limits.table_seconds, job=job)
        media = "application/json" if out_fmt == "json" else "text/csv; charset=utf-8"
        return Response(data, media_type=media, headers=_COMMON_HEADERS)

    async def index(request: Request) -> Response:
        return _json({"service": "conflictmap", "version": __version__, "api": "Nominatim-compatible",
                      "endpoints": ["/search", "/reverse", "/status", "POST /geocode"],
                      "licence": service.licence})

    async def on_param_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ParamError)
        return _json(exc.as_json(), exc.status)

    async def on_input_error(request: Request, exc: Exception) -> Response:
        return _error(400, str(exc))

    async def on_timeout(request: Request, exc: Exception) -> Response:
        return _error(503, str(exc), retry=True)

    async def on_busy(request: Request, exc: Exception) -> Response:
        response = _error(503, str(exc), retry=True)
        response.headers["retry-after"] = "5" if isinstance(exc, LaneFull) else "10"
        return response

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = {404: f"no such endpoint: {request.url.path}", 405: f"method {request.method} not allowed here"}
        response = _error(exc.status_code, message.get(exc.status_code, str(exc.detail)))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s", quote(request.url.path, 200), exc_info=exc)
        return _error(500, "internal error; the server log has the details")

    def guarded(endpoint):
        """Answer an unexpected failure with a JSON 500 here (logged once), keeping the connection."""
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except (ParamError, InputError, RequestTimeout, LaneFull, Stopping, HTTPException):
                raise
            except Exception as exc:  # noqa: BLE001 - the client gets no traceback, the log does
                return await on_crash(request, exc)
        return run

    routes = []
    for path, endpoint, methods in (("/search", search, ["GET"]), ("/reverse", reverse, ["GET"]),
                                    ("/status", status, ["GET"])):
        routes += [Route(path, guarded(endpoint), methods=methods),
                   Route(path + ".php", guarded(endpoint), methods=methods)]
    routes += [Route("/geocode", guarded(geocode), methods=["POST"]), Route("/", guarded(index), methods=["GET"])]
    middleware = [Middleware(AccessLog)]
    if allowed_hosts is not None:
        middleware.append(Middleware(HostCheck, allowed=allowed_hosts))
    origins = [o for o in cors_origins if o]
    if origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type", "Accept", "Accept-Language"], max_age=600))
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={
        ParamError: on_param_error, RequestTimeout: on_timeout, InputError: on_input_error,
        LaneFull: on_busy, Stopping: on_busy, HTTPException: on_http_error, Exception: on_crash})
    app.state.service = service
    app.state.limits = limits
    app.state.lanes = {"look-up": pool, "table": tables}

    def stop() -> None:
        """Cancel the work of every lane (the server calls this as it shuts down)."""
        pool.stop()
        tables.stop()

    app.state.stop = stop
    return app


def _query_text(params: dict[str, str], max_chars: int) -> tuple[str, str | None, str | None, str | None, tuple]:
    """(location text, admin1 hint, admin2 hint, country, feature types) from ``q`` or the
    structured fields.

    ``admin1`` and ``admin2`` (our extension) may go with ``q``; the structured ``state`` and
    ``county`` are the hints of a structured query.
    """
    q = get_text(params, "q", max_chars=max_chars)
    fields = {k: get_text(params, k, max_chars=max_chars) for k in STRUCTURED}
    admin1 = get_text(params, "admin1", max_chars=200) or None
    admin2 = get_text(params, "admin2", max_chars=200) or None
    given = [k for k, v in fields.items() if v]
    if q and given:
        raise ParamError(given[0], fields[given[0]], "give either q or the structured parameters, not both")
    if q:
        return q, admin1, admin2, None, ()
    country = fields["country"] or None
    text = fields["city"] or fields["amenity"] or fields["street"]
    if text:
        return text, fields["state"] or admin1, fields["county"] or admin2, country, ()
    if fields["county"]:  # a structured query for an area only: that kind of area
        return fields["county"], fields["state"] or None, None, country, ("admin2",)
    return fields["state"], None, None, country, ("admin1",) if fields["state"] else ()


def _is_syria(country: str) -> bool:
    return country.strip().casefold() in {"sy", "syr", "syria", "syrian arab republic", "سوريا", "سورية"}


def _exclude(params: dict[str, str]) -> frozenset[str]:
    value = get_text(params, "exclude_place_ids", max_chars=10_000)
    return frozenset(v.strip() for v in value.split(",") if v.strip())


def _body_kind(content_type: str) -> tuple[str, str]:
    """('json' | 'csv', separator) from the Content-Type; HTTP 415 for anything else."""
    media, _, rest = content_type.partition(";")
    media = media.strip().lower()
    charset = ""
    for part in rest.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset and charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise ParamError("content-type", content_type, "the body must be UTF-8", status=415)
    if media == "application/json":
        return "json", ""
    if media in _CSV_TYPES:
        return "csv", _CSV_TYPES[media]
    raise ParamError("content-type", content_type or "(none)",
                     "send application/json (a list) or text/csv (a table with a header line)", status=415)


def _table_format(params: dict[str, str], accept: str, kind: str) -> str:
    """The /geocode answer's format: ``format=json|csv``, else the Accept header, else the body's."""
    fmt = get_choice(params, "format", ("json", "csv"), default="")
    if fmt:
        return fmt
    accept = accept.lower()
    if "text/csv" in accept and "application/json" not in accept:
        return "csv"
    if "application/json" in accept and "text/csv" not in accept:
        return "json"
    return kind
