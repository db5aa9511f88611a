"""The stored name index: same answers as a fresh build, a key that follows every input, and a
cache that never crashes and never unpickles."""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conflictmap import Geocoder, get_gazetteer
from conflictmap.geocoding import index_store
from conflictmap.geocoding.index_store import (CorruptIndex, StoredTable, UnsupportedIndex, index_key, load, load_or_build,
                                     store, stored_path)
from conflictmap.geocoding.matching import NameIndex

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache folder of its own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(index_store.ENV_VAR, str(folder))
    return folder


@pytest.fixture(scope="module")
def small(gazetteer):
    """The places of one governorate: an index that builds in a fraction of a second."""
    places = gazetteer.places[gazetteer.places["admin1_pcode"].isin(["SY07", ""])].reset_index(drop=True)
    return type(gazetteer)(places, gazetteer._sources.rows)


@pytest.fixture(scope="module")
def small_fresh(small) -> NameIndex:
    return NameIndex(small)


@pytest.fixture(scope="module")
def fresh(gazetteer) -> NameIndex:
    """An index built from the gazetteer, never stored or loaded."""
    return NameIndex(gazetteer)


@pytest.fixture(scope="module")
def loaded(gazetteer, fresh, tmp_path_factory) -> NameIndex:
    """The same index written to disk and read back."""
    path = tmp_path_factory.mktemp("stored") / "index.npz"
    key = index_key(NameIndex, gazetteer)
    store(fresh, gazetteer, path, key)
    return load(NameIndex, gazetteer, path, key)


def _pair(gazetteer, fresh, loaded) -> tuple[Geocoder, Geocoder]:
    a, b = Geocoder(gazetteer), Geocoder(gazetteer)
    a.index, b.index = fresh, loaded
    return a, b


# --------------------------------------------------------------------------- same answers
def _noisy(name: str, rng: np.random.Generator) -> str:
    """A report-style misspelling: a vowel changed, a letter doubled or dropped, the case, an article."""
    out = name
    for _ in range(int(rng.integers(1, 3))):
        kind = int(rng.integers(6))
        i = int(rng.integers(len(out))) if out else 0
        if kind == 0 and out:
            out = out[:i] + "aeiou"[int(rng.integers(5))] + out[i + 1:]
        elif kind == 1 and out:
            out = out[:i] + out[i] + out[i:]
        elif kind == 2 and len(out) > 4:
            out = out[:i] + out[i + 1:]
        elif kind == 3:
            out = out.lower() if rng.random() < 0.5 else out.upper()
        elif kind == 4:
            out = ("al-" + out) if not out.lower().startswith("al") else out[3:]
        else:
            out = out.replace("ou", "u").replace("K", "Q").replace("ah", "eh")
    return out.strip() or name


def test_loaded_index_has_every_attribute_of_a_fresh_one(fresh, loaded, gazetteer):
    assert set(vars(loaded)) == set(vars(fresh))
    for name, value in vars(fresh).items():
        other = getattr(loaded, name)
        if isinstance(value, np.ndarray):
            assert other.dtype == value.dtype and other.shape == value.shape, name
            assert np.array_equal(other, value, equal_nan=value.dtype.kind == "f"), name
        elif name == "gazetteer":
            assert other is gazetteer
        elif isinstance(value, type(threading.Lock())):
            assert isinstance(other, type(threading.Lock())) and other is not value
        else:
            assert other == value, name
            assert type(other) in (type(value), StoredTable), name


