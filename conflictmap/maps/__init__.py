"""Folium map layers for conflict events and control zones; each layer function takes ``m=None``
and returns the layer so they compose, and :func:`conflict_map` builds the whole map."""
