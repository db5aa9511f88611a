"""Example events for demos: late June / early July 2020 incidents coded from two public reports.

The table is ``conflictmap/data/examples/events_2020-06.csv`` (notes in our own words; the
publisher, date and address of each report as the source).

Examples
--------
>>> events = load_example_events()
>>> len(events) >= 15, events.match_status.ne("unresolved").all()
(True, True)
>>> events.loc[events.location == "Kashal Ubayd", "admin1"].item()
'Ar-Raqqa'
"""

from __future__ import annotations

import geopandas as gpd

from .schema import DATA_DIR

__all__ = ["load_example_events", "EXAMPLE_EVENTS"]

EXAMPLE_EVENTS = DATA_DIR / "examples" / "events_2020-06.csv"


def load_example_events(*, attach: bool = True) -> gpd.GeoDataFrame:
    """The bundled example events, attached to gazetteer places (or as coded, with ``attach=False``).

    Examples
    --------
    >>> bool(load_example_events(attach=False).geometry.isna().all())
    True
    """
    from .io import read_events

    if not attach:
        return read_events(EXAMPLE_EVENTS)
    from .attach import attach_events

    return attach_events(EXAMPLE_EVENTS).events
