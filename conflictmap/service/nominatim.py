"""Writing places in Nominatim's output formats (json, jsonv2, geojson, geocodejson) and status.

Field names follow Nominatim's "Place Output" documentation so that existing clients (geopy's
``Nominatim``, QGIS's Nominatim locator, leaflet-control-geocoder ...) read our answers:
``lat``/``lon`` and ``boundingbox`` as strings, ``boundingbox`` in the order min lat, max lat,
min lon, max lon, ``display_name``, ``class``/``category``, ``type``, ``addresstype``,
``place_rank``, ``importance``, ``address`` with ``state``/``county``. There is no OSM object
behind a gazetteer place, so ``osm_type``/``osm_id`` are left out and ``place_id`` is our own
stable id (``gn:168572``). What the geocoder knows beyond Nominatim comes under clear names:
``match_status``, ``match_method``, ``match_score``, ``match_confidence``, ``match_reason``, ``geo_precision``,
``match_candidates``, ``feature_type``, the admin P-codes and, for reverse, ``distance_km``.

Examples
--------
>>> p = Place(place_id="gn:168572", name="Kansafrah", name_ar="كنصفرة", feature_type="settlement",
...           lon=36.4855, lat=35.6594, bbox=(36.47, 35.65, 36.50, 35.67), admin1="Idleb",
...           osm_class="place", osm_type="village", addresstype="village", place_rank=19)
>>> out = place_json(p, version=2, address=True, lang="en", licence="(c)")
>>> out["lat"], out["boundingbox"], out["category"], out["address"]["state"]
('35.6594000', ['35.6500000', '35.6700000', '36.4700000', '36.5000000'], 'place', 'Idleb')
>>> place_json(p, version=2, address=False, lang="ar", licence="(c)")["display_name"]
'كنصفرة, Idleb, سوريا'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._data import data_rows

__all__ = ["Place", "place_json", "feature_collection", "geocodejson_collection", "country_name", "display_name",
           "address_details", "NOT_FOUND", "status_json", "FORMATS"]

#: output formats of /search and /reverse (Nominatim's html and xml are not offered)
FORMATS = ("jsonv2", "json", "geojson", "geocodejson")
#: Nominatim's answer to a reverse query that finds nothing
NOT_FOUND = {"error": "Unable to geocode"}


@dataclass(frozen=True)
class Place:
    """One result: a gazetteer place with the match that found it, ready to be written out."""

    place_id: str
    name: str
    feature_type: str
    lon: float
    lat: float
    bbox: tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)
    osm_class: str
    osm_type: str
    addresstype: str
    place_rank: int
    name_ar: str = ""
    admin1: str = ""
    admin1_ar: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_ar: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_ar: str = ""
    admin3_pcode: str = ""
    population: int | None = None
    importance: float = 0.0
    match_status: str = "matched"
    match_method: str = ""
    match_score: float | None = None
    match_confidence: float | None = None
    match_reason: str = ""
    geo_precision: int | None = None
    candidates: tuple[dict, ...] = ()
    distance_km: float | None = None
    geometry: dict | None = field(default=None, repr=False)  # GeoJSON geometry when polygon_geojson=1

    def local_name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" and self.name_ar else self.name

    def admin_names(self, lang: str) -> tuple[str, str, str]:
        """(admin1, admin2, admin3) in ``lang`` where known (Arabic falls back to Latin)."""
        if lang == "ar":
            return (self.admin1_ar or self.admin1, self.admin2_ar or self.admin2, self.admin3_ar or self.admin3)
        return (self.admin1, self.admin2, self.admin3)


def _coord(value: float) -> str:
    return f"{value:.7f}"


def country_name(lang: str) -> str:
    """The country's name in ``lang`` (English when unknown).

    >>> country_name("ar"), country_name("xx")
    ('سوريا', 'Syria')
    """
    names = _countries()
    return names.get(lang, next(iter(names.values())))


def _countries() -> dict[str, str]:
    global _COUNTRIES
    if _COUNTRIES is None:
        _COUNTRIES = {r["lang"]: r["country"] for r in data_rows("nominatim_country.csv")}
    return _COUNTRIES


_COUNTRIES: dict[str, str] | None = None


def display_name(place: Place, lang: str) -> str:
    """Name, district, governorate, country: the order ``conflictmap.Geocoder`` gives ``address``."""
    a1, a2, _ = place.admin_names(lang)
    parts = [place.local_name(lang), a2, a1, country_name(lang)]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def address_details(place: Place, lang: str) -> dict[str, str]:
    """Nominatim's ``address`` breakdown (``addressdetails=1``)."""
    a1, a2, a3 = place.admin_names(lang)
    out: dict[str, str] = {place.addresstype: place.local_name(lang)}
    for key, value in (("municipality", a3), ("county", a2), ("state", a1)):
        if value and key not in out:
            out[key] = value
    out["country"] = country_name(lang)
    out["country_code"] = "sy"
    return out


