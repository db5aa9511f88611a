"""Geocode and attach events on any table: the one place where a Dask DataFrame takes the Dask path.

:func:`geocode` and :func:`attach_events` are ``conflictmap.geocode`` and
``conflictmap.attach_events``. A pandas (or geopandas) table goes to the pandas path
(:func:`conflictmap.geocoding.batch.geocode`, :func:`conflictmap.events.attach.attach_events`),
a Dask DataFrame to :mod:`conflictmap.scale`, which runs that same pandas path partition by
partition. This module sits above both, so neither path imports the other back.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> df = pd.DataFrame({"location": ["Kafr Nabl", "Kansafra", None]})
>>> geocode(df)["match_status"].tolist()
['matched', 'matched', 'unresolved']
>>> ddf = dd.from_pandas(df, npartitions=2)
>>> located = geocode(ddf)                      # lazy: conflictmap.scale.geocode_dask
>>> type(located).__module__.startswith("dask")
True
>>> located.compute(scheduler="sync").equals(geocode(ddf.compute()))
True
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal

from .geocoding import batch as _batch
from .scale import is_dask_collection

if TYPE_CHECKING:
    from .events.attach import Attached

__all__ = ["geocode", "attach_events"]


def geocode(data: Any, name: str = "location", admin1: str | None = None, *, name_ar: str | None = None,
            admin2: str | None = None, admin3: str | None = None, latitude: str | None = None,
            longitude: str | None = None, geocoder: Any = None, progress: bool | None = None,
            prefix_clashes: bool = True, candidates: int = 5, min_confidence: float | None = None):
    """Geocode the ``name`` column of a pandas, geopandas or Dask table.

    The parameters and the result are those of :func:`conflictmap.geocoding.batch.geocode`
    (read its documentation); a Dask DataFrame gives a lazy Dask DataFrame whose computed
    partitions equal the pandas result (:func:`conflictmap.scale.geocode_dask`; ``progress``
    is not shown there).

    Examples
    --------
    >>> import pandas as pd
    >>> out = geocode(pd.DataFrame({"place": ["Kafr Nabl"], "gov": ["Idlib"]}), name="place", admin1="gov")
    >>> out[["place_name", "match_status"]].values.tolist()
    [['Kafranbel', 'matched']]
    """
    if is_dask_collection(data):
        from .scale import geocode_dask

        return geocode_dask(data, name=name, name_ar=name_ar, admin1=admin1, admin2=admin2, admin3=admin3,
                            latitude=latitude, longitude=longitude, candidates=candidates,
                            geocoder=geocoder, prefix_clashes=prefix_clashes, min_confidence=min_confidence)
    return _batch.geocode(data, name=name, admin1=admin1, name_ar=name_ar, admin2=admin2, admin3=admin3,
                          latitude=latitude, longitude=longitude, geocoder=geocoder,
                          progress=progress, prefix_clashes=prefix_clashes, candidates=candidates,
                          min_confidence=min_confidence)


def attach_events(events: Any, *, gazetteer: Any = None, corrections: str | os.PathLike | None = None,
                  keep_coordinates: bool = True, errors: Literal["raise", "mark"] = "raise") -> Attached:
    """Attach every event of a table, a file or a Dask DataFrame to a gazetteer place.

    The parameters and the result are those of :func:`conflictmap.events.attach.attach_events`
    (read its documentation); a Dask DataFrame gives ``events`` and ``review`` as lazy Dask
    DataFrames (:func:`conflictmap.scale.attach_events_dask`).

    Examples
    --------
    >>> import pandas as pd
    >>> events, review = attach_events(pd.DataFrame({"event_date": ["2020-06-30"], "event_type": ["Battles"],
    ...                                              "location": ["Kansafra"], "admin1": ["Idlib"]}))
    >>> events["match_status"].tolist(), len(review)
    (['matched'], 0)
    """
    if is_dask_collection(events):
        from .scale import attach_events_dask

        return attach_events_dask(events, gazetteer=gazetteer, corrections=corrections,
                                  keep_coordinates=keep_coordinates, errors=errors)
    from .events.attach import attach_events as attach_table  # events load only when asked for

    return attach_table(events, gazetteer=gazetteer, corrections=corrections, keep_coordinates=keep_coordinates,
                        errors=errors)
