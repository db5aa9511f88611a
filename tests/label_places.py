"""A small synthetic gazetteer for the label tests: cities, towns, a dense grid of villages, a city
with neighbourhoods (the feature type the gazetteer is adding), a region, and names in both scripts."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

XSS_IMG = "<img src=x onerror=alert(1)>"
CENTRE = (36.63, 35.93)  # lon, lat of the synthetic city with neighbourhoods


def synthetic_places() -> gpd.GeoDataFrame:
    rows = []

    def add(pid, name, name_ar, ftype, lon, lat, pop=None, code="", alt="", geom=None, parent=None):
        rows.append({"place_id": pid, "name": name, "name_ar": name_ar, "alt_names": alt, "feature_type": ftype,
                     "feature_code": code, "population": pop, "longitude": lon, "latitude": lat,
                     "parent_place_id": parent, "geometry": geom if geom is not None else Point(lon, lat)})

    add("t:city", "Madinat Kabira", "مدينة كبيرة", "settlement", *CENTRE, pop=400_000)
    add("t:city2", "Second City", "المدينة الثانية", "settlement", 37.15, 36.2, pop=150_000)
    for k, (lon, lat) in enumerate([(36.3, 35.6), (36.95, 35.65), (36.4, 36.15), (36.9, 36.1), (36.2, 35.95)]):
        add(f"t:town{k}", f"Town {k}", f"بلدة {k}", "settlement", lon, lat, pop=30_000 + k)
    add("t:seat", "Sub-district Seat", "مركز الناحية", "settlement", 36.5, 35.75, code="PPLA3")
    add("t:famous", "Much Named", "كثير الأسماء", "settlement", 36.78, 35.82, alt="|".join(f"alias {k}" for k in range(14)))
    rng = np.random.default_rng(7)
    k = 0
    for lon in np.arange(36.30, 36.97, 0.025):
        for lat in np.arange(35.60, 36.26, 0.025):
            if abs(lon - CENTRE[0]) < 0.03 and abs(lat - CENTRE[1]) < 0.03:
                continue  # the city itself
            name_ar = f"قرية {k}" if k % 4 else None  # a quarter have no Arabic name
            add(f"t:v{k}", f"Village {k}", name_ar, "settlement", round(lon + rng.normal(0, 0.003), 4),
                round(lat + rng.normal(0, 0.003), 4), alt="" if k % 3 else "Alt|Other")
            k += 1
    add("t:xss", XSS_IMG, XSS_IMG, "settlement", 36.7, 35.98, pop=25_000)
    for j in range(12):
        dx, dy = (j % 4 - 1.5) * 0.006, (j // 4 - 1) * 0.006
        lon, lat = CENTRE[0] + dx, CENTRE[1] + dy
        add(f"t:nb{j}", f"Quarter {j}", f"حي {j}", "neighbourhood", lon, lat,
            geom=box(lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002), parent="t:city")
    add("t:region", "Test Plain", "سهل الاختبار", "region", 36.45, 35.85, geom=box(36.35, 35.75, 36.55, 35.95))
    add("t:admin", "Governorate", "محافظة", "admin1", 36.6, 35.9, geom=box(36, 35, 37, 36.5))
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def synthetic_events(places: pd.DataFrame) -> pd.DataFrame:
    """Events at four villages (by place_id) and one by location name only, in June 2020."""
    villages = places[places["name"].str.startswith("Village ")]
    picks = villages.iloc[[40, 150, 333, 500]]
    frame = pd.DataFrame({"place_id": picks["place_id"].to_numpy(), "location": picks["name"].to_numpy(),
                          "longitude": picks["longitude"].to_numpy(), "latitude": picks["latitude"].to_numpy(),
                          "event_type": "Battles",
                          "event_date": pd.to_datetime(["2020-06-01", "2020-06-05", "2020-06-20", "2020-06-25"])})
    by_name = villages.iloc[600]
    extra = pd.DataFrame({"place_id": [None], "location": [by_name["name"].upper()],
                          "longitude": [by_name["longitude"] + 0.004], "latitude": [by_name["latitude"]],
                          "event_type": ["Protests"], "event_date": pd.to_datetime(["2020-06-10"])})
    return pd.concat([frame, extra], ignore_index=True)
