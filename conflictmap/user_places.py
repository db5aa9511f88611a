"""The analyst's own places and aliases, read and checked row by row.

:meth:`conflictmap.gazetteer.Gazetteer.with_user_places` reads the user's table here
(:func:`read_user_table`), merges it into a copy of its place table (:func:`merge_user_rows`:
aliases and moved points for places it has, new rows for the others) and then gives the new
places their admin areas. Every bad row raises :class:`~conflictmap.errors.CuratedRowError`
naming the file, the row and the column.

Examples
--------
>>> import pandas as pd
>>> table, source = read_user_table(pd.DataFrame([{"name": "Camp Alpha", "longitude": 36.6, "latitude": 35.9}]))
>>> source, table.to_dict("records")
('user places', [{'name': 'Camp Alpha', 'longitude': '36.6', 'latitude': '35.9'}])
>>> user_point({"longitude": "36.6", "latitude": "35.9"}, source=source, row=1)
(36.6, 35.9)
"""

from __future__ import annotations

import logging
import os
from typing import Any, Mapping

import numpy as np
import pandas as pd
import shapely

from .csvtext import read_csv_file
from .errors import CuratedRowError, InputError
from .geocoding.normalize import is_arabic, normalize_name

log = logging.getLogger(__name__)

__all__ = ["read_user_table", "merge_user_rows", "user_point", "user_int"]


def read_user_table(extra: Any) -> tuple[pd.DataFrame, str]:
    """The user's places as a table of text (a CSV path or a DataFrame) and how to name its source."""
    if isinstance(extra, (str, os.PathLike)):
        try:
            table = read_csv_file(extra)
        except OSError as exc:
            raise CuratedRowError(f"cannot read user places: {exc}", source=str(extra)) from exc
        except InputError as exc:
            raise CuratedRowError(exc.reason, column=exc.column, source=str(extra)) from None
        source = str(extra)
    elif isinstance(extra, pd.DataFrame):
        table = extra.astype(object).where(extra.notna(), "").astype(str)
        source = "user places"
    else:
        raise CuratedRowError("user places must be a CSV path or a DataFrame", value=type(extra).__name__)
    return table, source


def merge_user_rows(places: pd.DataFrame, table: pd.DataFrame, source: str, *,
                    feature_types: frozenset[str]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """A copy of ``places`` with the user's aliases and moved points, and the user's new places.

    A row whose ``place_id`` is in ``places`` adds its names as aliases of that place (and moves
    its point when coordinates are given); any other row is a new place (``user:<n>`` unless it
    brings an id), returned as a record without admin areas.
    """
    places = places.copy()
    pos = {pid: i for i, pid in enumerate(places["place_id"])}
    new_rows = []
    counter = 0
    for i, row in enumerate(table.to_dict("records"), start=1):
        pid = normalize_name(row.get("place_id", ""))
        name = normalize_name(row.get("name", ""))
        aliases = [normalize_name(a) for a in str(row.get("alt_names", "")).split("|") if normalize_name(a)]
        lon, lat = user_point(row, source=source, row=i)
        if pid and pid in pos:
            j = pos[pid]
            current = places.iat[j, places.columns.get_loc("alt_names")]
            names = [n for n in current.split("|") if n]
            for alias in [name] + aliases:
                if alias and alias not in names:
                    names.append(alias)
            places.iat[j, places.columns.get_loc("alt_names")] = "|".join(names)
            if lon is not None:
                bundled = places.iloc[j]
                log.warning("%s row %d moves %s (%s) from %.5f,%.5f to %.5f,%.5f", source, i, pid,
                            bundled["name"], bundled["longitude"], bundled["latitude"], lon, lat)
                places.iat[j, places.columns.get_loc("longitude")] = lon
                places.iat[j, places.columns.get_loc("latitude")] = lat
                places.iat[j, places.columns.get_loc("geometry")] = shapely.Point(lon, lat)
                places.iat[j, places.columns.get_loc("source")] = "user"
            continue
        if not name:
            raise CuratedRowError("a new place needs a name", source=source, row=i, column="name", value="")
        if lon is None:
            raise CuratedRowError("a new place needs longitude and latitude", source=source, row=i,
                                  column="longitude", value=row.get("longitude", ""))
        counter += 1
        if pid and any(r["place_id"] == pid for r in new_rows):
            raise CuratedRowError("place_id used by an earlier new place", source=source, row=i,
                                  column="place_id", value=pid)
        ftype = normalize_name(row.get("feature_type", "")) or "settlement"
        if ftype not in feature_types:
            raise CuratedRowError(f"feature_type must be one of {sorted(feature_types)}", source=source,
                                  row=i, column="feature_type", value=ftype)
        name_ar = normalize_name(row.get("name_ar", ""))
        if name_ar and not is_arabic(name_ar):
            raise CuratedRowError("Arabic name is not in Arabic script", source=source, row=i,
                                  column="name_ar", value=name_ar)
        new_rows.append({
            "place_id": pid or f"user:{counter}", "name": name, "name_ar": name_ar,
            "alt_names": "|".join(aliases), "feature_type": ftype, "feature_code": "",
            "population": user_int(row.get("population", ""), source=source, row=i),
            "longitude": lon, "latitude": lat, "source": "user", "source_id": pid or f"user:{counter}",
            "source_url": normalize_name(row.get("source_url", "")), "merged_ids": "",
            "note": normalize_name(row.get("note", "")), "admin4_pcode": "", "parent_id": "", "city": "",
            "geometry": shapely.Point(lon, lat),
        })
    return places, new_rows


def user_point(record: Mapping[str, Any], *, source: str, row: int) -> tuple[float | None, float | None]:
    """(lon, lat) of a row, (None, None) when it gives none.

    >>> user_point({"longitude": "x", "latitude": "1"}, source="my.csv", row=3)
    Traceback (most recent call last):
    ...
    conflictmap.errors.CuratedRowError: my.csv, row 3, column 'longitude', value 'x,1': longitude/latitude are not numbers
    """
    lon_s, lat_s = str(record.get("longitude", "")).strip(), str(record.get("latitude", "")).strip()
    if not lon_s and not lat_s:
        return None, None
    try:
        lon, lat = float(lon_s), float(lat_s)
    except ValueError:
        raise CuratedRowError("longitude/latitude are not numbers", source=source, row=row,
                              column="longitude", value=f"{lon_s},{lat_s}") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not np.isfinite([lon, lat]).all():
        raise CuratedRowError("coordinates out of range", source=source, row=row, column="longitude",
                              value=f"{lon_s},{lat_s}")
    return lon, lat


def user_int(value: Any, *, source: str, row: int) -> int | None:
    """A row's population (None when empty).

    >>> user_int("1200.0", source="my.csv", row=2), user_int("", source="my.csv", row=2)
    (1200, None)
    """
    text = str(value or "").strip()
    if not text:
        return None
    try:
        number = int(float(text))
    except ValueError:
        raise CuratedRowError("population is not a number", source=source, row=row, column="population",
                              value=text) from None
    if number < 0:
        raise CuratedRowError("population is negative", source=source, row=row, column="population", value=text)
    return number
