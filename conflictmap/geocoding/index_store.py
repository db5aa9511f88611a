"""The stored name index: build :class:`~conflictmap.geocoding.matching.NameIndex` once, then load it.

Building the index of every name of every place takes seconds; loading the stored one takes a
fraction of that. The index is stored at first use in a per-user cache folder
(:func:`cache_dir`: ``$CONFLICTMAP_CACHE_DIR`` when set, else the platform's user cache folder
from platformdirs, e.g. ``~/.cache/conflictmap/nameindex`` on Linux), one file per key.

The key (:func:`index_key`) hashes everything the index is computed from, so a stored index can
never be stale:

* the gazetteer's content: every column of its place table and every geometry (a gazetteer with
  user places therefore gets its own key; corrections are not part of the index, the geocoder
  applies them before any look-up);
* the package version and this module's storage format;
* the source of the module that defines the index class and of every conflictmap module it
  imports (normalisation rules included), and the data files those modules name plus every CSV
  in ``conflictmap/data`` (``name_variants.csv`` ...): a developer who changes a folding rule
  gets a new key and a fresh index.

Storage is arrays only: one ``.npz`` archive of plain numeric arrays (strings as UTF-8 bytes and
integer codes) with a JSON description, read with ``numpy.load(..., allow_pickle=False)``;
nothing read from disk can execute code. The serialisation is generic: every attribute the
index's constructor sets is stored by its type (numpy arrays, lists of text, dicts of scalars,
dicts of lists of scalars or tuples of scalars, plain scalars); the gazetteer and locks are set
again on load. An attribute of another type disables storing (with a log line) rather than
storing something that cannot be read back exactly.

A missing, stale, corrupt or unreadable file is rebuilt (with a log line), and a cache folder
that cannot be written only means the index is built in memory each time: never a crash.
Files are written atomically; the :data:`KEEP` most recently used are kept.

Examples
--------
>>> from conflictmap.gazetteer import get_gazetteer
>>> from conflictmap.geocoding.matching import NameIndex
>>> key = index_key(NameIndex, get_gazetteer())
>>> len(key), key == index_key(NameIndex, get_gazetteer())
(32, True)
>>> stored_path(key).name.startswith("nameindex-")
True
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
import os
import re
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import atomic_path
from .._gcpause import paused_gc
from ..errors import ConflictmapError

log = logging.getLogger(__name__)

__all__ = ["ENV_VAR", "cache_dir", "index_key", "stored_path", "load_or_build", "load", "store",
           "stored_files", "clear", "UnsupportedIndex", "CorruptIndex"]

ENV_VAR = "CONFLICTMAP_CACHE_DIR"
FORMAT = 1  # bump when the file layout below changes
PREFIX = "nameindex-"
SUFFIX = ".npz"
KEEP = 8  # stored indexes kept (most recently used first)
PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PACKAGE_DIR / "data"
_SEP = "\x00"  # joins the string pool; normalised names never contain it (a text that does is refused)
_SCALARS = (bool, int, float, str)
_CODE = np.int32  # text codes (an index with more than 2**31 distinct texts is refused)
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))
_DATA_SUFFIXES = (".csv", ".json", ".txt", ".tsv")


class UnsupportedIndex(ConflictmapError, TypeError):
    """The index has an attribute this module cannot store exactly (it is then not stored)."""


class CorruptIndex(ConflictmapError, ValueError):
    """A stored file is not a valid stored index for the expected key."""


# ---------------------------------------------------------------------------------- location
def cache_dir() -> Path:
    """The folder of stored indexes: ``$CONFLICTMAP_CACHE_DIR`` or the user cache folder.

    Examples
    --------
    >>> import os
    >>> cache_dir().name == "nameindex" or "CONFLICTMAP_CACHE_DIR" in os.environ
    True
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("conflictmap", appauthor=False)) / "nameindex"


def stored_path(key: str) -> Path:
    """Where the index of a key is stored."""
    return cache_dir() / f"{PREFIX}{key}{SUFFIX}"


def stored_files() -> list[Path]:
    """Stored index files, most recently used first."""
    try:
        files = [p for p in cache_dir().glob(f"{PREFIX}*{SUFFIX}") if p.is_file()]
    except OSError:
        return []
    return sorted(files, key=_mtime, reverse=True)


