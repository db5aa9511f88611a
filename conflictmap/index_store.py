"""Moved to :mod:`conflictmap.geocoding.index_store`; kept for ``python -m conflictmap.index_store``.

README tells users to run ``python -m conflictmap.index_store [--clear]``; imported, this name is
the moved module itself (the same object, not a copy).

Examples
--------
>>> import conflictmap.index_store, conflictmap.geocoding.index_store
>>> conflictmap.index_store is conflictmap.geocoding.index_store
True
"""

import sys

from .geocoding import index_store as _moved

if __name__ == "__main__":
    raise SystemExit(_moved._main())
sys.modules[__name__] = _moved
