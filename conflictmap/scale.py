"""Scale out on Dask: geocode and attach events partition by partition.

:func:`geocode_dask` and :func:`attach_events_dask` take a Dask DataFrame and return a Dask
DataFrame whose partitions are exactly what the pandas functions
(:func:`conflictmap.geocode`, :func:`conflictmap.events.attach_events`) give for the same rows;
``conflictmap.geocode(ddf)`` and ``conflictmap.attach_events(ddf)`` (:mod:`conflictmap.tables`) call them for you.

The gazetteer and its name index are built **once per worker process**, not once per
partition: the bundled gazetteer is loaded lazily by each worker (it ships with the package), and
a custom gazetteer or geocoder is sent to the cluster as a single task (so each worker fetches it
once) and turned into a :class:`~conflictmap.geocoding.geocoder.Geocoder` that the worker keeps in a
per-process cache.

On a real cluster every worker needs ``conflictmap`` installed (the bundled gazetteer comes with
it)::

    from dask.distributed import Client
    import dask.dataframe as dd, conflictmap

    client = Client("tcp://scheduler:8786")        # or LocalCluster(n_workers=4)
    ddf = dd.read_parquet("acled_syria_*.parquet")
    located = conflictmap.geocode(ddf, name="location", admin1="admin1")
    located.to_parquet("acled_located/")           # or .compute() for a (Geo)DataFrame

Partitions are independent, so the result does not depend on how the table is split.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd, dask, conflictmap
>>> df = pd.DataFrame({"location": ["Kafr Nabl", "Kansafra", None, "Ruwayhah"]})
>>> ddf = dd.from_pandas(df, npartitions=2)
>>> out = geocode_dask(ddf).compute(scheduler="sync")
>>> out["match_status"].tolist()
['matched', 'matched', 'unresolved', 'ambiguous']
>>> out.equals(conflictmap.geocode(ddf.compute()))
True
"""

from __future__ import annotations

import logging
import threading
import uuid
import weakref
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._optional import import_optional
from .errors import GeocoderError, InputError

log = logging.getLogger(__name__)

__all__ = ["geocode_dask", "attach_events_dask", "worker_geocoder", "is_dask_collection"]

# per-process cache: token -> Geocoder (None is the bundled gazetteer); one entry per worker process
_GEOCODERS: dict[Any, Any] = {}
_GEOCODERS_LOCK = threading.Lock()
# driver side: one stable token per custom gazetteer / geocoder object
_TOKENS: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
BUNDLED = None
RESOLVE_CHUNKS = 32  # at most this many tasks resolve the distinct queries of a frame


def is_dask_collection(data: Any) -> bool:
    """True for a Dask DataFrame (checked without importing dask).

    >>> import pandas as pd
    >>> is_dask_collection(pd.DataFrame())
    False
    """
    return type(data).__module__.startswith("dask")


def _dd():
    return import_optional("dask.dataframe", extra="dask", purpose="geocoding Dask DataFrames")


def _token(obj: Any) -> str:
    token = _TOKENS.get(obj)
    if token is None:
        token = f"{type(obj).__name__}-{uuid.uuid4().hex}"
        _TOKENS[obj] = token
    return token


def _spec(geocoder: Any = None, gazetteer: Any = None) -> Any:
    """What a worker needs to rebuild the geocoder: ``None`` for the bundled gazetteer, else a
    picklable ``(token, places, sources, corrections)``."""
    from .gazetteer import get_gazetteer

    if geocoder is not None:
        if getattr(geocoder, "_fallback", None) is not None:
            raise GeocoderError("a geocoder with an online fallback cannot run on a Dask cluster (the "
                                "rate limit and cache are per process); geocode offline, then send the "
                                "unresolved names through the pandas path")
        gz = geocoder.gazetteer
        corrections = dict(getattr(geocoder, "corrections", {}) or {})
        if gz is get_gazetteer() and not corrections:
            return BUNDLED
        return (_token(geocoder), gz.places, list(gz._sources.rows), corrections)
    if gazetteer is None or gazetteer is get_gazetteer():
        return BUNDLED
    return (_token(gazetteer), gazetteer.places, list(gazetteer._sources.rows), {})