def _ours(place: Place) -> dict[str, Any]:
    out: dict[str, Any] = {
        "match_status": place.match_status, "match_method": place.match_method,
        "match_score": place.match_score, "match_confidence": place.match_confidence,
        "match_reason": place.match_reason,
        "geo_precision": place.geo_precision, "feature_type": place.feature_type,
        "name_ar": place.name_ar, "admin1_pcode": place.admin1_pcode, "admin2_pcode": place.admin2_pcode,
        "admin3_pcode": place.admin3_pcode, "match_candidates": list(place.candidates),
    }
    if place.distance_km is not None:
        out["distance_km"] = place.distance_km
    return out


def _extratags(place: Place) -> dict[str, str]:
    return {"population": str(place.population)} if place.population else {}


def _namedetails(place: Place) -> dict[str, str]:
    out = {"name": place.name}
    if place.name_ar:
        out["name:ar"] = place.name_ar
    return out


def place_json(place: Place, *, version: int, address: bool, lang: str, licence: str,
               extratags: bool = False, namedetails: bool = False) -> dict[str, Any]:
    """One place as Nominatim's ``json`` (``version=1``) or ``jsonv2`` (``version=2``) object."""
    x0, y0, x1, y1 = place.bbox
    out: dict[str, Any] = {
        "place_id": place.place_id,
        "licence": licence,
        "lat": _coord(place.lat),
        "lon": _coord(place.lon),
        ("category" if version == 2 else "class"): place.osm_class,
        "type": place.osm_type,
        "place_rank": place.place_rank,
        "importance": place.importance,
        "addresstype": place.addresstype,
        "name": place.local_name(lang),
        "display_name": display_name(place, lang),
        "boundingbox": [_coord(y0), _coord(y1), _coord(x0), _coord(x1)],
    }
    if place.geometry is not None:
        out["geojson"] = place.geometry
    out.update(_details(place, lang, address=address, extratags=extratags, namedetails=namedetails))
    return out


def _details(place: Place, lang: str, *, address: bool, extratags: bool, namedetails: bool) -> dict[str, Any]:
    """The optional blocks (``address``, ``extratags``, ``namedetails``) and our own fields."""
    out: dict[str, Any] = {}
    if address:
        out["address"] = address_details(place, lang)
    if extratags:
        out["extratags"] = _extratags(place)
    if namedetails:
        out["namedetails"] = _namedetails(place)
    out.update(_ours(place))
    return out


def _point(place: Place) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [place.lon, place.lat]}


def feature_collection(places: list[Place], *, address: bool, lang: str, licence: str,
                       extratags: bool = False, namedetails: bool = False) -> dict[str, Any]:
    """Nominatim's ``geojson`` output: a FeatureCollection with a ``bbox`` on every feature."""
    features = []
    for p in places:
        props: dict[str, Any] = {
            "place_id": p.place_id, "place_rank": p.place_rank, "category": p.osm_class, "type": p.osm_type,
            "importance": p.importance, "addresstype": p.addresstype, "name": p.local_name(lang),
            "display_name": display_name(p, lang),
        }
        props.update(_details(p, lang, address=address, extratags=extratags, namedetails=namedetails))
        features.append({"type": "Feature", "properties": props, "bbox": list(p.bbox),
                         "geometry": p.geometry if p.geometry is not None else _point(p)})
    return {"type": "FeatureCollection", "licence": licence, "features": features}


def geocodejson_collection(places: list[Place], *, query: str, address: bool, lang: str,
                           licence: str) -> dict[str, Any]:
    """The GeocodeJSON 0.1.0 output (``format=geocodejson``)."""
    features = []
    for p in places:
        a1, a2, a3 = p.admin_names(lang)
        geo: dict[str, Any] = {"place_id": p.place_id, "type": p.osm_type, "label": display_name(p, lang),
                               "name": p.local_name(lang), "country": country_name(lang), "country_code": "sy"}
        if p.osm_class == "place" and p.osm_type in ("city", "town", "village"):
            geo["city"] = p.local_name(lang)
        for key, value in (("county", a2), ("state", a1)):
            if value:
                geo[key] = value
        if address:
            geo["admin"] = {k: v for k, v in (("level4", a1), ("level6", a2), ("level8", a3)) if v}
        geo.update(_ours(p))
        features.append({"type": "Feature", "properties": {"geocoding": geo},
                         "geometry": p.geometry if p.geometry is not None else _point(p)})
    return {"type": "FeatureCollection",
            "geocoding": {"version": "0.1.0", "attribution": licence, "licence": licence, "query": query},
            "features": features}


def status_json(*, data_updated: str, software_version: str, database_version: str) -> dict[str, Any]:
    """``/status?format=json``: status 0 and message OK, as Nominatim answers a healthy server."""
    return {"status": 0, "message": "OK", "data_updated": data_updated, "software_version": software_version,
            "database_version": database_version}
