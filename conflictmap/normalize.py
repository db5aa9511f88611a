"""Moved to :mod:`conflictmap.geocoding.normalize`; kept for the gazetteer build scripts.

``gazetteer/build.py``, ``gazetteer/linkage.py`` and ``gazetteer/ocha_ps.py`` (and code written
before the move) import ``conflictmap.normalize``: that name is the moved module itself (the same
object, so every function and setting is shared), not a copy.

Examples
--------
>>> import conflictmap.normalize, conflictmap.geocoding.normalize
>>> conflictmap.normalize is conflictmap.geocoding.normalize
True
"""

import sys

from .geocoding import normalize as _moved

sys.modules[__name__] = _moved