def clear() -> int:
    """Delete every stored index; return how many files were removed.

    Examples
    --------
    >>> isinstance(clear(), int)
    True
    """
    removed = 0
    for path in stored_files():
        try:
            path.unlink()
            removed += 1
        except OSError as exc:
            log.warning("cannot remove stored name index %s: %s", path, exc)
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# ---------------------------------------------------------------------------------- the key
def index_key(cls: type, gazetteer: Any) -> str:
    """Hash of everything an index of ``cls`` over ``gazetteer`` is computed from (32 hex digits)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code_fingerprint(cls.__module__, cls.__qualname__).encode())
    digest.update(gazetteer_fingerprint(gazetteer).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def code_fingerprint(module: str, qualname: str = "") -> str:
    """Hash of the package version, the storage format, the source of ``module`` and of every
    conflictmap module it imports, and of the data files they may read.

    Examples
    --------
    >>> code_fingerprint("conflictmap.geocoding.matching") == code_fingerprint("conflictmap.geocoding.matching")
    True
    """
    from .. import __version__

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"format {FORMAT}; conflictmap {__version__}; numpy {np.lib.NumpyVersion(np.__version__).major}; "
                  f"{module}.{qualname}".encode())
    digest.update(Path(__file__).read_bytes())
    literals: set[str] = set()
    for path, source in _module_closure(module):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + source)
        literals |= _data_literals(source)
    data = {p for p in DATA_DIR.glob("*.csv")}
    for name in literals:
        candidate = (DATA_DIR / name).resolve()
        if candidate.is_file() and DATA_DIR in candidate.parents:
            data.add(candidate)
    for path in sorted(data):
        digest.update(str(path.relative_to(DATA_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _module_file(dotted: str) -> Path | None:
    parts = dotted.split(".")
    if parts[0] != "conflictmap" or len(parts) < 2:
        return None  # other packages, and the package's own __init__ (its version is keyed above)
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


_IMPORT_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)", re.MULTILINE)
_DATA_NAME = re.compile(r"[\"']([\w./-]+\.(?:csv|json|txt|tsv))[\"']")


def _imported(source: str, dotted: str, is_package: bool) -> set[str]:
    """Dotted names a module's source imports (at any depth, lazy imports included).

    >>> sorted(_imported("from .normalize import keys\\nimport numpy as np", "conflictmap.geocoding.matching", False))
    ['conflictmap.geocoding', 'conflictmap.geocoding.normalize', 'conflictmap.geocoding.normalize.keys', 'numpy']
    """
    package = dotted if is_package else dotted.rpartition(".")[0]
    names: set[str] = set()
    for dots, module, what in _IMPORT_FROM.findall(source):
        if dots:
            try:
                base = importlib.util.resolve_name(dots + module, package)
            except (ImportError, ValueError):
                continue
        else:
            base = module
        names.add(base)
        # "from . import x" / "from .pkg import x" may name a module
        for alias in what.strip("() \t\n").split(","):
            alias = alias.split()[0] if alias.split() else ""
            if alias.isidentifier():
                names.add(f"{base}.{alias}")
    for group in _IMPORT.findall(source):
        names.update(n.strip() for n in group.split(","))
    # importing a.b.c runs the __init__ of a.b as well
    for name in list(names):
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(2, len(parts)))
    return names


def _module_closure(module: str) -> list[tuple[Path, bytes]]:
    """Source files (path, bytes) of ``module`` and of the conflictmap modules it imports,
    transitively."""
    seen: dict[str, tuple[Path, bytes]] = {}
    todo = [module]
    while todo:
        dotted = todo.pop()
        if dotted in seen:
            continue
        path = _module_file(dotted)
        if path is None:
            continue
        source = path.read_bytes()
        seen[dotted] = (path, source)
        text = source.decode("utf-8", "replace")
        todo.extend(n for n in _imported(text, dotted, path.name == "__init__.py") if n not in seen)
    return sorted(seen.values())


def _data_literals(source: bytes) -> set[str]:
    """Quoted names in a source that look like data files ("name_variants.csv")."""
    return {name.removeprefix("data/") for name in _DATA_NAME.findall(source.decode("utf-8", "replace"))}


_GAZETTEER_HASHES: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
_GAZETTEER_HASHES_LOCK = threading.Lock()


def gazetteer_fingerprint(gazetteer: Any) -> str:
    """Hash of a gazetteer's content: every place column (as Arrow) and every geometry; for a
    gazetteer loaded from a file (``source_digest``), the hash of that file's bytes and of the code
    that read it, which is as sure and a fraction of the time.

    Computed once per gazetteer object; two gazetteers built the same way get the same hash
    whichever process built them (a Dask worker and its client agree).

    Examples
    --------
    >>> from conflictmap.gazetteer import Gazetteer, get_gazetteer
    >>> gz = get_gazetteer()
    >>> gazetteer_fingerprint(gz) == gazetteer_fingerprint(Gazetteer.load())
    True
    >>> copy = type(gz)(gz.places.copy())
    >>> gazetteer_fingerprint(copy) == gazetteer_fingerprint(type(gz)(gz.places.copy()))
    True
    """
    with _GAZETTEER_HASHES_LOCK:
        known = _GAZETTEER_HASHES.get(gazetteer)
    if known is not None:
        return known
    source = getattr(gazetteer, "source_digest", None)
    if source:  # loaded from a file: its bytes and the code that read them say what the places are
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"file {source} {code_fingerprint(type(gazetteer).__module__)}".encode())
        return _remember(gazetteer, digest.hexdigest())
    import pandas as pd
    import pyarrow as pa
    import shapely

    places = gazetteer.places
    geometry_name = getattr(places, "_geometry_column_name", None)
    plain = pd.DataFrame({c: places[c] for c in places.columns if c != geometry_name})
    table = pa.Table.from_pandas(plain, preserve_index=False).replace_schema_metadata(None)
    table = table.cast(pa.schema([pa.field(f.name, pa.large_string()) if pa.types.is_string(f.type)
                                  else f for f in table.schema]))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(memoryview(sink.getvalue()))
    if geometry_name is not None:  # type, size and every coordinate of every geometry
        geoms = np.asarray(places[geometry_name].array, dtype=object)
        for part in (shapely.get_type_id(geoms), shapely.get_num_geometries(geoms),
                     shapely.get_num_coordinates(geoms), shapely.get_coordinates(geoms, include_z=True)):
            digest.update(np.ascontiguousarray(part).tobytes())
    return _remember(gazetteer, digest.hexdigest())


def _remember(gazetteer: Any, value: str) -> str:
    with _GAZETTEER_HASHES_LOCK:
        _GAZETTEER_HASHES[gazetteer] = value
    return value


# ---------------------------------------------------------------------------------- load or build
def load_or_build(cls: type, gazetteer: Any) -> Any:
    """The index of ``gazetteer``: loaded when stored under its key, else built and stored.

    Never raises because of the cache: an unreadable or corrupt file is rebuilt and a folder
    that cannot be written is skipped, each with a log line.
    """
    try:
        key = index_key(cls, gazetteer)
    except Exception as exc:  # noqa: BLE001 - an odd gazetteer must still get its index
        log.warning("cannot compute the stored name index key (%s: %s); building it in memory",
                    type(exc).__name__, exc)
        return cls(gazetteer)
    path = stored_path(key)
    if path.is_file():
        t0 = time.perf_counter()
        try:
            index = load(cls, gazetteer, path, key)
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with the file, rebuild it
            log.warning("stored name index %s is unreadable or corrupt (%s: %s); rebuilding it", path,
                        type(exc).__name__, exc)
        else:
            log.debug("loaded the stored name index %s in %.3f s", path.name, time.perf_counter() - t0)
            _touch(path)
            return index
    else:
        log.info("no stored name index for this gazetteer and code (key %s); building it", key)
    t0 = time.perf_counter()
    index = cls(gazetteer)
    built = time.perf_counter() - t0
    try:
        store(index, gazetteer, path, key)
    except UnsupportedIndex as exc:
        log.warning("the name index cannot be stored (%s); it is built at every start", exc)
    except OSError as exc:
        log.warning("cannot store the name index in %s (%s); it is built at every start", path.parent, exc)
    else:
        log.info("built the name index in %.1f s and stored it as %s", built, path)
        _prune(keep=path)
    return index


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves


def _prune(keep: Path) -> None:
    for old in stored_files()[KEEP:]:
        if old != keep:
            try:
                old.unlink()
            except OSError:
                pass


# ---------------------------------------------------------------------------------- encoding
class _Pool:
    """Every text of an index once, as integer codes."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, text: str) -> int:
        code = self.codes.get(text)
        if code is None:
            if _SEP in text:
                raise UnsupportedIndex(f"text contains a NUL character: {text[:40]!r}")
            if len(self.codes) >= np.iinfo(_CODE).max:
                raise UnsupportedIndex("too many distinct texts")
            code = self.codes[text] = len(self.codes)
        return code

    def array(self, texts: Any) -> np.ndarray:
        return np.fromiter((self.code(t) for t in texts), dtype=_CODE)

    def blob(self) -> np.ndarray:
        return np.frombuffer(_SEP.join(self.codes).encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _scalar_type(values: Any, what: str) -> str:
    """The one scalar type of ``values`` ("bool", "int", "float", "str") or raise."""
    types = {type(v) for v in values}
    if not types:
        return "int"
    if len(types) > 1 or next(iter(types)) not in _SCALARS:
        raise UnsupportedIndex(f"{what} holds {sorted(t.__name__ for t in types)}, not one of bool/int/float/str")
    return next(iter(types)).__name__


def _column(values: list, kind: str, pool: _Pool) -> np.ndarray:
    if kind == "str":
        return pool.array(values)
    dtype = {"bool": np.bool_, "int": np.int64, "float": np.float64}[kind]
    return np.asarray(values, dtype=dtype) if values else np.zeros(0, dtype=dtype)


def _encode(index: Any, gazetteer: Any) -> tuple[list[dict], dict[str, np.ndarray], _Pool]:
    pool = _Pool()
    attrs: list[dict] = []
    arrays: dict[str, np.ndarray] = {}
    for i, (name, value) in enumerate(vars(index).items()):
        what = f"{type(index).__name__}.{name}"
        prefix = f"a{i}"
        spec: dict[str, Any] = {"name": name}
        if value is gazetteer:
            spec["kind"] = "gazetteer"
        elif isinstance(value, _LOCK_TYPES):
            spec["kind"] = "rlock" if isinstance(value, _LOCK_TYPES[1]) else "lock"
        elif value is None or type(value) in _SCALARS:
            spec.update(kind="scalar", value=value)
        elif isinstance(value, np.ndarray):
            if value.dtype.kind in "biufcUSmM":
                spec.update(kind="array", dtype=value.dtype.str, shape=list(value.shape))
                arrays[prefix] = value
            elif value.dtype == object and _scalar_type(value.ravel().tolist(), what) == "str":
                spec.update(kind="textarray", shape=list(value.shape))
                arrays[prefix] = pool.array(value.ravel().tolist())
            else:
                raise UnsupportedIndex(f"{what} is an array of dtype {value.dtype} that does not hold text")
        elif type(value) in (list, tuple):
            kind = _scalar_type(value, what)
            spec.update(kind="sequence", container=type(value).__name__, type=kind)
            arrays[prefix] = _column(list(value), kind, pool)
        elif isinstance(value, dict):
            spec.update(_encode_dict(value, what, prefix, arrays, pool))
        else:
            raise UnsupportedIndex(f"{what} is a {type(value).__name__}")
        attrs.append(spec)
    return attrs, arrays, pool


def _encode_dict(value: dict, what: str, prefix: str, arrays: dict, pool: _Pool) -> dict[str, Any]:
    if type(value) is dict:
        factory = None
    elif type(value) is defaultdict and value.default_factory in (list, dict, set, int):
        factory = value.default_factory.__name__
    else:
        raise UnsupportedIndex(f"{what} is a {type(value).__name__}")
    if value and _scalar_type(value.keys(), f"{what} keys") != "str":
        raise UnsupportedIndex(f"{what} has keys that are not text")
    arrays[f"{prefix}_keys"] = pool.array(value.keys())
    values = list(value.values())
    containers = {type(v) for v in values}
    if not values or not containers & {list, tuple}:
        kind = _scalar_type(values, f"{what} values")
        arrays[f"{prefix}_values"] = _column(values, kind, pool)
        return {"kind": "dict", "factory": factory, "type": kind}
    if len(containers) > 1 or not containers <= {list, tuple}:
        raise UnsupportedIndex(f"{what} mixes {sorted(t.__name__ for t in containers)} values")
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    arrays[f"{prefix}_offsets"] = np.concatenate([[0], np.cumsum(lengths)])
    flat = [item for v in values for item in v]
    spec = {"kind": "multidict", "factory": factory, "container": containers.pop().__name__}
    if flat and all(type(item) is tuple for item in flat):
        width = len(flat[0])
        if any(len(item) != width for item in flat):
            raise UnsupportedIndex(f"{what} holds tuples of different lengths")
        columns = list(zip(*flat))
        types = [_scalar_type(col, f"{what} tuple field {j}") for j, col in enumerate(columns)]
        for j, (col, kind) in enumerate(zip(columns, types)):
            arrays[f"{prefix}_f{j}"] = _column(list(col), kind, pool)
        spec.update(items="tuple", types=types)
    else:
        kind = _scalar_type(flat, f"{what} items")
        arrays[f"{prefix}_f0"] = _column(flat, kind, pool)
        spec.update(items="scalar", types=[kind])
    return spec


def store(index: Any, gazetteer: Any, path: Path, key: str) -> Path:
    """Write ``index`` to ``path`` atomically (arrays only).

    Raises
    ------
    UnsupportedIndex
        when an attribute cannot be stored exactly (nothing is written).
    OSError
        when the folder cannot be written.
    """
    attrs, arrays, pool = _encode(index, gazetteer)
    meta = {"format": FORMAT, "key": key, "class": f"{type(index).__module__}.{type(index).__qualname__}",
            "texts": len(pool.codes), "attrs": attrs}
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    arrays["texts"] = pool.blob()
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
    return path


# ---------------------------------------------------------------------------------- decoding
def load(cls: type, gazetteer: Any, path: Path, key: str) -> Any:
    """Read a stored index of ``cls`` for ``gazetteer`` (pickles are refused).

    Raises
    ------
    CorruptIndex, OSError, ValueError, zipfile.BadZipFile
        when the file is not a stored index of this key.
    """
    loaded = np.load(path, allow_pickle=False)  # never unpickle: object arrays and pickles raise ValueError
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise CorruptIndex("not an .npz archive")
    with loaded as npz:
        arrays = {name: npz[name] for name in npz.files}
    try:
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptIndex(f"no readable description ({exc})") from None
    expected_class = f"{cls.__module__}.{cls.__qualname__}"
    if meta.get("format") != FORMAT or meta.get("key") != key or meta.get("class") != expected_class:
        raise CorruptIndex(f"stored for format {meta.get('format')!r}, key {meta.get('key')!r}, "
                           f"class {meta.get('class')!r}")
    n_texts = int(meta["texts"])
    blob = _array(arrays, "texts", np.uint8).tobytes().decode("utf-8", "surrogatepass")
    texts = blob.split(_SEP) if n_texts else []
    if len(texts) != n_texts:
        raise CorruptIndex(f"{len(texts)} texts, expected {n_texts}")
    pool = np.empty(n_texts, dtype=object)
    pool[:] = texts
    index = cls.__new__(cls)  # as pickle does: the state is set, the constructor (the build) is not run
    state: dict[str, Any] = {}
    with paused_gc():  # hundreds of thousands of new tuples and lists, none of them garbage: halves the time
        for i, spec in enumerate(meta["attrs"]):
            state[spec["name"]] = _decode(spec, f"a{i}", arrays, pool, gazetteer)
    index.__dict__.update(state)
    return index


def _array(arrays: dict, name: str, dtype: Any = None) -> np.ndarray:
    try:
        arr = arrays[name]
    except KeyError:
        raise CorruptIndex(f"array {name!r} missing") from None
    if dtype is not None and arr.dtype != dtype:
        raise CorruptIndex(f"array {name!r} has dtype {arr.dtype}, expected {np.dtype(dtype)}")
    if dtype is not None and arr.ndim != 1:
        raise CorruptIndex(f"array {name!r} is not one-dimensional")
    return arr


def _values(arrays: dict, name: str, kind: str, pool: np.ndarray) -> list:
    if kind == "str":
        codes = _array(arrays, name, _CODE)
        if codes.size and (codes.min() < 0 or codes.max() >= len(pool)):
            raise CorruptIndex(f"array {name!r} has text codes out of range")
        return pool[codes].tolist()
    dtype = {"bool": np.bool_, "int": np.int64, "float": np.float64}.get(kind)
    if dtype is None:
        raise CorruptIndex(f"unknown value type {kind!r}")
    return _array(arrays, name, dtype).tolist()


def _decode(spec: dict, prefix: str, arrays: dict, pool: np.ndarray, gazetteer: Any) -> Any:
    kind = spec.get("kind")
    if kind == "gazetteer":
        return gazetteer
    if kind == "lock":
        return threading.Lock()
    if kind == "rlock":
        return threading.RLock()
    if kind == "scalar":
        return spec["value"]
    if kind == "array":
        arr = _array(arrays, prefix)
        if arr.dtype.str != spec.get("dtype") or list(arr.shape) != spec.get("shape"):
            raise CorruptIndex(f"{spec['name']}: array is {arr.dtype.str} {arr.shape}, expected "
                               f"{spec.get('dtype')} {spec.get('shape')}")
        return arr
    if kind == "textarray":
        out = np.empty(len(_array(arrays, prefix, _CODE)), dtype=object)
        out[:] = _values(arrays, prefix, "str", pool)
        return out.reshape(spec["shape"])
    if kind == "sequence":
        values = _values(arrays, prefix, spec["type"], pool)
        return tuple(values) if spec["container"] == "tuple" else values
    if kind == "dict":
        keys = _values(arrays, f"{prefix}_keys", "str", pool)
        values = _values(arrays, f"{prefix}_values", spec["type"], pool)
        if len(values) != len(keys):
            raise CorruptIndex(f"{spec['name']}: {len(keys)} keys, {len(values)} values")
        out = dict(zip(keys, values))
        factory = _factory(spec)
        return out if factory is None else defaultdict(factory, out)
    if kind == "multidict":
        return StoredTable._from_arrays(spec, prefix, arrays, pool)
    raise CorruptIndex(f"unknown attribute kind {kind!r}")


def _factory(spec: dict) -> Any:
    factory = spec.get("factory")
    if factory is None:
        return None
    try:
        return {"list": list, "dict": dict, "set": set, "int": int}[factory]
    except KeyError:
        raise CorruptIndex(f"unknown dict factory {factory!r}") from None


class StoredTable(Mapping):
    """A read-only ``dict[str, list]`` of a loaded index, decoded from its arrays key by key.

    Loading builds only the key -> position map; a value (a list of scalars or tuples) is made
    from the arrays the first time its key is read, then kept. It answers ``get``, ``[]``
    (a missing key gives an empty value, as the ``defaultdict`` of a fresh build does, but
    nothing is inserted), ``in``, ``len``, iteration, ``keys``/``values``/``items`` and ``==``
    like the dict it was stored from; it cannot be changed (a loaded index is not built further).

    Examples
    --------
    >>> pool = np.array(["kafr nabl", "Kafr Nabl", "Kfar Nabl"], dtype=object)
    >>> table = StoredTable(["kafr nabl"], np.array([0, 2]),
    ...                     [("int", np.array([7, 7])), ("str", np.array([1, 2], dtype=np.int32))],
    ...                     pool, tuples=True, factory=list)
    >>> table["kafr nabl"]
    [(7, 'Kafr Nabl'), (7, 'Kfar Nabl')]
    >>> table.get("kafrnabl") is None, table["kafrnabl"], "kafrnabl" in table, len(table)
    (True, [], False, 1)
    """

    __slots__ = ("_pos", "_bounds", "_columns", "_pool", "_tuples", "_as_tuple", "_factory", "_memo", "_misses")

    #: after this many keys decoded one by one (a batch, not a few lookups), the rest are decoded
    #: at once: one vectorised pass costs what ~2,000 single decodes do
    BULK_AFTER = 2000

    def __init__(self, keys: list[str], offsets: np.ndarray, columns: list[tuple[str, np.ndarray]],
                 pool: np.ndarray, *, tuples: bool, container: str = "list", factory: Any = None):
        self._pos = dict(zip(keys, range(len(keys))))
        self._bounds = offsets.tolist()
        self._columns = columns
        self._pool = pool
        self._tuples = tuples
        self._as_tuple = container == "tuple"
        self._factory = factory
        self._memo: dict[str, Any] = {}
        self._misses = 0

    @classmethod
    def _from_arrays(cls, spec: dict, prefix: str, arrays: dict, pool: np.ndarray) -> "StoredTable":
        keys = _values(arrays, f"{prefix}_keys", "str", pool)
        offsets = _array(arrays, f"{prefix}_offsets", np.int64)
        columns = []
        for j, kind in enumerate(spec["types"]):
            name = f"{prefix}_f{j}"
            dtype = {"str": _CODE, "bool": np.bool_, "int": np.int64, "float": np.float64}.get(kind)
            if dtype is None:
                raise CorruptIndex(f"unknown value type {kind!r}")
            column = _array(arrays, name, dtype)
            if kind == "str" and column.size and (column.min() < 0 or column.max() >= len(pool)):
                raise CorruptIndex(f"array {name!r} has text codes out of range")
            columns.append((kind, column))
        total = len(columns[0][1]) if columns else 0
        if (len(offsets) != len(keys) + 1 or offsets[0] != 0 or offsets[-1] != total
                or np.any(np.diff(offsets) < 0) or any(len(c) != total for _, c in columns)):
            raise CorruptIndex(f"{spec['name']}: offsets do not match the items")
        return cls(keys, offsets, columns, pool, tuples=spec.get("items") == "tuple",
                   container=spec.get("container", "list"), factory=_factory(spec))

    def _decode(self, i: int) -> Any:
        a, b = self._bounds[i], self._bounds[i + 1]
        cols = [self._pool[col[a:b]].tolist() if kind == "str" else col[a:b].tolist() for kind, col in self._columns]
        items = list(zip(*cols)) if self._tuples else cols[0]
        return tuple(items) if self._as_tuple else items

    def _decode_all(self) -> None:
        """Decode every key not decoded yet (values already handed out keep their identity)."""
        cols = [self._pool[col].tolist() if kind == "str" else col.tolist() for kind, col in self._columns]
        items = list(zip(*cols)) if self._tuples else (cols[0] if cols else [])
        bounds, memo, as_tuple = self._bounds, self._memo, self._as_tuple
        for key, i in self._pos.items():
            if key not in memo:
                chunk = items[bounds[i]:bounds[i + 1]]
                memo[key] = tuple(chunk) if as_tuple else chunk
        self._misses = -1  # all decoded

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._memo.get(key)
        if value is None:
            if self._misses < 0:
                return default
            i = self._pos.get(key)
            if i is None:
                return default
            self._misses += 1
            if self._misses > self.BULK_AFTER:
                self._decode_all()
                return self._memo[key]
            value = self._memo[key] = self._decode(i)
        return value

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key)
        if value is None:
            if self._factory is None:
                raise KeyError(key)
            return self._factory()
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._pos

    def __iter__(self):
        return iter(self._pos)

    def __len__(self) -> int:
        return len(self._pos)

    def __repr__(self) -> str:
        return f"<StoredTable of {len(self)} keys>"


def _main(argv: list[str] | None = None) -> int:
    """``python -m conflictmap.index_store [--clear]``: show (or delete) the stored indexes."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m conflictmap.index_store",
                                     description="Show or clear the stored name indexes.")
    parser.add_argument("--clear", action="store_true", help="delete every stored index")
    args = parser.parse_args(argv)
    if args.clear:
        sys.stdout.write(f"removed {clear()} stored name index file(s) from {cache_dir()}\n")
        return 0
    files = stored_files()
    sys.stdout.write(f"{cache_dir()}: {len(files)} stored name index file(s)\n")
    for path in files:
        sys.stdout.write(f"  {path.name}  {path.stat().st_size / 1e6:.1f} MB  "
                         f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(_mtime(path)))}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
