"""Zone sets over time: dated snapshots and "the zones as of date D".

A zone row is valid on day D when ``valid_from <= D < valid_to`` (an open end is unbounded).
Rows with neither bound but an ``as_of`` date belong to the snapshot of that date, which holds
until the next later snapshot. :class:`ZoneSnapshots` keeps several dated zone sets and turns
them into one table with explicit validity intervals.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> early = gpd.GeoDataFrame({"faction": ["hts"]}, geometry=[box(36, 35, 37, 36)], crs=4326)
>>> late = gpd.GeoDataFrame({"faction": ["government"]}, geometry=[box(36, 35, 37, 36)], crs=4326)
>>> snaps = ZoneSnapshots()
>>> snaps.add(early, "2019-12-01").add(late, "2020-03-06")
ZoneSnapshots(2019-12-01, 2020-03-06)
>>> list(snaps.as_of("2020-01-15").faction), list(snaps.as_of("2020-07-01").faction)
(['hts'], ['government'])
>>> snaps.as_of("2019-01-01").empty
True
>>> table = snaps.to_frame()
>>> [str(d.date()) if d == d else None for d in table.valid_to]
['2020-03-06', None]
>>> list(zones_as_of(table, "2020-02-01").faction)
['hts']
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from .model import empty_zones, normalize_zones

__all__ = ["ZoneSnapshots", "zones_as_of"]

log = logging.getLogger(__name__)


def _date(value: Any, column: str = "date") -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InputError("not a date (use YYYY-MM-DD)", column=column, value=value) from exc
    if pd.isna(stamp):
        raise InputError("a date is needed", column=column, value=value)
    return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp


def zones_as_of(zones: gpd.GeoDataFrame, date: Any) -> gpd.GeoDataFrame:
    """The rows of ``zones`` valid on ``date``.

    Rows with ``valid_from`` / ``valid_to`` are selected by their interval; rows with only an
    ``as_of`` date belong to the latest snapshot dated on or before ``date``; rows with no date at
    all are always valid.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"faction": ["hts", "government", "sdf"],
    ...                       "as_of": ["2019-06-01", "2020-06-01", None]},
    ...                      geometry=[box(0, 0, 1, 1)] * 3, crs=4326)
    >>> list(zones_as_of(z, "2020-07-01").faction)
    ['government', 'sdf']
    """
    day = _date(date)
    if "faction" in zones.columns and not all(c in zones.columns for c in ("valid_from", "valid_to", "as_of")):
        zones = normalize_zones(zones)
    start = pd.to_datetime(zones["valid_from"])
    end = pd.to_datetime(zones["valid_to"])
    stamp = pd.to_datetime(zones["as_of"])
    interval = start.notna() | end.notna()
    in_interval = interval & (start.isna() | (start <= day)) & (end.isna() | (day < end))
    snapshot = ~interval & stamp.notna()
    candidates = stamp[snapshot & (stamp <= day)]
    latest = candidates.max() if not candidates.empty else None
    in_snapshot = snapshot & (stamp == latest) if latest is not None else snapshot & False
    undated = ~interval & stamp.isna()
    return zones[in_interval | in_snapshot | undated]


class ZoneSnapshots:
    """Several dated zone sets of the same area.

    ``add(zones, as_of)`` stores a zone set dated ``as_of``; ``as_of(D)`` gives the latest set
    dated on or before D; ``to_frame()`` one GeoDataFrame where each snapshot's rows are valid from
    its date until the next snapshot's date.
    """

    def __init__(self, snapshots: Iterable[tuple[Any, gpd.GeoDataFrame]] = ()):
        self._sets: dict[pd.Timestamp, gpd.GeoDataFrame] = {}
        for date, zones in snapshots:
            self.add(zones, date)

    def add(self, zones: gpd.GeoDataFrame, as_of: Any) -> "ZoneSnapshots":
        """Store ``zones`` as the snapshot of date ``as_of`` (replacing one of the same date)."""
        day = _date(as_of, "as_of")
        normalized = normalize_zones(zones)
        normalized["as_of"] = pd.Series([day] * len(normalized), index=normalized.index, dtype="datetime64[ns]")
        normalized["valid_from"] = pd.NaT
        normalized["valid_to"] = pd.NaT
        if day in self._sets:
            log.info("replacing the zone snapshot of %s", day.date())
        self._sets[day] = normalized
        return self

    @classmethod
    def from_frame(cls, zones: gpd.GeoDataFrame) -> "ZoneSnapshots":
        """Split a zone table on its ``as_of`` column into snapshots.

        Raises
        ------
        InputError
            naming the first row without an ``as_of`` date.
        """
        zones = normalize_zones(zones)
        missing = zones.index[zones["as_of"].isna()]
        if len(missing):
            raise InputError("every row needs an as_of date to split into snapshots", row=missing[0], column="as_of")
        return cls((day, group) for day, group in zones.groupby("as_of"))

    @property
    def dates(self) -> list[pd.Timestamp]:
        """Snapshot dates, oldest first."""
        return sorted(self._sets)

    def __len__(self) -> int:
        return len(self._sets)

    def __repr__(self) -> str:
        return f"ZoneSnapshots({', '.join(str(d.date()) for d in self.dates)})"

    def __getitem__(self, date: Any) -> gpd.GeoDataFrame:
        day = _date(date)
        if day not in self._sets:
            raise KeyError(str(day.date()))
        return self._sets[day].copy()

    def as_of(self, date: Any) -> gpd.GeoDataFrame:
        """The latest snapshot dated on or before ``date`` (an empty zone set before the first)."""
        day = _date(date)
        earlier = [d for d in self.dates if d <= day]
        if not earlier:
            return empty_zones()
        return self._sets[earlier[-1]].copy()

    def to_frame(self) -> gpd.GeoDataFrame:
        """All snapshots in one table with ``valid_from`` = its date and ``valid_to`` = the next date."""
        if not self._sets:
            return empty_zones()
        parts = []
        dates = self.dates
        for position, day in enumerate(dates):
            part = self._sets[day].copy()
            part["valid_from"] = pd.Series([day] * len(part), index=part.index, dtype="datetime64[ns]")
            following = dates[position + 1] if position + 1 < len(dates) else pd.NaT
            part["valid_to"] = pd.Series([following] * len(part), index=part.index, dtype="datetime64[ns]")
            parts.append(part)
        return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=4326)
