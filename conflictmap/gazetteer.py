"""Load the curated Syria gazetteer shipped with conflictmap.

The compiled data (``conflictmap/data/places.parquet``) is built from open sources by
``gazetteer/build.py``; see ``conflictmap/data/sources.csv`` for every source and licence.

Examples
--------
>>> from conflictmap import get_gazetteer
>>> gz = get_gazetteer()
>>> len(gz) > 10_000
True
>>> gz.get("ocha:SY07")["name"]
'Idleb'
>>> "GeoNames" in gz.attribution
True
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import logging
import os
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

import geopandas as gpd
import pandas as pd
import shapely

from .errors import GazetteerError
from .geocoding.normalize import name_key
from .user_places import merge_user_rows, read_user_table

log = logging.getLogger(__name__)

__all__ = ["Gazetteer", "get_gazetteer", "load_gazetteer", "FEATURE_TYPES", "PLACE_COLUMNS"]

PLACE_COLUMNS = [
    "place_id", "name", "name_ar", "alt_names", "feature_type", "feature_code", "population",
    "longitude", "latitude", "admin1_pcode", "admin1", "admin2_pcode", "admin2", "admin3_pcode",
    "admin3", "source", "source_id", "source_url", "merged_ids", "note", "admin4_pcode", "parent_id", "city",
]
#: columns added with OCHA COD-PS; a table built before them gets them empty
_OPTIONAL_COLUMNS = ("admin4_pcode", "parent_id", "city")
FEATURE_TYPES = frozenset({
    "settlement", "neighbourhood", "admin1", "admin2", "admin3", "region", "road", "base", "airport",
    "crossing", "prison", "landmark",
})


def _data_path(name: str) -> Path:
    return Path(str(resources.files("conflictmap").joinpath("data", name)))


@dataclass(frozen=True)
class _Sources:
    rows: tuple[dict[str, str], ...]

    @property
    def attribution(self) -> str:
        titles = {
            "wof": "Who's On First",
            "geonames": "GeoNames (CC BY 4.0)",
            "ocha": "UN OCHA COD-AB via HDX (CC BY 3.0 IGO)",
            "ocha_ps": "UN OCHA COD-PS via HDX (CC BY 3.0 IGO)",
            "opensyria": "OpenSyria (CC BY 4.0)",
            "naturalearth": "Natural Earth",
        }
        return "Places: " + ", ".join(titles.get(r["source_key"], r["title"]) for r in self.rows
                                      if r["source_key"] != "curated") + "; conflictmap curation"


class Gazetteer:
    """The place table plus lookups by id and admin level.

    Parameters
    ----------
    places : GeoDataFrame
        One row per place with the columns in :data:`PLACE_COLUMNS` and a geometry.
    sources : list of dict, optional
        Rows of ``sources.csv`` (source_key, title, licence, url, what_was_taken).

    Use :meth:`load` (or :func:`get_gazetteer` for a shared cached instance) rather than the
    constructor.
    """

    def __init__(self, places: gpd.GeoDataFrame, sources: Iterable[Mapping[str, str]] = ()):
        absent = [c for c in _OPTIONAL_COLUMNS if c not in places.columns]
        if absent:
            places = places.assign(**{c: "" for c in absent})
        missing = [c for c in PLACE_COLUMNS if c not in places.columns]
        if missing:
            raise GazetteerError(f"gazetteer table lacks columns {missing}")
        self.places = places
        self._index = pd.Index(places["place_id"])
        if not self._index.is_unique:
            dup = self._index[self._index.duplicated()][0]
            raise GazetteerError(f"duplicate place_id {dup!r} in gazetteer")
        self._sources = _Sources(tuple(dict(r) for r in sources))
        self._names: pd.DataFrame | None = None
        self._merged: dict[str, str] | None = None
        self._lock = threading.Lock()
        #: hash of the file :meth:`load` read the places from (None for a table built otherwise): what
        #: keys the stored name index without hashing the table again
        self.source_digest: str | None = None

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, extra: Any = None) -> "Gazetteer":
        """Load the compiled gazetteer, optionally with the user's own places.

        Parameters
        ----------
        path : path, optional
            A ``places.parquet`` built by ``gazetteer/build.py``; defaults to the bundled one.
        extra : path or DataFrame, optional
            User places/aliases (CSV or DataFrame); see :meth:`with_user_places`.

        Examples
        --------
        >>> gz = Gazetteer.load()
        >>> gz.get("gn:170063")["name"]
        'Aleppo'
        """
        file = Path(path) if path is not None else _data_path("places.parquet")
        if not file.exists():
            raise GazetteerError(f"gazetteer data not found at {file}; run 'python gazetteer/build.py'")
        try:
            data = file.read_bytes()
            places = _read_places(file, data)
        except GazetteerError:
            raise
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise GazetteerError(f"cannot read gazetteer data {file}: {exc}") from exc
        sources_file = file.with_name("sources.csv")
        sources = []
        if sources_file.exists():
            sources = list(csv.DictReader(io.StringIO(sources_file.read_text("utf-8"))))
        gz = cls(places, sources)
        gz.source_digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if extra is not None:
            gz = gz.with_user_places(extra)
        return gz

    def with_user_places(self, extra: Any) -> "Gazetteer":
        """Return a new gazetteer where the user's places and aliases win over bundled ones.

        ``extra`` is a CSV path or DataFrame. A row with a ``place_id`` that exists adds its
        ``name``/``alt_names`` as aliases of that place (and replaces its point when
        ``longitude``/``latitude`` are given); a row without one (or with a new id) adds a place,
        which needs ``name``, ``longitude`` and ``latitude``. New places get the id ``user:<n>``
        unless they bring their own.

        Examples
        --------
        >>> import pandas as pd
        >>> gz = Gazetteer.load().with_user_places(pd.DataFrame(
        ...     [{"name": "Camp Alpha", "longitude": 36.6, "latitude": 35.9}]))
        >>> gz.get("user:1")["admin1"]
        'Idleb'
        """
        table, source = read_user_table(extra)
        places, new_rows = merge_user_rows(self.places, table, source, feature_types=FEATURE_TYPES)
        if new_rows:
            added = gpd.GeoDataFrame(pd.DataFrame(new_rows), geometry="geometry", crs="EPSG:4326")
            added = self._assign_admin(added)
            places = pd.concat([places, added], ignore_index=True)
            places["population"] = places["population"].astype("Int64")
        return type(self)(gpd.GeoDataFrame(places, geometry="geometry", crs="EPSG:4326"), self._sources.rows)

    def _assign_admin(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        adm3 = self.areas(3)[["pcode", "geometry"]]
        joined = gpd.sjoin(gdf, adm3, how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        pcode = joined["pcode"].fillna("")
        names = self.places.set_index("place_id")["name"]
        for lvl, width in ((1, 4), (2, 6), (3, 8)):
            codes = pcode.str[:width]
            gdf[f"admin{lvl}_pcode"] = codes
            gdf[f"admin{lvl}"] = codes.map(lambda c: names.get(f"ocha:{c}", "") if c else "")
        outside = pcode == ""
        if outside.any():
            log.warning("%d user places lie outside Syria's sub-districts: %s", int(outside.sum()),
                        ", ".join(gdf.loc[outside, "name"].head(5)))
        return gdf

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return len(self.places)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._index or place_id in self._merged_into()

    def __repr__(self) -> str:
        counts = self.places["feature_type"].value_counts()
        return f"<Gazetteer {len(self)} places: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ">"

    def get(self, place_id: str) -> dict[str, Any]:
        """The full record of a place as a dict (raises ``KeyError`` for an unknown id)."""
        try:
            i = self._index.get_loc(place_id)
        except KeyError:
            merged = self._merged_into().get(place_id)
            if merged is None:
                raise KeyError(f"no place with id {place_id!r}") from None
            i = self._index.get_loc(merged)
        record = self.places.iloc[int(i)].to_dict()
        pop = record.get("population")
        record["population"] = None if pd.isna(pop) else int(pop)
        return record

    def resolve_id(self, place_id: str) -> str:
        """The current id of a place, following ids of records merged into another.

        Examples
        --------
        >>> get_gazetteer().resolve_id("gn:170063")
        'gn:170063'
        """
        if place_id in self._index:
            return place_id
        merged = self._merged_into().get(place_id)
        if merged is None:
            raise KeyError(f"no place with id {place_id!r}")
        return merged

    def _merged_into(self) -> dict[str, str]:
        with self._lock:
            if self._merged is None:
                has = self.places[self.places["merged_ids"] != ""]
                self._merged = {old: pid for pid, ids in zip(has["place_id"], has["merged_ids"])
                                for old in ids.split("|") if old}
            return self._merged

    def geometry(self, place_id: str):
        """The geometry of a place (point, polygon or line)."""
        return self.get(place_id)["geometry"]

    def areas(self, level: int) -> gpd.GeoDataFrame:
        """Admin areas of one level (1 governorate, 2 district, 3 sub-district).

        Examples
        --------
        >>> len(get_gazetteer().areas(1))
        14
        """
        if level not in (1, 2, 3):
            raise ValueError(f"admin level must be 1, 2 or 3, not {level!r}")
        sel = self.places[self.places["feature_type"] == f"admin{level}"].copy()
        sel["pcode"] = sel["place_id"].str.slice(5)
        sel["level"] = level
        cols = ["pcode", "level", "place_id", "name", "name_ar", "alt_names", "population",
                "admin1_pcode", "admin1", "admin2_pcode", "admin2", "longitude", "latitude", "geometry"]
        return sel[cols].reset_index(drop=True)

    def outline(self):
        """Syria's outline (union of the governorates), as a shapely geometry."""
        return _outline(self)

    def neighbours(self) -> gpd.GeoDataFrame:
        """Syria's neighbours (Natural Earth) for map context."""
        return gpd.read_file(_data_path("neighbours.geojson"))

    @property
    def names(self) -> pd.DataFrame:
        """Long table of every name of every place: ``place_id, name, kind`` (kind: name, ar, alt)."""
        with self._lock:
            if self._names is None:
                self._names = _names_table(self.places)
            return self._names

    @property
    def sources(self) -> pd.DataFrame:
        """The sources behind the data, their licences and what was taken."""
        return pd.DataFrame(list(self._sources.rows))

    @property
    def attribution(self) -> str:
        """Credit line for maps."""
        return self._sources.attribution

    def summary(self) -> pd.DataFrame:
        """Count of places by feature type and governorate."""
        return (self.places.groupby(["feature_type"]).size().rename("places").to_frame()
                .sort_values("places", ascending=False))

    def duplicate_names(self) -> pd.DataFrame:
        """Places whose canonical name key is shared by another settlement (a review aid)."""
        sett = self.places[self.places["feature_type"] == "settlement"]
        keys = sett["name"].map(name_key)
        dup = sett[keys.duplicated(keep=False)].assign(name_key=keys)
        return dup.sort_values(["name_key", "admin1_pcode"])[
            ["name_key", "place_id", "name", "admin1", "admin2", "longitude", "latitude"]]