def test_a_stored_table_decodes_the_rest_at_once_after_many_keys(tmp_path, gazetteer, fresh):
    """A batch reads thousands of keys: past ``BULK_AFTER`` single decodes the table decodes every
    key in one pass. Values already handed out keep their identity; every value equals the
    built dict's; a missing key is still missing."""
    path = tmp_path / "index.npz"
    key = index_key(NameIndex, gazetteer)
    store(fresh, gazetteer, path, key)
    table = load(NameIndex, gazetteer, path, key).key
    keys = list(fresh.key)
    assert len(keys) > StoredTable.BULK_AFTER + 10
    first = table.get(keys[0])
    for k in keys[1:StoredTable.BULK_AFTER + 2]:
        table.get(k)
    assert table._misses == -1  # all decoded now
    assert table.get(keys[0]) is first
    assert all(table.get(k) == fresh.key[k] for k in keys)
    assert table.get("no such key") is None and table["no such key"] == [] and "no such key" not in table


def test_same_answers_on_gazetteer_names_and_noisy_variants(gazetteer, fresh, loaded):
    """Names taken from the gazetteer itself (every kind and script) and misspelt variants."""
    rng = np.random.default_rng(13)
    names = gazetteer.names
    sample = names.iloc[rng.choice(len(names), size=900, replace=False)]
    queries = list(sample["name"])
    queries += [_noisy(n, rng) for n in sample["name"][:600] if isinstance(n, str) and n]
    queries += ["Kansafra, Jabal al-Zawiya", "Ruwayhah", "Tell Abiad village", "  ", "xyzzy"]
    hints = [None, "Idlib", "Aleppo", "SY02"]
    a, b = _pair(gazetteer, fresh, loaded)
    differences = []
    for i, q in enumerate(queries):
        hint = hints[i % len(hints)]
        ma, mb = a.resolve(q, admin1=hint), b.resolve(q, admin1=hint)
        if ma != mb:
            differences.append((q, hint, ma.as_dict(), mb.as_dict()))
        if i % 7 == 0:
            assert fresh.lookup(q) == loaded.lookup(q)
            assert fresh.lookup(q, admin1_pcodes=("SY07",)) == loaded.lookup(q, admin1_pcodes=("SY07",))
    assert not differences, differences[:3]
    assert sum(a.resolve(q).status == "matched" for q in queries[:900]) > 450  # the comparison has substance


@pytest.mark.shared
def test_same_answers_on_the_development_sets(shared_dir, gazetteer, fresh, loaded):
    a, b = _pair(gazetteer, fresh, loaded)
    airwars = pd.read_csv(shared_dir / "eval" / "airwars_dev.csv", dtype=str, keep_default_na=False)
    ucdp = pd.read_csv(shared_dir / "eval" / "ucdp_dev.csv", dtype=str, keep_default_na=False)
    seeds = pd.read_csv(shared_dir / "eval" / "seed_places.csv", dtype=str, keep_default_na=False)
    rows = ([(r.location, r.admin1) for r in airwars.itertuples()] + [(r.location_ar, r.admin1) for r in airwars.itertuples()]
            + [(r.location, r.admin1) for r in ucdp.itertuples()] + [(r.query, r.admin1_hint) for r in seeds.itertuples()])
    assert len(rows) > 1500
    for query, hint in rows:
        for h in (hint or None, None):
            assert a.resolve(query, admin1=h) == b.resolve(query, admin1=h), (query, h)


def test_batch_and_places_in_text_agree(gazetteer, fresh, loaded):
    import conflictmap

    a, b = _pair(gazetteer, fresh, loaded)
    df = pd.DataFrame({"location": list(gazetteer.names["name"][::97]) + ["Kafr Nabl", None]})
    pd.testing.assert_frame_equal(conflictmap.geocode(df, geocoder=a), conflictmap.geocode(df, geocoder=b))
    # find_places reads the tables directly (``in``, ``get``)
    for table in ("exact", "key", "compact"):
        for k in list(getattr(fresh, table))[::501]:
            assert k in getattr(loaded, table)
            assert getattr(loaded, table)[k] == getattr(fresh, table)[k]
    assert "no such key at all" not in loaded.key


