"""Small helpers shared by the command modules (loading the gazetteer with user places)."""

from __future__ import annotations

import os

from ..gazetteer import Gazetteer, get_gazetteer

__all__ = ["load_gazetteer"]


def load_gazetteer(user_places: str | os.PathLike | None = None) -> Gazetteer:
    """The bundled gazetteer, with the user's places and aliases when a CSV is given.

    Examples
    --------
    >>> load_gazetteer() is get_gazetteer()
    True
    """
    if not user_places:
        return get_gazetteer()
    return get_gazetteer().with_user_places(os.fspath(user_places))
