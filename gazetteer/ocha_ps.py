"""Read and check OCHA COD-PS: Syria's communities (admin level 4, C-codes) and city neighbourhoods.

Each source row is checked before it reaches the gazetteer. A bad row is never dropped silently:
it is either *refused* (left out, with the reason) or *repaired* (kept, with what was changed), and
every such decision is returned as an :class:`Issue` that the build logs and writes to the review
table.

Checks on communities (``syr_pplp_adm4_communities.json``):

- a P-code that is not ``C`` + digits, or a row without any name: refused;
- a P-code seen before: the repeated row is dropped when it is identical, refused otherwise (the
  first record is kept either way);
- coordinates that are not numbers: refused; a point farther than ``BORDER_KM`` outside Syria is
  moved just inside the sub-district it claims when that lies within ``FAR_KM`` (repaired), else it
  is not trusted (``far``, below), or refused when the row names no OCHA sub-district either;
- a sub-district P-code that names no OCHA sub-district: repaired (admin codes taken from the point);
- a point outside the sub-district it claims: within ``FAR_KM`` it is repaired (admin codes taken from
  the point, the claim kept in the note); farther, the point is not trusted (``far``): the community may
  still be linked to a same-named place inside the claimed sub-district, and is refused otherwise.

Checks on neighbourhoods (``syr_city_neighbourhoods.geojson``): a malformed or repeated N-code, no
name, an empty polygon or one outside Syria is refused; a parent C-code that is not a community is
repaired (the parent is taken from the polygon's centre).

Examples
--------
>>> import shapely
>>> square = shapely.box(36.0, 35.0, 37.0, 36.0)
>>> rows = [{"pcode": "C9001", "name_en": "A", "name_ar": "", "lng": 36.5, "lat": 35.5,
...          "admin3_pcode": "SY000000"},
...         {"pcode": "C9001", "name_en": "B", "name_ar": "", "lng": 36.6, "lat": 35.5,
...          "admin3_pcode": "SY000000"}]
>>> com, issues = check_communities(rows, square, {"SY000000": square})
>>> list(com.pcode), [(i.pcode, i.action) for i in issues]
(['C9001'], [('C9001', 'refused')])
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from conflictmap.normalize import is_arabic, normalize_name

log = logging.getLogger("gazetteer.ocha_ps")

COMMUNITIES = "data/ocha-cod-ps-syr-communities/syr_pplp_adm4_communities.json"
NEIGHBOURHOODS = "data/ocha-cod-ps-syr-communities/syr_city_neighbourhoods.geojson"
BORDER_KM = 3.0  # a point this close outside the outline is source precision, not a wrong row
FAR_KM = 5.0  # a point farther than this outside its claimed sub-district is not trusted
SNAP_INSIDE_KM = 0.2  # a point just over the border is moved this far inside the sub-district it claims
KM_PER_DEG = 111.32
_CCODE = re.compile(r"^C\d{4,6}$")
_NCODE = re.compile(r"^N\d{4}$")


@dataclass(frozen=True)
class Issue:
    """A source row the build refused or repaired.

    Attributes
    ----------
    pcode : str
        The row's P-code (C- or N-code), or its position when it has none.
    name : str
        The row's English (or Arabic) name.
    action : str
        ``refused`` (left out) or ``repaired`` (kept, changed as ``reason`` says).
    reason : str
        What is wrong and what was done.
    """

    pcode: str
    name: str
    action: str
    reason: str


_NULLS = frozenset({"<null>", "null", "none", "nan"})

# an OCHA community that stands for two villages writes both names in one field: "Sayah - Sayah
# Thahriyeh", "Khureibah/Qurbe", "Mansura - Tadaf", "Big Jaddaa (Al-Karameh)", "الصياح_صياح ظاهرية"
_PART_SPLIT = re.compile(r"\s+-\s+|\s*[_/\\]\s*|(?<=[\u0600-\u06ff])-\s*|\s*\(\s*|\s*\)\s*")


def name_parts(name: str, skip_keys: frozenset[str] = frozenset(), key=None) -> list[str]:
    """The village names a composite OCHA community name is made of (none when it is one name).

    A part whose key (``key(part)``) is in ``skip_keys`` is left out: OCHA often adds the town a
    community lies by ("Hjeileh - Elbab", "Mseibin(Al-Bab)"), and that town's name must not
    become an alias of the village.

    Examples
    --------
    >>> name_parts("Sayah - Sayah Thahriyeh")
    ['Sayah', 'Sayah Thahriyeh']
    >>> name_parts("Khureibah/Qurbe"), name_parts("Big Jaddaa (Al-Karameh)")
    (['Khureibah', 'Qurbe'], ['Big Jaddaa', 'Al-Karameh'])
    >>> name_parts("Hjeileh - Elbab", frozenset({"bab"}), key=lambda n: n.lower().removeprefix("el"))
    ['Hjeileh']
    >>> name_parts("Kafr Nabl"), name_parts("Tal Elsus")
    ([], [])
    """
    text = normalize_name(name)
    parts = [p.strip(" -") for p in _PART_SPLIT.split(text)]
    parts = [p for p in parts if len(p) >= 2]
    if len(parts) < 2:
        return []
    return [p for p in dict.fromkeys(parts) if not (key and key(p) in skip_keys)]



def _text(value: Any) -> str:
    """A source text cell, with the shapefile conversion's ``<Null>`` (and None/NaN) read as empty.

    >>> _text("<Null>"), _text(None), _text(" Midan ")
    ('', '', 'Midan')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = normalize_name(value)
    return "" if text.lower() in _NULLS else text