def worker_geocoder(spec: Any = BUNDLED):
    """The geocoder of this process for a spec (built once, then reused by every partition).

    Examples
    --------
    >>> worker_geocoder() is worker_geocoder()
    True
    """
    key = spec if spec is BUNDLED else spec[0]
    with _GEOCODERS_LOCK:
        geocoder = _GEOCODERS.get(key)
        if geocoder is None:
            from .gazetteer import Gazetteer, get_gazetteer
            from .geocoding.geocoder import Geocoder

            if spec is BUNDLED:
                geocoder = Geocoder(get_gazetteer())
            else:
                _, places, sources, corrections = spec
                geocoder = Geocoder(Gazetteer(places, sources))
                geocoder.corrections = dict(corrections)
            log.debug("built geocoder %s in this process", key)
            _GEOCODERS[key] = geocoder
        return geocoder


def _check_columns(ddf: Any, **roles: str | None) -> None:
    for role, col in roles.items():
        if col is not None and col not in ddf.columns:
            raise InputError(f"no {role} column {col!r}; columns are {list(map(str, ddf.columns))}",
                             column=str(col))


def _geocode_partition(part: pd.DataFrame, spec: Any, roles: dict[str, str | None], options: tuple,
                       prefix_clashes: bool):
    """The pandas path on one partition (``roles``: the query columns, as keyword arguments of
    :func:`conflictmap.geocode`; ``options``: its ``(candidates, min_confidence)``)."""
    from .geocoding.batch import geocode

    candidates, min_confidence = options
    return geocode(part, **roles, geocoder=worker_geocoder(spec), progress=False, prefix_clashes=prefix_clashes,
                   candidates=candidates, min_confidence=min_confidence)


def _queries(part: pd.DataFrame, roles: dict[str, str | None]) -> tuple[Any, pd.DataFrame]:
    """Codes of each row's query (name and hints) and the distinct queries as text, one column per
    role, computed as the pandas path computes them."""
    from .geocoding.batch import _distinct_queries

    codes, queries = _distinct_queries([part[c] if c else None for c in roles.values()], len(part))
    columns = [f"q_{role}" for role in roles]
    frame = pd.DataFrame(queries, columns=columns, dtype=object) if queries else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return codes, frame


def _distinct_partition(part: pd.DataFrame, roles: dict[str, str | None]) -> pd.DataFrame:
    return _queries(part, roles)[1]


def _resolve_partition(queries: pd.DataFrame, spec: Any, roles: dict[str, str | None], candidates: tuple):
    """The located output of each distinct query (one row each): the pandas path on the queries."""
    query_roles = {role: f"q_{role}" if col else None for role, col in roles.items()}
    return _geocode_partition(queries, spec, query_roles, candidates, True)


def _answer_table(parts: list) -> pd.DataFrame:
    """The resolved queries of every chunk in one table."""
    import geopandas as gpd

    table = pd.concat(parts, ignore_index=True)
    if not isinstance(table, gpd.GeoDataFrame):
        table = gpd.GeoDataFrame(table, geometry="geometry", crs="EPSG:4326")
    # chunks with different categories concatenate to str: one categorical again, as the pandas path has
    table["match_candidates"] = pd.Categorical(table["match_candidates"].astype(str))
    return table


