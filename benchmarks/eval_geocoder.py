"""Accuracy of the geocoder on the evaluation sets in ../shared/eval (not shipped).

Prints, for the Airwars development set (with the governorate hint, without it, and on the
Arabic column) and for the seed places: share of rows within 5 km of the published point,
share matched but more than 5 km off, ambiguous and unresolved shares, and the baselines an
analyst would otherwise use (exact GeoNames lookup, plain fuzzy match) measured in the same run.

It also checks the evaluation data itself: rows whose published point lies far outside the
governorate they name (the hint then points the wrong way), and rows with no gazetteer place
near the point whose name resembles theirs (the ceiling of any name matching on this
gazetteer); and it reports the run on the rows whose labels are consistent.

Usage::

    python benchmarks/eval_geocoder.py [--shared ../shared] [--show-errors 20]
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from conflictmap import Geocoder, get_gazetteer
from conflictmap.matching import haversine_km

log = logging.getLogger("eval")


def evaluate(g: Geocoder, df: pd.DataFrame, name_col: str, hint_col: str | None):
    rows = []
    for rec in df.itertuples(index=False):
        hint = getattr(rec, hint_col) if hint_col else None
        m = g.resolve(getattr(rec, name_col), admin1=hint)
        d = np.inf
        if m.longitude is not None:
            d = float(haversine_km(rec.longitude, rec.latitude, m.longitude, m.latitude))
        rows.append((m.status, d, m.name, m.admin1, m.method, m.score, m.reason))
    out = pd.DataFrame(rows, columns=["status", "km", "got", "got_admin1", "method", "score", "reason"], index=df.index)
    return pd.concat([df, out], axis=1)


def summary(res: pd.DataFrame, tol_km: float = 5.0) -> dict[str, float]:
    n = len(res)
    matched = res.status == "matched"
    close = res.km <= tol_km
    return {
        "rows": n,
        "matched within 5 km": round(100 * (matched & close).sum() / n, 1),
        "matched or best guess within 5 km": round(100 * close.sum() / n, 1),
        "matched but > 5 km off": round(100 * (matched & ~close).sum() / n, 1),
        "ambiguous": round(100 * (res.status == "ambiguous").sum() / n, 1),
        "unresolved": round(100 * (res.status == "unresolved").sum() / n, 1),
    }


def baselines(df: pd.DataFrame, name_col: str) -> dict[str, dict[str, float]]:
    """Exact lookup on GeoNames names and a plain fuzzy match, the analyst's alternatives."""
    gz = get_gazetteer()
    sett = gz.places[gz.places.feature_type == "settlement"]
    names = gz.names.merge(sett[["place_id", "longitude", "latitude"]], on="place_id")
    exact = names.assign(k=names.name.str.casefold()).drop_duplicates("k").set_index("k")
    choices = names.name.tolist()
    res_exact, res_fuzzy = [], []
    for rec in df.itertuples(index=False):
        q = str(getattr(rec, name_col) or "")
        hit = exact.loc[q.casefold()] if q.casefold() in exact.index else None
        res_exact.append(np.inf if hit is None else float(haversine_km(rec.longitude, rec.latitude, hit.longitude, hit.latitude)))
        best = process.extractOne(q, choices, scorer=fuzz.WRatio) if q else None
        if best is None:
            res_fuzzy.append(np.inf)
        else:
            r = names.iloc[best[2]]
            res_fuzzy.append(float(haversine_km(rec.longitude, rec.latitude, r.longitude, r.latitude)))
    out = {}
    for label, ds in (("exact name lookup", res_exact), ("plain fuzzy match", res_fuzzy)):
        ds = np.array(ds)
        out[label] = {"within 5 km": round(100 * (ds <= 5).mean(), 1),
                      "answered but > 5 km off": round(100 * (np.isfinite(ds) & (ds > 5)).mean(), 1)}
    return out


OUTSIDE_KM = 15.0
RESEMBLE_MIN = 80