@functools.lru_cache(maxsize=8)
def _outline_cached(id_: int, gz: Gazetteer):
    return shapely.union_all(gz.areas(1).geometry.values)


def _outline(gz: Gazetteer):
    return _outline_cached(id(gz), gz)


def _read_places(file: Path, data: bytes) -> gpd.GeoDataFrame:
    """Read a GeoParquet places table written by the build (WKB geometry in EPSG:4326) from ``data``,
    the bytes of ``file``.

    Reads with pyarrow and decodes the WKB with shapely directly: about twice as fast as
    ``geopandas.read_parquet``, which spends most of its time building a pyproj CRS from the
    file's PROJJSON (and one file needs no ``pyarrow.dataset``, which ``read_table`` imports). A file
    whose CRS is not EPSG:4326 goes through ``geopandas.read_parquet``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.ParquetFile(pa.BufferReader(data)).read()
    meta = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
    column = meta.get("primary_column", "geometry")
    crs = (meta.get("columns", {}).get(column) or {}).get("crs", {}) if meta else None
    if not meta or column not in table.column_names:
        raise GazetteerError(f"{file} is not a GeoParquet places table")
    if (crs or {}).get("id", {}) != {"authority": "EPSG", "code": 4326}:
        return gpd.read_parquet(file)
    geoms = shapely.from_wkb(table.column(column).to_numpy())
    frame = table.drop([column]).to_pandas()
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326"))


def _names_table(places: pd.DataFrame) -> pd.DataFrame:
    ids = places["place_id"].to_numpy()
    parts = [pd.DataFrame({"place_id": ids, "name": places["name"].to_numpy(), "kind": "name"})]
    ar = places["name_ar"].to_numpy()
    has_ar = ar != ""
    parts.append(pd.DataFrame({"place_id": ids[has_ar], "name": ar[has_ar], "kind": "ar"}))
    alt = places["alt_names"].str.split("|").explode()
    alt = alt[alt.notna() & (alt != "")]
    parts.append(pd.DataFrame({"place_id": ids[alt.index.to_numpy()] if isinstance(alt.index, pd.RangeIndex)
                               else places.loc[alt.index, "place_id"].to_numpy(),
                               "name": alt.to_numpy(), "kind": "alt"}))
    return pd.concat(parts, ignore_index=True)


def load_gazetteer(user_places: str | os.PathLike | None = None) -> Gazetteer:
    """The bundled gazetteer, with the user's places and aliases when a CSV is given.

    What the command line and the service load (``--user-places``).

    Examples
    --------
    >>> load_gazetteer() is get_gazetteer()
    True
    """
    if not user_places:
        return get_gazetteer()
    return get_gazetteer().with_user_places(os.fspath(user_places))


_DEFAULT: Gazetteer | None = None
_DEFAULT_LOCK = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once per process.

    Examples
    --------
    >>> get_gazetteer() is get_gazetteer()
    True
    """
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Gazetteer.load()
        return _DEFAULT