# --------------------------------------------------------------------------- load or build
def test_first_use_stores_then_loads(cache, gazetteer, caplog):
    caplog.set_level(logging.INFO, logger="conflictmap.geocoding.index_store")
    key = index_key(NameIndex, gazetteer)
    built = load_or_build(NameIndex, gazetteer)
    assert stored_path(key).is_file()
    assert "building it" in caplog.text
    caplog.clear()
    again = load_or_build(NameIndex, gazetteer)
    assert isinstance(again.key, StoredTable) and not isinstance(built.key, StoredTable)
    assert again.lookup("Kansafra") == built.lookup("Kansafra")
    assert "building" not in caplog.text


def test_for_gazetteer_uses_the_store(cache, small):
    gz = type(small)(small.places, small._sources.rows)  # a new object: not in the memory cache
    NameIndex.for_gazetteer(gz)
    assert [p.name for p in index_store.stored_files()] == [stored_path(index_key(NameIndex, gz)).name]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "npy", "wrong key"])
def test_corrupt_file_is_rebuilt_with_a_log_line(cache, small, small_fresh, damage, caplog):
    key = index_key(NameIndex, small)
    path = stored_path(key)
    store(small_fresh, small, path, key)
    if damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "npy":
        with open(path, "wb") as fh:
            np.save(fh, np.arange(10))
    else:  # a valid file of another key put under this name
        store(small_fresh, small, path, "0" * 32)
    caplog.set_level(logging.WARNING, logger="conflictmap.geocoding.index_store")
    index = load_or_build(NameIndex, small)
    assert "rebuilding" in caplog.text and str(path) in caplog.text
    assert index.lookup("Kafr Nabl") == small_fresh.lookup("Kafr Nabl")
    load(NameIndex, small, path, key)  # rewritten, readable again


