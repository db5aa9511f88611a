"""The review widget as an analyst uses it: JupyterLab on loopback, a notebook in headless Chromium.

The tests start JupyterLab on 127.0.0.1 (a free port, a token, no browser, its own config, data,
runtime and IPython folders), open a notebook that runs ``cm.review`` on a geocoded table, then
press keys as a person would: ``2`` chooses the second candidate, a click on the map and Enter
add a new place, ``x`` says "not a place". It checks the corrections and user places files after
each key, that every string from the data (the XSS corpus of tests/test_security.py) shows as
text and runs nothing, and that the page asked for nothing outside the server. The drafts of
``draft_events`` are reviewed the same way, and the widget works in Notebook 7's page too. The server is
stopped at the end whatever happens. Needs Debian's chromium and playwright (skipped without).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_browser_maps import ARTIFACTS, browser  # noqa: F401 - the fixture is used by name
from test_security import XSS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

START_TIMEOUT = 90  # s for JupyterLab to answer
CELL_TIMEOUT = 90_000  # ms for the notebook to show the widget
STEP_TIMEOUT = 60_000  # ms for one step in the page (a key press answered, a file written)

GUARD = """import socket as _s, ipaddress as _ip
_real = _s.socket.connect
def _local(a):
    h = a[0] if isinstance(a, tuple) else a
    if isinstance(h, (str, bytes)) and not isinstance(a, tuple):
        return True
    try:
        return h in ("localhost", "") or _ip.ip_address(h).is_loopback
    except ValueError:
        return False
def _guarded(self, a):
    if not _local(a):
        raise RuntimeError(f"network access blocked: {a!r}")
    return _real(self, a)
_s.socket.connect = _guarded"""

SETUP = """import json
import pandas as pd
import conflictmap as cm
names = ["Ruwayha"] + json.load(open("xss.json", encoding="utf-8")) + ["Kafr Nabl"]
table = cm.geocode(pd.DataFrame({"location": names}))
w = cm.review(table, corrections="corrections.csv", user_places="user_places.csv")
w"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DRAFTS = """import conflictmap as cm
text = ('On June 30, Syrian Army artillery shelled Kafr Nabl "<img src=x onerror=alert(1)>". '
        'On July 1, ISIS cells attacked army positions in Kansafra.')
