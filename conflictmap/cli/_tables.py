"""Reading and writing plain tables at the command-line edge (CSV, TSV, Excel, GeoJSON, GeoParquet).

Input cells are read as text so that every input column comes back out exactly as it went in;
outputs are written atomically (a temporary file in the same folder, then ``os.replace``).

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_table(pd.DataFrame({"location": ["Saraqib"], "code": ["007"]}), pathlib.Path(tmp) / "t.csv")
...     read_table(path)["code"].tolist()
['007']
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

import pandas as pd

from .._optional import import_optional
from .._atomic import atomic_path
from ..csvtext import read_csv_file, read_excel_file
from ..errors import InputError

log = logging.getLogger(__name__)

__all__ = ["read_table", "write_table", "check_output", "check_not_input", "check_date", "TABLE_SUFFIXES",
           "OUTPUT_SUFFIXES"]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
OUTPUT_SUFFIXES = (".csv", ".tsv", ".geojson", ".gpkg", ".parquet")


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV/TSV/Excel table with every cell as text ('' for empty cells).

    Raises
    ------
    InputError
        When the file is missing, unreadable or of an unknown type.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError("file not found", source=str(file))
    suffix = file.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            return read_csv_file(file, sep={".csv": ",", ".tsv": "\t"}.get(suffix))
        if suffix in (".xlsx", ".xlsm"):
            import_optional("openpyxl", extra="excel", purpose="reading Excel tables")
            return read_excel_file(file, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read the table: {str(exc).splitlines()[0]}", source=str(file)) from None
    raise InputError(f"unknown table type; use one of {', '.join(TABLE_SUFFIXES)}", value=file.suffix,
                     source=str(file))


def check_output(path: str | os.PathLike) -> Path:
    """Fail early on an output path :func:`write_table` cannot write (unknown type, no folder).

    Examples
    --------
    >>> check_output("out.csv").name
    'out.csv'
    """
    file = Path(path)
    if file.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(f"unknown output type; use one of {', '.join(OUTPUT_SUFFIXES)}", value=file.suffix,
                         source=str(file))
    if not file.parent.is_dir():
        raise InputError("output folder does not exist", value=str(file.parent))
    return file


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)  # also a hard link or another spelling of the path
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_not_input(output: str | os.PathLike, *inputs: str | os.PathLike | None) -> Path:
    """Refuse an output path that is one of the command's input files (writing it would destroy the input).

    Examples
    --------
    >>> check_not_input("out.csv", "in.csv", None).name
    'out.csv'
    >>> check_not_input("./ev.csv", "ev.csv")
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: the output ./ev.csv is the input ev.csv; write to another file
    """
    out = Path(output)
    for given in inputs:
        if given is not None and str(given) != "" and _same_file(out, Path(given)):
            raise InputError(f"the output {output} is the input {given}; write to another file")
    return out


def check_date(text: str | None, option: str) -> str | None:
    """A YYYY-MM-DD option value, refused in one line otherwise (before any work is done).

    Examples
    --------
    >>> check_date("2020-07-01", "--as-of"), check_date(None, "--as-of")
    ('2020-07-01', None)
    >>> check_date("yesterday", "--as-of")
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: column 'as_of', value 'yesterday': as_of is not a date (use YYYY-MM-DD)
    """
    if text is None:
        return None
    column = option.lstrip("-").replace("-", "_")
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{column} is not a date (use YYYY-MM-DD)", column=column, value=text) from None
    return text.strip()


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a (Geo)DataFrame; the suffix picks the format. Text tables drop the geometry column.

    Raises
    ------
    InputError
        For an unknown suffix or a missing output folder.
    """
    file = check_output(path)
    suffix = file.suffix.lower()
    with atomic_path(file) as tmp:
        if suffix in (".csv", ".tsv"):
            table = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
            table.to_csv(tmp, sep="\t" if suffix == ".tsv" else ",", index=False, encoding="utf-8")
        else:
            import geopandas as gpd

            if not isinstance(frame, gpd.GeoDataFrame):
                raise InputError("a map format needs a geometry; write .csv instead", value=file.suffix)
            if suffix == ".parquet":
                frame.to_parquet(tmp, index=False)
            else:
                frame.to_file(tmp, driver="GPKG" if suffix == ".gpkg" else "GeoJSON", engine="pyogrio",
                             layer=file.stem)

    log.info("wrote %d row(s) to %s", len(frame), file)
    return file