def _located_partition(part: pd.DataFrame, spec: Any, table: pd.DataFrame, roles: dict[str, str | None],
                       candidates: tuple, prefix_clashes: bool):
    """One partition joined to the answers of its queries, resolved once for the whole frame."""
    from .geocoding.batch import OUTPUT_COLUMNS, _combine

    codes, queries = _queries(part, roles)
    columns = list(queries.columns)
    rows = np.zeros(0, dtype=np.int64)
    if len(queries):
        rows = pd.MultiIndex.from_frame(table[columns]).get_indexer(pd.MultiIndex.from_frame(queries)) \
            if len(table) else np.full(len(queries), -1)
        if (rows < 0).any():
            # a query the distinct step did not see (it cannot happen; should it, answer it here)
            log.warning("%d queries of a partition were not resolved ahead; geocoding the partition itself",
                        int((rows < 0).sum()))
            return _geocode_partition(part, spec, roles, candidates, prefix_clashes)
    take = rows[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    out_cols = table[OUTPUT_COLUMNS].take(take).reset_index(drop=True)
    out_cols.index = part.index
    return _combine(part, out_cols, table.geometry.values.take(take), prefix_clashes=prefix_clashes)


def geocode_dask(ddf: Any, name: str = "location", admin1: str | None = None, admin2: str | None = None,
                 candidates: int = 5, *, name_ar: str | None = None, admin3: str | None = None,
                 latitude: str | None = None, longitude: str | None = None, geocoder: Any = None,
                 gazetteer: Any = None, prefix_clashes: bool = True, min_confidence: float | None = None):
    """Geocode a Dask DataFrame (lazy; call ``.compute()`` or write it out).

    The distinct (name, name_ar, admin1, admin2, admin3, latitude, longitude) queries of the whole frame are found first (a Dask
    ``drop_duplicates``), resolved once each, spread over the workers, and every partition is
    then joined to their answers: a name that occurs in every partition is resolved once, not
    once per partition.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    name, name_ar, admin1, admin2, admin3, latitude, longitude, candidates, prefix_clashes, min_confidence
        As in :func:`conflictmap.geocode`.
    geocoder : Geocoder, optional
        A custom offline geocoder (its gazetteer and corrections are shipped to each worker
        once). A geocoder with an online fallback is refused.
    gazetteer : Gazetteer, optional
        A custom gazetteer (e.g. with user places) instead of the bundled one.

    Returns
    -------
    dask.dataframe.DataFrame
        Partitions are GeoDataFrames with the columns of :func:`conflictmap.geocode`; computing
        gives the same table as the pandas path.
    """
    import dask

    dd = _dd()
    if not isinstance(ddf, dd.DataFrame):
        raise InputError("geocode_dask() takes a Dask DataFrame", value=type(ddf).__name__)
    # the query columns of conflictmap.geocode
    roles = {"name": name, "name_ar": name_ar, "admin1": admin1, "admin2": admin2, "admin3": admin3,
             "latitude": latitude, "longitude": longitude}
    if (latitude is None) != (longitude is None):
        raise InputError("give both latitude= and longitude= columns (or neither)",
                         column=str(latitude if latitude is not None else longitude))
    _check_columns(ddf, **roles)
    spec = _spec(geocoder, gazetteer)
    if gazetteer is not None and geocoder is None:
        from .geocoding.matching import NameIndex

        NameIndex.for_gazetteer(gazetteer)  # built (and stored) here once, so the workers load it
    candidates = (candidates, min_confidence)  # what each partition's pandas path is given
    meta = _geocode_partition(ddf._meta, BUNDLED, roles, candidates, prefix_clashes)
    shipped = spec if spec is BUNDLED else _delayed(spec)
    columns = list(dict.fromkeys(c for c in roles.values() if c is not None))
    empty = _distinct_partition(ddf._meta[columns], roles)
    distinct = (ddf[columns].map_partitions(_distinct_partition, roles, meta=empty)
                .drop_duplicates(split_out=max(1, min(ddf.npartitions, RESOLVE_CHUNKS)), shuffle_method="tasks"))
    resolved = distinct.map_partitions(_resolve_partition, shipped, roles, candidates,
                                       meta=_resolve_partition(empty, BUNDLED, roles, candidates),
                                       align_dataframes=False)
    table = dask.delayed(_answer_table, pure=True)(resolved.to_delayed())
    return ddf.map_partitions(_located_partition, shipped, table, roles, candidates, prefix_clashes, meta=meta,
                              align_dataframes=False)


def _delayed(spec: tuple) -> Any:
    """One graph key for the shipped gazetteer: each worker fetches it once."""
    import dask

    return dask.delayed(spec, pure=True, name=f"conflictmap-gazetteer-{spec[0]}", traverse=False)


# ------------------------------------------------------------------------------ attach_events
def _attach_partition(part: pd.DataFrame, offsets: tuple, duplicates: frozenset, spec: Any, corrections: Any,
                      keep_coordinates: bool, errors: str, id_prefix: str, partition_info: dict | None = None):
    from .events.attach import attach_events
    from .events.schema import Problem

    offset = offsets[partition_info["number"]] if partition_info else 0
    part = _fill_ids(part, offset, id_prefix)
    gazetteer = worker_geocoder(spec).gazetteer
    events = attach_events(part, gazetteer=gazetteer, corrections=corrections, keep_coordinates=keep_coordinates,
                           errors=errors).events
    if errors == "mark" and duplicates:
        # a duplicate of an id in an earlier partition: the partition alone cannot see it
        ids = events["event_id_cnty"]
        for pos in range(len(events)):
            label = events.index[pos]
            if (offset + pos) in duplicates and "duplicate event id" not in str(events["problems"].iat[pos]):
                note = Problem(label, "event_id_cnty", ids.iat[pos], "duplicate event id").describe()
                old = events["problems"].iat[pos]
                events.iat[pos, events.columns.get_loc("problems")] = f"{old}; {note}" if old else note
                events.iat[pos, events.columns.get_loc("valid")] = False
    return events


def _fill_ids(part: pd.DataFrame, offset: int, id_prefix: str) -> pd.DataFrame:
    """Generated event ids numbered by position in the whole table (as the pandas path does)."""
    if "event_id_cnty" in part.columns:
        from .events.date_column import is_blank

        missing = [is_blank(v) or not str(v).strip() for v in part["event_id_cnty"]]
        if not any(missing):
            return part
        values = [f"{id_prefix}{offset + i + 1:06d}" if miss else v
                  for i, (v, miss) in enumerate(zip(part["event_id_cnty"], missing))]
    else:
        values = [f"{id_prefix}{offset + i + 1:06d}" for i in range(len(part))]
    part = part.copy()
    part["event_id_cnty"] = pd.Series(values, index=part.index, dtype=object)
    return part


def attach_events_dask(events: Any, *, gazetteer: Any = None, corrections: Any = None,
                       keep_coordinates: bool = True, errors: Literal["raise", "mark"] = "raise",
                       id_prefix: str = "CM"):
    """:func:`~conflictmap.events.attach_events` on a Dask DataFrame.

    Generated event ids and the duplicate-id check span the whole table (one quick pass over the
    ids), so computing the events gives the same table as the pandas path.

    Returns
    -------
    Attached
        ``events`` and ``review`` as lazy Dask DataFrames.
    """
    dd = _dd()
    from .events.attach import Attached, review_table

    if not isinstance(events, dd.DataFrame):
        raise InputError("attach_events_dask() takes a Dask DataFrame", value=type(events).__name__)
    if "location" not in events.columns:
        raise InputError(f"missing required column(s) location; columns present: {', '.join(map(str, events.columns))}",
                         column="location")
    spec = _spec(None, gazetteer)
    lengths = events.map_partitions(len, meta=(None, int)).compute()
    offsets = [0]
    for n in list(lengths)[:-1]:
        offsets.append(offsets[-1] + int(n))
    duplicates = _global_duplicates(events, offsets, id_prefix, errors)
    meta = _attach_partition(events._meta, (0,), frozenset(), BUNDLED, corrections, keep_coordinates, errors,
                             id_prefix)
    shipped = spec if spec is BUNDLED else _delayed(spec)
    located = events.map_partitions(_attach_partition, tuple(offsets), duplicates, shipped, corrections,
                                    keep_coordinates, errors, id_prefix, meta=meta, align_dataframes=False)
    review_meta = review_table(meta)
    review = located.map_partitions(review_table, meta=review_meta)
    return Attached(located, review)


def _global_duplicates(events: Any, offsets: list[int], id_prefix: str, errors: str) -> frozenset:
    """Positions (in the whole table) of ids that repeat an earlier one in another partition."""
    if "event_id_cnty" not in events.columns:
        return frozenset()
    ids = events["event_id_cnty"].map_partitions(lambda s: s.reset_index(drop=True), meta=events["event_id_cnty"]._meta)
    values = pd.Series(list(ids.compute()), dtype=object)
    filled = _fill_ids(pd.DataFrame({"event_id_cnty": values}), 0, id_prefix)["event_id_cnty"]
    text = filled.map(lambda v: str(v).strip())
    dup = text.duplicated(keep="first")
    if errors == "raise" and dup.any():
        # which partition would not see it alone? only then is it ours to report
        pos = int(dup.to_numpy().nonzero()[0][0])
        label = events.index.partitions[_partition_of(pos, offsets)].compute()[pos - offsets[_partition_of(pos, offsets)]]
        raise InputError("duplicate event id", row=label, column="event_id_cnty", value=text.iat[pos])
    return frozenset(int(p) for p in dup.to_numpy().nonzero()[0])


def _partition_of(pos: int, offsets: list[int]) -> int:
    import bisect

    return bisect.bisect_right(offsets, pos) - 1