def _km(deg: float) -> float:
    return float(deg) * KM_PER_DEG


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def read_communities(shared: Path) -> list[dict[str, Any]]:
    """The raw community rows of the shared OCHA COD-PS copy (a JSON list of objects)."""
    return json.loads((shared / COMMUNITIES).read_text(encoding="utf-8"))


def check_communities(rows: Iterable[Mapping[str, Any]], outline, admin3: Mapping[str, Any]
                      ) -> tuple[pd.DataFrame, list[Issue]]:
    """Validate community rows; return the kept ones and the issues.

    Parameters
    ----------
    rows : iterable of mapping
        Source rows with ``pcode, name_en, name_ar, lng, lat, admin3_pcode``.
    outline : shapely geometry
        Syria's outline.
    admin3 : mapping
        Sub-district P-code -> polygon.

    Returns
    -------
    (DataFrame, list of Issue)
        Columns ``pcode, name_en, name_ar, longitude, latitude, claimed_admin3, far, issue`` (one row
        per kept community, sorted by P-code; ``issue`` says what was repaired, ``far`` marks a point
        not trusted) and the refused/repaired rows.
    """
    issues: list[Issue] = []
    kept: dict[str, dict[str, Any]] = {}
    for pos, raw in enumerate(rows, start=1):
        pcode = _text(raw.get("pcode", ""))
        name_en = _text(raw.get("name_en", ""))
        name_ar = _text(raw.get("name_ar", ""))
        label = name_en or name_ar
        if not _CCODE.match(pcode):
            issues.append(Issue(pcode or f"row {pos}", label, "refused", f"malformed community P-code {pcode!r}"))
            continue
        if not name_en and not name_ar:
            issues.append(Issue(pcode, "", "refused", "community without a name"))
            continue
        if name_ar and not is_arabic(name_ar):
            name_en, name_ar = name_en or name_ar, ""
            issues.append(Issue(pcode, label, "repaired", "Arabic name is not in Arabic script; kept as a Latin name"))
        lon, lat = _num(raw.get("lng")), _num(raw.get("lat"))
        record = {"pcode": pcode, "name_en": name_en, "name_ar": name_ar, "longitude": lon, "latitude": lat,
                  "claimed_admin3": normalize_name(raw.get("admin3_pcode", "")), "far": False, "issue": ""}
        if pcode in kept:
            first = kept[pcode]
            same = all(first[k] == record[k] for k in ("name_en", "name_ar", "claimed_admin3")) and all(
                first[k] == record[k] or (math.isnan(first[k]) and math.isnan(record[k]))
                for k in ("longitude", "latitude"))
            issues.append(Issue(pcode, label, "refused",
                                "repeated row (identical to the first one) dropped" if same else
                                f"duplicate P-code: the first record ({first['name_en'] or first['name_ar']}) is kept"))
            continue
        if math.isnan(lon) or math.isnan(lat):
            issues.append(Issue(pcode, label, "refused", f"coordinates are not numbers: {raw.get('lng')!r}, {raw.get('lat')!r}"))
            continue
        point = shapely.Point(lon, lat)
        off_km = _km(outline.distance(point))
        claimed = admin3.get(record["claimed_admin3"])
        if off_km > BORDER_KM:
            if claimed is None:
                issues.append(Issue(pcode, label, "refused", f"point {lon:.5f},{lat:.5f} lies {off_km:.0f} km "
                                    "outside Syria and the row names no OCHA sub-district"))
                continue
            to_claimed = _km(claimed.distance(point))
            if to_claimed <= FAR_KM:  # just over the border: put it just inside the sub-district listed
                inner = claimed.buffer(-SNAP_INSIDE_KM / KM_PER_DEG)
                snapped = shapely.ops.nearest_points(inner if not inner.is_empty else claimed, point)[0]
                record["longitude"], record["latitude"] = round(snapped.x, 6), round(snapped.y, 6)
                record["issue"] = (f"point {lon:.5f},{lat:.5f} lies {off_km:.1f} km outside Syria; moved to "
                                   f"{snapped.x:.5f},{snapped.y:.5f}, just inside sub-district "
                                   f"{record['claimed_admin3']} that OCHA lists")
            else:
                record["far"] = True
                record["issue"] = (f"point {lon:.5f},{lat:.5f} lies {off_km:.1f} km outside Syria "
                                   f"(sub-district {record['claimed_admin3']} listed)")
        elif claimed is None:
            record["issue"] = (f"sub-district {record['claimed_admin3']!r} is not an OCHA sub-district; "
                               "admin codes taken from the point")
        else:
            out_km = _km(claimed.distance(point))
            if out_km > FAR_KM:
                record["far"] = True
                record["issue"] = (f"point {lon:.5f},{lat:.5f} lies {out_km:.1f} km outside sub-district "
                                   f"{record['claimed_admin3']} that OCHA lists")
            elif out_km > 0:
                record["issue"] = (f"point lies {out_km:.1f} km outside sub-district {record['claimed_admin3']} "
                                   "that OCHA lists; admin codes taken from the point")
        if record["issue"] and not record["far"]:
            issues.append(Issue(pcode, label, "repaired", record["issue"]))
        kept[pcode] = record
    frame = pd.DataFrame(list(kept.values()),
                         columns=["pcode", "name_en", "name_ar", "longitude", "latitude", "claimed_admin3",
                                  "far", "issue"])
    frame = frame.sort_values("pcode", key=_code_order, kind="stable").reset_index(drop=True)
    return frame, issues