drafts = cm.draft_events(text, published="2020-07-02")
cm.review(drafts, corrections="draft_decisions.csv")"""


def _notebook(path: Path, setup: str = SETUP) -> None:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": src}
             for src in (GUARD, setup)]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback in its own folders; yields (url, root folder)."""
    pytest.importorskip("jupyterlab")
    pytest.importorskip("anywidget")
    base = tmp_path_factory.mktemp("lab")
    root = base / "work"
    root.mkdir()
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (base / name.lower()).mkdir()
        env[name] = str(base / name.lower())
    env["JUPYTERLAB_SETTINGS_DIR"] = str(base / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(base / "workspaces")
    news = base / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}', encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
           "--ServerApp.terminals_enabled=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI runs as root
    log = (base / "lab.log").open("w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail("JupyterLab exited: " + (base / "lab.log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start in time: " + (base / "lab.log").read_text()[-2000:])
            time.sleep(0.5)
        yield url, token, root
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _wait_for(check, timeout: float = STEP_TIMEOUT / 1000):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            return value
        time.sleep(0.2)


class LabPage:
    """A notebook opened in JupyterLab and run; records page errors, dialogs and outside requests."""

    def __init__(self, browser, url: str, token: str, notebook: str, app: str = "lab"):
        self.url = url
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(STEP_TIMEOUT)  # the machine may be shared: generous, still bounded
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.console: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"{exc} | {getattr(exc, 'stack', '')}"))
        self.page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._route)
        path = f"lab/tree/{notebook}" if app == "lab" else f"notebooks/{notebook}"  # JupyterLab, Notebook 7
        self.page.goto(f"{url}/{path}?token={token}")
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        try:  # JupyterLab may ask which kernel to start: the notebook's own
            self.page.locator(".jp-Dialog .jp-mod-accept").click(timeout=10_000)
        except Exception:  # noqa: BLE001 - no dialog
            pass
        if app == "lab":
            self.page.wait_for_selector("#jp-main-statusbar :text('Idle')", timeout=60_000)
        else:
            self.page.wait_for_selector(".jp-NotebookKernelStatus-idle, #jp-NotebookKernelStatus :text('Idle'), "
                                        "[data-status='idle']", timeout=60_000, state="attached")
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        self.page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        self.widget = self.page.wait_for_selector(".cmr[data-ready='1']", timeout=CELL_TIMEOUT)
        self.page.wait_for_function("document.querySelector('.cmr-progress').textContent.indexOf('of') > 0")

    def _route(self, route):
        if route.request.url.startswith(self.url) or route.request.url.startswith(self.url.replace("http", "ws")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def text(self, selector: str) -> str:
        return self.page.text_content(selector)

    def close(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}_page.png"))
        (ARTIFACTS / f"{name}_console.txt").write_text("\n".join(self.console + self.errors + self.outside),
                                                      encoding="utf-8")
        self.page.close()


def test_review_widget_in_jupyterlab(lab, browser):
    url, token, root = lab
    (root / "xss.json").write_text(json.dumps(XSS), encoding="utf-8")
    _notebook(root / "review.ipynb")
    lab_page = LabPage(browser, url, token, "review.ipynb")
    page = lab_page.page
    try:
        widget = lab_page.widget
        total = len(XSS) + 1
        assert page.text_content(".cmr-progress") == f"0 of {total} decided"
        assert page.text_content(".cmr-location") == "Ruwayha"
        second = page.text_content(".cmr-cand-row[data-n='2'] .cmr-cand-info")
        second_id = second.split(" \u00b7 ")[-1]
        assert second_id.startswith("gn:")

        # a person clicks the widget, then presses 2: the second candidate is chosen and saved
        page.click(".cmr-location")
        page.keyboard.press("2")
        fixes = root / "corrections.csv"
        saved = _wait_for(lambda: [r for r in _rows(fixes) if r["name"] == "Ruwayha"])
        assert saved and saved[0]["place_id"] == second_id and saved[0]["admin1"] == ""
        page.wait_for_function(f"document.querySelector('.cmr-progress').textContent === '1 of {total} decided'")

        # the next row is the first XSS name: shown as text, nothing injected or run
        page.wait_for_function("document.querySelector('.cmr-location').textContent !== 'Ruwayha'")
        assert page.text_content(".cmr-location") == XSS[0]
        assert page.evaluate("document.querySelectorAll('.cmr img, .cmr script, .cmr iframe, .cmr a').length") == 0

        # a click on the map, then Enter: a new place with the row's name at that point
        box = page.locator(".cmr-svg").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        page.keyboard.press("Enter")
        places = _wait_for(lambda: _rows(root / "user_places.csv"))
        assert len(places) == 1 and places[0]["name"] == XSS[0]
        lon, lat = float(places[0]["longitude"]), float(places[0]["latitude"])
        assert 35.5 < lon < 42.5 and 32.3 < lat < 37.4
        picked = _wait_for(lambda: [r for r in _rows(fixes) if r["name"] == XSS[0]])
        assert picked and picked[0]["place_id"] == places[0]["place_id"]

        # x: the next XSS name is not a place
        page.wait_for_function(f"document.querySelector('.cmr-progress').textContent === '2 of {total} decided'")
        page.keyboard.press("x")
        rejected = _wait_for(lambda: [r for r in _rows(fixes) if r["name"] == XSS[1]])
        assert rejected and rejected[0]["place_id"] == ""

        # every XSS name in turn (arrow keys) shows as text
        for _ in range(total):
            shown = page.text_content(".cmr-location")
            assert shown in XSS or shown == "Ruwayha"
            page.keyboard.press("ArrowRight")
            page.wait_for_function("t => document.querySelector('.cmr-location').textContent !== t", arg=shown)
        # the keys went to the widget, not to JupyterLab (in command mode "2" would make the cell a
        # heading, "x" would cut it, Enter would edit it)
        assert page.locator(".jp-Notebook .jp-CodeCell").count() == 2
        assert page.locator(".jp-Notebook .jp-MarkdownCell").count() == 0
        assert page.locator(".jp-Notebook .jp-mod-editMode").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        widget.screenshot(path=str(ARTIFACTS / "review_widget.png"))
        assert lab_page.dialogs == [] and lab_page.errors == [], (lab_page.dialogs, lab_page.errors)
        assert page.evaluate("document.querySelectorAll('.cmr img, .cmr script, .cmr iframe').length") == 0
        assert lab_page.outside == []
    finally:
        lab_page.close("review_lab")


def test_review_of_drafts_in_jupyterlab(lab, browser):
    url, token, root = lab
    _notebook(root / "drafts.ipynb", DRAFTS)
    lab_page = LabPage(browser, url, token, "drafts.ipynb")
    page = lab_page.page
    try:
        assert lab_page.text(".cmr-progress") == "0 of 2 decided"
        # the sentence, with the place and the words that set type, actor and date marked
        sentence = lab_page.text(".cmr-sentence")
        assert sentence == 'On June 30, Syrian Army artillery shelled Kafr Nabl "<img src=x onerror=alert(1)>".'
        marks = page.evaluate("Array.from(document.querySelectorAll('.cmr-sentence mark'))"
                              ".map(m => [m.className.split(' ').pop(), m.textContent])")
        assert marks == [["cmr-date", "June 30"], ["cmr-actor", "Syrian Army"], ["cmr-type", "artillery"],
                         ["cmr-place", "Kafr Nabl"]]
        assert page.evaluate("document.querySelectorAll('.cmr img').length") == 0
        first = lab_page.text(".cmr-cand-row[data-n='1'] .cmr-cand-info").split(" \u00b7 ")[-1]
        page.click(".cmr-sentence")
        page.keyboard.press("1")  # the drafted place is right
        fixes = root / "draft_decisions.csv"
        kept = _wait_for(lambda: [r for r in _rows(fixes) if r["name"].endswith(" Kafr Nabl")])
        assert kept and kept[0]["name"].startswith("draft R") and kept[0]["place_id"] == first
        page.wait_for_function("document.querySelector('.cmr-progress').textContent === '1 of 2 decided'")
        assert "Kansafra" in lab_page.text(".cmr-sentence")
        assert lab_page.text(".cmr-actions .cmr-btn") == "reject draft (x)"
        page.keyboard.press("x")  # not an incident after all
        gone = _wait_for(lambda: [r for r in _rows(fixes) if r["name"].endswith(" Kansafra")])
        assert gone and gone[0]["place_id"] == ""
        page.wait_for_function("document.querySelector('.cmr-msg').textContent === 'All 2 rows decided.'")
        assert lab_page.dialogs == [] and lab_page.errors == [] and lab_page.outside == []
    finally:
        lab_page.close("review_lab_drafts")


def test_review_widget_in_notebook_7(lab, browser):
    """The same widget in Jupyter Notebook 7's page (served by the same server)."""
    url, token, root = lab
    _notebook(root / "nb7.ipynb", DRAFTS.replace("draft_decisions.csv", "nb7_decisions.csv"))
    nb_page = LabPage(browser, url, token, "nb7.ipynb", app="notebook")
    page = nb_page.page
    try:
        assert nb_page.text(".cmr-progress") == "0 of 2 decided"
        page.click(".cmr-sentence")
        page.keyboard.press("9")  # there is no ninth candidate: nothing is written
        page.wait_for_function("document.querySelector('.cmr-msg').textContent === 'There is no candidate 9.'")
        assert not (root / "nb7_decisions.csv").exists()
        page.keyboard.press("1")
        kept = _wait_for(lambda: _rows(root / "nb7_decisions.csv"))
        assert len(kept) == 1 and kept[0]["name"].endswith(" Kafr Nabl") and kept[0]["place_id"].startswith("gn:")
        page.wait_for_function("document.querySelector('.cmr-progress').textContent === '1 of 2 decided'")
        # Notebook 7's own start-up code throws once in a fresh settings folder (its stack is all in
        # notebook_core.js); any other error fails the test
        ours = [e for e in nb_page.errors if "/static/notebook/notebook_core." not in e]
        assert nb_page.dialogs == [] and ours == [] and nb_page.outside == []
    finally:
        nb_page.close("review_notebook7")