def test_unwritable_cache_works_without_storing(tmp_path, monkeypatch, small, small_fresh, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(index_store.ENV_VAR, str(blocker / "cache"))
    caplog.set_level(logging.WARNING, logger="conflictmap.geocoding.index_store")
    index = load_or_build(NameIndex, small)
    assert "cannot store the name index" in caplog.text
    assert index.lookup("Kafr Nabl") == small_fresh.lookup("Kafr Nabl")
    assert index_store.stored_files() == []


def test_unreadable_file_is_rebuilt(cache, small, small_fresh, caplog):
    path = stored_path(index_key(NameIndex, small))
    path.mkdir(parents=True)  # something that cannot be opened as a file stands where the file goes
    caplog.set_level(logging.WARNING, logger="conflictmap.geocoding.index_store")
    index = load_or_build(NameIndex, small)
    assert index.lookup("Saraqib") == small_fresh.lookup("Saraqib")
    assert "cannot store" in caplog.text or "rebuilding" in caplog.text


def test_geocoder_works_when_the_cache_folder_is_unusable(tmp_path):
    """In a fresh process, with the cache folder under a file: a warning, a right answer, exit 0."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = dict(os.environ, CONFLICTMAP_CACHE_DIR=str(blocker / "cache"))
    done = subprocess.run([sys.executable, "-m", "conflictmap", "places", "Kansafrah", "--json"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"place_id": "gn:168572"' in done.stdout
    assert "cannot store the name index" in done.stderr


def test_old_files_are_pruned(cache, small, small_fresh, monkeypatch):
    monkeypatch.setattr(index_store, "KEEP", 2)
    cache.mkdir(parents=True)
    for i in range(3):
        old = cache / f"nameindex-{i:032x}.npz"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    load_or_build(NameIndex, small)
    names = [p.name for p in index_store.stored_files()]
    assert names == [stored_path(index_key(NameIndex, small)).name, f"nameindex-{2:032x}.npz"]


def test_clear_removes_the_stored_files(cache, small):
    load_or_build(NameIndex, small)
    assert index_store.clear() == 1 and index_store.stored_files() == []
    for module in ("conflictmap.index_store", "conflictmap.geocoding.index_store"):  # README's name, and the module's
        done = subprocess.run([sys.executable, "-m", module], capture_output=True, text=True,
                              env=dict(os.environ), timeout=120)
        assert done.returncode == 0 and str(cache) in done.stdout and "0 stored" in done.stdout, done.stderr


# --------------------------------------------------------------------------- the key
def test_user_places_and_changed_places_get_their_own_key(gazetteer, cache):
    base = index_key(NameIndex, gazetteer)
    user = gazetteer.with_user_places(pd.DataFrame([{"name": "Camp Zulu Example", "longitude": 36.61,
                                                     "latitude": 35.91}]))
    assert index_key(NameIndex, user) != base
    alias = gazetteer.with_user_places(pd.DataFrame([{"place_id": "gn:168572", "name": "Kansafra the Example"}]))
    assert index_key(NameIndex, alias) not in (base, index_key(NameIndex, user))
    moved = gazetteer.places.copy()
    moved.loc[moved.index[5], "longitude"] += 0.01
    assert index_key(NameIndex, type(gazetteer)(moved)) != base
    # the same content built the same way in another object (or process) has the same key: loaded
    # from the same file, or built from equal tables
    assert index_key(NameIndex, type(gazetteer).load()) == base
    assert gazetteer.source_digest and type(gazetteer)(gazetteer.places.copy()).source_digest is None
    copies = [index_key(NameIndex, type(gazetteer)(gazetteer.places.copy())) for _ in range(2)]
    assert copies[0] == copies[1] != base
    g = Geocoder(user)
    assert g.resolve("Camp Zulu Example").place_id == "user:1"
    assert len(index_store.stored_files()) == 1  # the user gazetteer's own file
    assert Geocoder(gazetteer).resolve("Camp Zulu Example").place_id != "user:1"


def test_a_gazetteer_file_is_keyed_by_its_bytes(gazetteer, tmp_path):
    moved = gazetteer.places.copy()
    moved.loc[moved.index[5], "longitude"] += 0.01
    moved.to_parquet(tmp_path / "moved.parquet")
    (tmp_path / "same.parquet").write_bytes((tmp_path / "moved.parquet").read_bytes())
    keys = [index_key(NameIndex, type(gazetteer).load(tmp_path / name)) for name in ("moved.parquet", "same.parquet")]
    assert keys[0] == keys[1] != index_key(NameIndex, gazetteer)
    assert type(gazetteer).load(tmp_path / "moved.parquet").places["longitude"].iloc[5] == moved["longitude"].iloc[5]


def test_corrections_are_applied_over_a_stored_index(gazetteer, cache):
    """Corrections are not part of the index (the geocoder applies them first): same key, and
    they still win."""
    g = Geocoder(gazetteer, corrections={"Our base": "gn:168572"})
    assert g.resolve("Our base").place_id == "gn:168572"
    assert g.resolve("Our base").method == "correction"


def _fake_package(root: Path) -> Path:
    pkg = root / "conflictmap"
    (pkg / "data").mkdir(parents=True)
    (pkg / "__init__.py").write_text("__version__ = 'x'\n")
    (pkg / "matching.py").write_text("from .normalize import fold\nfrom . import helpers\n"
                                     "def lazy():\n    from .rules import r\n")
    (pkg / "normalize.py").write_text("from ._data import data_rows\nRULES = data_rows('name_variants.csv')\n")
    (pkg / "_data.py").write_text("import csv\n")
    (pkg / "helpers.py").write_text("X = 1\n")
    (pkg / "rules.py").write_text("r = 2\n")
    (pkg / "unrelated.py").write_text("Y = 1\n")
    (pkg / "data" / "name_variants.csv").write_text("canonical,variants\ntal,tell|tel\n")
    (pkg / "data" / "map.json").write_text("{}")
    return pkg


def test_code_fingerprint_follows_the_rules_and_their_data(tmp_path, monkeypatch):
    pkg = _fake_package(tmp_path)
    monkeypatch.setattr(index_store, "PACKAGE_DIR", pkg)
    monkeypatch.setattr(index_store, "DATA_DIR", pkg / "data")

    def fingerprint() -> str:
        index_store.code_fingerprint.cache_clear()
        return index_store.code_fingerprint("conflictmap.matching", "NameIndex")

    closure = {p.name for p, _ in index_store._module_closure("conflictmap.matching")}
    assert closure == {"matching.py", "normalize.py", "_data.py", "helpers.py", "rules.py"}
    first = fingerprint()
    (pkg / "unrelated.py").write_text("Y = 2\n")
    (pkg / "data" / "map.json").write_text("{\"a\": 1}")
    assert fingerprint() == first  # neither is read by the index
    for path, text in [(pkg / "normalize.py", "RULES = 'changed folding rule'\nfrom ._data import data_rows\n"),
                       (pkg / "data" / "name_variants.csv", "canonical,variants\ntal,tell|tel|tall\n"),
                       (pkg / "rules.py", "r = 3\n"), (pkg / "_data.py", "import csv  # changed\n")]:
        before = fingerprint()
        path.write_text(text)
        assert fingerprint() != before, path.name
    index_store.code_fingerprint.cache_clear()


def test_real_key_covers_normalize_and_name_variants():
    files = {p.name for p, _ in index_store._module_closure("conflictmap.geocoding.matching")}
    assert {"matching.py", "normalize.py", "_data.py"} <= files
    names = set()
    for path, source in index_store._module_closure("conflictmap.geocoding.matching"):
        names |= index_store._data_literals(source)
    assert "name_variants.csv" in names


# --------------------------------------------------------------------------- arrays, never pickles
def test_a_pickle_in_the_cache_is_refused(cache, small, small_fresh, caplog):
    key = index_key(NameIndex, small)
    path = stored_path(key)
    path.parent.mkdir(parents=True)

    class Payload:
        def __reduce__(self):
            return (exec, ("import sys; sys._conflictmap_pickle_ran = True",))

    path.write_bytes(pickle.dumps({"index": Payload()}))
    caplog.set_level(logging.WARNING, logger="conflictmap.geocoding.index_store")
    index = load_or_build(NameIndex, small)
    assert not getattr(sys, "_conflictmap_pickle_ran", False)
    assert "rebuilding" in caplog.text
    assert index.lookup("Kafr Nabl") == small_fresh.lookup("Kafr Nabl")


def test_an_object_array_in_a_stored_file_is_refused(cache, small, small_fresh, caplog):
    """A file laid out like a stored index whose text pool is a pickled object array."""
    key = index_key(NameIndex, small)
    path = stored_path(key)
    store(small_fresh, small, path, key)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {n: npz[n] for n in npz.files}
    arrays["texts"] = np.array([b"x", object()], dtype=object)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)  # np.savez pickles object arrays
    with pytest.raises(ValueError, match="allow_pickle"):
        load(NameIndex, small, path, key)
    caplog.set_level(logging.WARNING, logger="conflictmap.geocoding.index_store")
    load_or_build(NameIndex, small)
    assert "rebuilding" in caplog.text


def test_store_module_never_unpickles():
    source = Path(index_store.__file__).read_text()
    assert "import pickle" not in source and "pickle.load" not in source
    calls = re.findall(r"\bnp\.load\(([^)]*)\)", source)
    assert calls and all("allow_pickle=False" in args for args in calls), calls
    assert "numpy.load" not in source.replace("numpy.load(..., allow_pickle=False)", "")


# --------------------------------------------------------------------------- generic serialisation
class _Everything:
    """An index-like object with one attribute of every storable kind."""

    def __init__(self, gazetteer):
        self.gazetteer = gazetteer
        self.lock = threading.Lock()
        self.rlock = threading.RLock()
        self.nothing = None
        self.flag, self.count, self.ratio, self.label = True, 3, 0.5, "Kafr Nabl"
        self.ints = np.arange(5, dtype=np.int16)
        self.floats = np.array([[1.5, np.nan], [2.0, -0.0]])
        self.fixed = np.array(["ab", "c"])
        self.texts = np.array(["Idlib", "إدلب", "", "x\u2019y"], dtype=object)
        self.seq = ["b", "a", "b"]
        self.tup = (1, 2, 3)
        self.empty_list = []
        self.row_of = {"gn:1": 0, "gn:2": 1}
        self.empty_dict = {}
        self.multi = defaultdict(list, {"kafr nabl": [(0, "Kafr Nabl"), (1, "Kfar Nabl")], "x": [], "ادلب": [(2, "إدلب")]})
        self.floats_by = {"a": [1.5, 2.5], "b": []}
        self.tuples = {"k": ((1, 0.5, "s", True),)}
        self.choices = {"SY07": ["a", "b"], "SY02": ["c"]}


def test_every_storable_kind_round_trips(tmp_path, gazetteer):
    obj = _Everything(gazetteer)
    path = tmp_path / "everything.npz"
    store(obj, gazetteer, path, "k" * 32)
    back = load(_Everything, gazetteer, path, "k" * 32)
    assert back.gazetteer is gazetteer
    assert type(back.lock) is type(obj.lock) and type(back.rlock) is type(obj.rlock)
    for name in ("nothing", "flag", "count", "ratio", "label", "seq", "tup", "empty_list", "row_of", "empty_dict"):
        assert getattr(back, name) == getattr(obj, name) and type(getattr(back, name)) is type(getattr(obj, name)), name
    for name in ("ints", "floats", "fixed", "texts"):
        a, b = getattr(obj, name), getattr(back, name)
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    for name in ("multi", "floats_by", "tuples", "choices"):
        assert getattr(back, name) == getattr(obj, name), name
        assert dict(getattr(back, name).items()) == dict(getattr(obj, name))
    assert back.multi["missing"] == [] and "missing" not in back.multi  # defaultdict-like, nothing inserted
    with pytest.raises(KeyError):
        back.choices["missing"]
    assert back.tuples["k"] == ((1, 0.5, "s", True),) and isinstance(back.tuples["k"], tuple)
    assert back.multi.get("kafr nabl") is back.multi.get("kafr nabl")  # decoded once


@pytest.mark.parametrize("value", [object(), {"a": [1, "b"]}, {1: "a"}, [1, "a"], np.array([1, None], dtype=object),
                                   {"a": [(1, "x"), (2,)]}, ["a\x00b"], [np.int64(3)]])
def test_what_cannot_be_stored_exactly_is_not_stored(tmp_path, gazetteer, value, cache, caplog):
    class Odd:
        def __init__(self, gz):
            self.gazetteer = gz
            self.table = {"a": [(1, "x")]}
            self.odd = value

    with pytest.raises(UnsupportedIndex):
        store(Odd(gazetteer), gazetteer, tmp_path / "odd.npz", "o" * 32)
    assert not (tmp_path / "odd.npz").exists()
    caplog.set_level(logging.WARNING, logger="conflictmap.geocoding.index_store")
    index = load_or_build(Odd, gazetteer)
    assert "cannot be stored" in caplog.text and index.odd is value
    assert index_store.stored_files() == []


def test_load_checks_the_class(tmp_path, gazetteer):
    path = tmp_path / "index.npz"
    store(_Everything(gazetteer), gazetteer, path, "c" * 32)
    with pytest.raises(CorruptIndex, match="class"):
        load(NameIndex, gazetteer, path, "c" * 32)


# --------------------------------------------------------------------------- what a look-up imports
HEAVY = ("folium", "branca", "dask", "distributed", "matplotlib", "jupyter", "IPython", "notebook")


@pytest.mark.parametrize("code", [
    "import conflictmap; conflictmap.Geocoder; conflictmap.Geocoder().geocode('Kafr Nabl')",
    "import conflictmap.cli.places_cmd",
    "from conflictmap.cli import main; main(['places', 'Kansafrah'])",
])
def test_geocoding_path_imports_no_map_dask_or_plotting(code):
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "conflictmap" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
