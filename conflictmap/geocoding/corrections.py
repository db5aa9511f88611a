"""The analyst's corrections file: ``name, admin1, place_id, note`` (one fix per row).

Read by the geocoder (corrections win over every other method) and written by
:func:`conflictmap.events.attach.save_corrections`.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "fix.csv"
>>> _ = path.write_text("name,place_id\\nBenin,gn:171836\\n", encoding="utf-8")
>>> read_corrections(path).to_dict("records")
[{'name': 'Benin', 'admin1': '', 'place_id': 'gn:171836', 'note': ''}]
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import InputError

__all__ = ["CORRECTION_COLUMNS", "read_corrections"]

CORRECTION_COLUMNS = ["name", "admin1", "place_id", "note"]


def read_corrections(path: str | os.PathLike, *, missing_ok: bool = False) -> pd.DataFrame:
    """Read a corrections CSV as text; ``name`` and ``place_id`` are required columns.

    With ``missing_ok`` a file that does not exist gives an empty table.
    """
    path = Path(path)
    if missing_ok and not path.exists():
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read corrections: {exc}", source=str(path)) from None
    for column in ("name", "place_id"):
        if column not in table.columns:
            raise InputError(f"corrections file needs a {column!r} column", source=str(path), column=column)
    for column in CORRECTION_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table[CORRECTION_COLUMNS]