def audit_labels(g: Geocoder, df: pd.DataFrame) -> pd.DataFrame:
    """Per row: is the published point far outside the governorate the row names, and is there
    any gazetteer place within 5 km of it with a name resembling the location's?"""
    import shapely

    from conflictmap.normalize import compact_key
    from conflictmap.query import parse_location

    gz = get_gazetteer()
    areas = gz.areas(1)
    geoms = dict(zip(areas["pcode"], areas.geometry))
    places = gz.places
    names = gz.names.assign(ck=lambda d: d["name"].map(compact_key))
    names_of = names.groupby("place_id")["ck"].apply(list).to_dict()
    outside, no_namesake = [], []
    for rec in df.itertuples(index=False):
        pcodes = {p[:4] for p in g._admin_pcodes(rec.admin1, 1)}
        pt = shapely.Point(rec.longitude, rec.latitude)
        dist = min((geoms[p].distance(pt) * 111.0 for p in pcodes if p in geoms), default=np.inf)
        outside.append(bool(dist > OUTSIDE_KM))
        near = places[haversine_km(rec.longitude, rec.latitude, places.longitude.to_numpy(),
                                   places.latitude.to_numpy()) <= 5.0]
        ck = compact_key(parse_location(rec.location).name)
        best = max((fuzz.ratio(ck, k) for pid in near.place_id for k in names_of.get(pid, ())), default=0)
        no_namesake.append(bool(best < RESEMBLE_MIN))
    return pd.DataFrame({"outside": outside, "no_namesake": no_namesake}, index=df.index)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--show-errors", type=int, default=0, help="print this many wrong rows per run")
    parser.add_argument("--no-baselines", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    aw = pd.read_csv(args.shared / "eval/airwars_dev.csv", keep_default_na=False)
    seeds = pd.read_csv(args.shared / "eval/seed_places.csv", keep_default_na=False)
    t = time.perf_counter()
    g = Geocoder()
    log.info("geocoder ready in %.2f s", time.perf_counter() - t)
    runs = [("airwars, governorate hint", aw, "location", "admin1"),
            ("airwars, no hint", aw, "location", None),
            ("airwars, Arabic name + hint", aw[aw.location_ar != ""], "location_ar", "admin1")]
    for label, df, col, hint in runs:
        t = time.perf_counter()
        res = evaluate(g, df, col, hint)
        dt = time.perf_counter() - t
        log.info("%-30s %s  (%.0f names/s)", label, summary(res), len(df) / dt)
        if args.show_errors:
            bad = res[(res.km > 5)].head(args.show_errors)
            log.info(bad[[col, "admin1", "status", "km", "got", "got_admin1", "method", "score", "reason"]].to_string())
    audit = audit_labels(g, aw)
    log.info("data check: %d rows (%.1f%%) have their published point more than %.0f km outside the "
             "governorate they name; %d rows (%.1f%%) have no gazetteer place within 5 km whose name "
             "resembles theirs (rapidfuzz ratio >= %d on transliteration keys): matching names "
             "against this gazetteer cannot place those", audit.outside.sum(), 100 * audit.outside.mean(), OUTSIDE_KM,
             audit.no_namesake.sum(), 100 * audit.no_namesake.mean(), RESEMBLE_MIN)
    ok = ~audit.outside
    res = evaluate(g, aw[ok], "location", "admin1")
    log.info("%-30s %s", "airwars, labels consistent", summary(res))
    if not args.no_baselines:
        for label, df, col, _ in runs[:1]:
            log.info("baselines on %-19s %s", label, baselines(df, col))
    sd = seeds[seeds.expected_lat != ""].copy()
    sd["latitude"] = sd.expected_lat.astype(float)
    sd["longitude"] = sd.expected_lon.astype(float)
    res = evaluate(g, sd, "query", "admin1_hint")
    within = res.km <= sd.tolerance_km.astype(float)
    log.info("seed places within tolerance: %d/%d %s", within.sum(), len(sd),
             "" if within.all() else res[~within][["query", "status", "km", "got"]].to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