def _code_order(codes: pd.Series) -> pd.Series:
    return codes.str[1:].astype(int)


def read_neighbourhoods(shared: Path) -> gpd.GeoDataFrame:
    """The raw neighbourhood polygons of the shared OCHA copy."""
    return gpd.read_file(shared / NEIGHBOURHOODS)


def check_neighbourhoods(raw: gpd.GeoDataFrame, outline, communities: set[str], *, simplify_deg: float = 0.0001
                         ) -> tuple[gpd.GeoDataFrame, list[Issue]]:
    """Validate neighbourhood polygons; return the kept ones and the issues.

    Returns
    -------
    (GeoDataFrame, list of Issue)
        Columns ``pcode, name_en, name_ar, alt_names, sector, sector_ar, sector_pcode, parent_pcode,
        longitude, latitude, issue, geometry`` sorted by N-code; polygons made valid and simplified.
    """
    issues: list[Issue] = []
    rows: dict[str, dict[str, Any]] = {}
    for pos, rec in enumerate(raw.itertuples(index=False), start=1):
        pcode = _text(getattr(rec, "PCODE", ""))
        name_en = _text(getattr(rec, "NAME_EN", ""))
        name_ar = _text(getattr(rec, "NAME_AR", ""))
        label = name_en or name_ar
        geom = rec.geometry
        if not _NCODE.match(pcode):
            issues.append(Issue(pcode or f"row {pos}", label, "refused", f"malformed neighbourhood P-code {pcode!r}"))
            continue
        if pcode in rows:
            issues.append(Issue(pcode, label, "refused", "duplicate P-code: the first record is kept"))
            continue
        if not label:
            issues.append(Issue(pcode, "", "refused", "neighbourhood without a name"))
            continue
        if geom is None or geom.is_empty:
            issues.append(Issue(pcode, label, "refused", "neighbourhood without a polygon"))
            continue
        geom = shapely.make_valid(geom)
        if not outline.buffer(BORDER_KM / KM_PER_DEG).contains(geom.representative_point()):
            issues.append(Issue(pcode, label, "refused", "polygon lies outside Syria"))
            continue
        alts = [_text(getattr(rec, c, "")) for c in ("NAM_EN_REF", "NAM_AR_REF")]
        parent = _text(getattr(rec, "ADM4_PCODE", ""))
        issue = ""
        if parent not in communities:
            issue = f"parent community {parent!r} is not an OCHA community; parent taken from the polygon"
            issues.append(Issue(pcode, label, "repaired", issue))
            parent = ""
        lon, lat = _num(getattr(rec, "LONGITUDE", None)), _num(getattr(rec, "LATITUDE", None))
        if math.isnan(lon) or math.isnan(lat) or not geom.contains(shapely.Point(lon, lat)):
            centre = geom.representative_point()
            lon, lat = centre.x, centre.y
        rows[pcode] = {
            "pcode": pcode, "name_en": name_en or name_ar, "name_ar": name_ar if is_arabic(name_ar) else "",
            "alt_names": "|".join(a for a in dict.fromkeys(alts) if a and a not in (name_en, name_ar)),
            "sector": _text(getattr(rec, "AREA_EN", "")),
            "sector_ar": _text(getattr(rec, "AREA_AR", "")),
            "sector_pcode": _text(getattr(rec, "AREA_PCODE", "")),
            "parent_pcode": parent, "longitude": round(lon, 6), "latitude": round(lat, 6), "issue": issue,
            "geometry": geom,
        }
    frame = pd.DataFrame(list(rows.values()),
                         columns=["pcode", "name_en", "name_ar", "alt_names", "sector", "sector_ar",
                                  "sector_pcode", "parent_pcode", "longitude", "latitude", "issue", "geometry"])
    frame = frame.sort_values("pcode", kind="stable").reset_index(drop=True)
    geoms = np.array(list(frame.geometry), dtype=object)
    if len(geoms):
        geoms = shapely.make_valid(shapely.simplify(geoms, simplify_deg, preserve_topology=True))
    gdf = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))
    return gdf, issues


def log_issues(issues: Iterable[Issue], kind: str) -> None:
    """Log every refused or repaired row (one warning each)."""
    for issue in issues:
        log.warning("OCHA %s %s (%s) %s: %s", kind, issue.pcode, issue.name, issue.action, issue.reason)
