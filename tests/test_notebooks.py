"""The notebooks run top to bottom with no network, write what they promise, and are committed clean.

Each notebook is executed with nbclient in a python3 kernel of this environment (cwd = notebooks/,
outputs to ``CONFLICTMAP_OUT`` = a temporary folder). A first cell, added in memory only, blocks
every non-loopback connection inside the kernel, so a notebook that reaches the network fails.
If the kernel is not this environment's Python, install it with
``python -m ipykernel install --sys-prefix --name python3``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NAMES = ["01_geocoding.ipynb", "02_idlib_june_2020.ipynb", "03_report_export.ipynb"]
SEED = REPO.parent / "shared" / "seeds" / "000_9f9c3b41995ad3b1.txt"

GUARD = r'''
import ipaddress as _ip, socket as _socket, sys as _sys
_real_connect = _socket.socket.connect
def _local(address):
    if isinstance(address, (str, bytes)):
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    if host in ("localhost", "", None):
        return True
    try:
        return _ip.ip_address(host).is_loopback
    except ValueError:
        return False
def _guarded(self, address):
    if not _local(address):
        raise RuntimeError(f"network access blocked in notebook tests: {address!r}")
    return _real_connect(self, address)
_socket.socket.connect = _guarded
_socket.socket.connect_ex = lambda self, address: _guarded(self, address) or 0
_real_getaddrinfo = _socket.getaddrinfo
def _guarded_getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost") and not str(host).startswith("127.") and host != "::1":
        raise RuntimeError(f"DNS lookup blocked in notebook tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)
_socket.getaddrinfo = _guarded_getaddrinfo
print("KERNEL_PREFIX=" + _sys.prefix)
'''


def execute(name: str, out_dir: Path, monkeypatch) -> "nbformat.NotebookNode":
    """Run a notebook (with the network guard cell in front); return the executed notebook."""
    monkeypatch.setenv("CONFLICTMAP_OUT", str(out_dir))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD))
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    prefix = _text(nb.cells[0]).strip().removeprefix("KERNEL_PREFIX=")
    assert Path(prefix).resolve() == Path(sys.prefix).resolve(), (
        f"the python3 kernel runs {prefix}, not this environment ({sys.prefix}); "
        "run: python -m ipykernel install --sys-prefix --name python3")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    return nb


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out and "text/plain" in out.data:
            parts.append(out.data["text/plain"])
    return "\n".join(parts)


def all_text(nb) -> str:
    return "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")


def images(nb) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "data" in o and "image/png" in o.data)


# ---------------------------------------------------------------------------- committed state
@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name):
    raw = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    nb = nbformat.reads(json.dumps(raw), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code), "strip the outputs"
    source = "\n".join(c.source for c in nb.cells)
    assert "../shared" not in source and "/work/shared" not in source, "notebooks must not read ../shared"
    assert "http://" not in "\n".join(c.source for c in code) and "https://" not in "\n".join(c.source for c in code)
    assert any(c.cell_type == "markdown" for c in nb.cells[:1]), "start with a title and what the notebook does"


def test_notebooks_hold_calls_not_package_logic():
    """No function or class definitions: the logic lives in the package."""
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert "\ndef " not in "\n" + cell.source and "\nclass " not in "\n" + cell.source, name


# ---------------------------------------------------------------------------- execution
@pytest.mark.slow
def test_01_geocoding_runs(tmp_path, monkeypatch):
    nb = execute("01_geocoding.ipynb", tmp_path, monkeypatch)
    text = all_text(nb)
    assert "ambiguous - 2 places match equally well" in text
    assert "correction" in text and "user:1" in text
    decided = re.search(r"(\d+) of (\d+) decided", text)  # cm.review: every pending row decided
    assert decided and int(decided.group(1)) == int(decided.group(2)) >= 2, text
    assert "same places as widget.result(): True" in text
    fixes = (tmp_path / "corrections.csv").read_text(encoding="utf-8").splitlines()
    assert fixes[0] == "name,admin1,place_id,note" and fixes[2] == "Qqqzzx,,,cm.review"
    assert fixes[1].startswith("al-Ruwayhah,,gn:")
    assert "Kafranbel, Al Ma'ra, Idleb, Syria" in text  # geopy Location address
    assert images(nb) == 1
    import pandas as pd

    out = pd.read_csv(tmp_path / "reports_geocoded.csv")
    assert len(out) == 10
    row = out[out["location"] == "al-Ruwayhah"].iloc[0]
    assert row["match_method"] == "correction" and row["admin1"] == "Deir-ez-Zor"
    # every row the geocoder left for review was decided by its best guess (which rows the
    # match_confidence model leaves is its business), and "Qqqzzx" was marked not a place
    assert out["match_status"].value_counts().to_dict() == {"matched": 9, "unresolved": 1}
    near = out[out["location"] == "near Ayn Issa"].iloc[0]
    from conflictmap import Geocoder

    assert near["place_id"] == Geocoder().resolve("Ayn Issa").place_id and near["geo_precision"] == 2
    around = out[out["location"] == "countryside of Saraqib"].iloc[0]
    assert around["place_name"] == "Saraqab" and around["match_status"] == "matched"


@pytest.mark.slow
def test_02_idlib_june_2020_runs(tmp_path, monkeypatch):
    monkeypatch.delenv("CONFLICTMAP_REPORTS", raising=False)
    nb = execute("02_idlib_june_2020.ipynb", tmp_path, monkeypatch)
    text = all_text(nb)
    assert "published 2020-07-01" in text
    assert "Kansafrah" in text and "Hurras al-Din" in text
    assert "17 events; 1 to review" in text and "0 left to review" in text
    import re

    assert re.search(r"\b(\d+) of \1 drafts decided", text)  # cm.review on the drafts
    html = tmp_path / "idlib_june_2020.html"
    assert html.stat().st_size > 500_000
    page = html.read_text(encoding="utf-8")
    from conflictmap.export import remote_references

    assert remote_references(page) == []
    assert "Jabal al-Zawiyah" in page or "Jabal al-Zawiya" in page
    import conflictmap as cm

    events = cm.read_events(tmp_path / "idlib_june_2020_events.geojson")
    assert len(events) == 17 and events.geometry.notna().all()
    fixes = (tmp_path / "corrections.csv").read_text(encoding="utf-8")
    assert "Al-Ruwayha" in fixes and "gn:165178" in fixes


@pytest.mark.slow
def test_02_reads_a_report_given_by_environment(tmp_path, monkeypatch):
    if not SEED.is_file():
        pytest.skip("../shared is not beside this checkout")
    monkeypatch.setenv("CONFLICTMAP_REPORTS", str(SEED))
    monkeypatch.setenv("CONFLICTMAP_REPORT_PUBLISHED", "2020-06-26")
    nb = execute("02_idlib_june_2020.ipynb", tmp_path, monkeypatch)
    text = all_text(nb)
    assert "published 2020-06-26" in text
    assert "Sukhna" in text  # a place only the real report names
    assert (tmp_path / "idlib_june_2020.html").stat().st_size > 500_000


@pytest.mark.slow
def test_03_report_export_runs(tmp_path, monkeypatch):
    nb = execute("03_report_export.ipynb", tmp_path, monkeypatch)
    assert "0 remote references" in all_text(nb)
    for name in ("report_map.html", "report_map_custom.html"):
        assert (tmp_path / name).stat().st_size > 500_000
    png = tmp_path / "report_map.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 1200 and height > 1000
    assert (tmp_path / "report_map.pdf").read_bytes()[:5] == b"%PDF-"
    assert images(nb) == 1


def test_network_guard_blocks_inside_the_kernel():
    """The guard cell really stops a notebook that tries to reach the network."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(GUARD),
        nbformat.v4.new_code_cell("import socket\nsocket.socket().connect(('93.184.216.34', 80))"),
    ])
    client = nbclient.NotebookClient(nb, timeout=60, kernel_name="python3")
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="network access blocked in notebook tests"):
        client.execute()
    nb.cells[1].source = "import urllib.request\nurllib.request.urlopen('http://example.com', timeout=2)"
    client = nbclient.NotebookClient(nb, timeout=60, kernel_name="python3")
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="DNS lookup blocked in notebook tests"):
        client.execute()
