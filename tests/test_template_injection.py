"""No text from data or from the user ever reaches a template's source.

folium and branca compile the text every element renders as a new Jinja template, so a ``{{ ... }}``
in an event type or a zone's source once ran as code when a map was written. Each payload below goes
through every text column of events, zones and user places, every CLI string option and every
``conflict_map`` / ``static_map`` argument: it must come out literally (decoded from the page as a
browser would), render without error (or be refused with one clear error, for values that are not
text to show), and run nothing (the payloads that would create a file create none).
"""

from __future__ import annotations

import base64
import gzip
import html as htmllib
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from jinja2 import Template
from shapely.geometry import box

from conflictmap.errors import ConflictmapError
from conflictmap.export import render_html
from conflictmap.htmlsafe import has_template_syntax, script_json, text
from conflictmap.maps.conflict_map import conflict_map

from test_browser_maps import browser  # noqa: F401 - the fixture is used by name
from test_security import XSS

# template syntax of Jinja (folium, branca), of wiki markup, JS template literals, ERB and Ruby
TEMPLATES = [
    "{{7*7}}",
    "A{{7*7}}B{# gone #}C{% if true %}D{% endif %}E",
    "{% for i in range(3) %}x{% endfor %}",
    "{# a comment #}",
    "{{cite web|url=https://example.org/a|title=Report}}",
    "{{ config }}{{ self }}{{ request }}",
    "{%",
    "{{",
    "}}",
    "{{{triple}}}",
    "${7*7}",
    "<%= 7*7 %>",
    "#{7*7}",
    "$\\frac{1}{0}$ $x^{2}$",
]


def _canaries(folder: Path) -> list[tuple[str, Path]]:
    """Payloads that create a file if run by Jinja (through its default globals), and that file."""
    made = folder / "made_by_template.txt"
    system = folder / "made_by_system.txt"
    return [
        ("{{ cycler.__init__.__globals__.__builtins__.open('" + str(made) + "', 'w').write('x') }}", made),
        ("{{ cycler.__init__.__globals__.os.system('touch " + str(system) + "') }}", system),
        ("{{ lipsum.__globals__['os'].popen('touch " + str(system) + "').read() }}", system),
    ]


def _unzipped(page: str) -> str:
    """The JSON text of the page's gzip-compressed payloads (``{"gz": [piece, ...]}``)."""
    parts = []
    for pieces in re.findall(r'\{"gz":\[((?:"[A-Za-z0-9+/=]*",?)*)\]\}', page):
        parts.append("".join(gzip.decompress(base64.b64decode(p)).decode("utf-8")
                             for p in re.findall(r'"([A-Za-z0-9+/=]*)"', pieces)))
    return "\n".join(parts)


def _strings(page: str) -> set[str]:
    """Every string the page holds, decoded as the browser reads it: JS string literals (JSON
    escapes, compressed payloads unpacked), then HTML character references (text set as HTML)."""
    found = set()
    for literal in re.findall(r'"(?:[^"\\\n]|\\.)*"', page + _unzipped(page)):
        try:
            value = json.loads(literal)
        except ValueError:
            continue
        found.add(value)
        found.add(htmllib.unescape(value))
    found.add(htmllib.unescape(re.sub(r"<[^>]*>", "", page)))
    return found


def _shown(payload: str, page: str) -> bool:
    return any(payload in s for s in _strings(page))


def _events(texts: list[str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({
        "event_id_cnty": texts, "event_date": pd.date_range("2020-06-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "event_type": texts, "sub_event_type": texts[::-1], "actor1": texts, "actor2": texts[::-1],
        "location": texts, "admin1": texts[::-1], "latitude": np.linspace(35.5, 35.9, n),
        "longitude": np.linspace(36.4, 36.8, n), "geo_precision": [1] * n, "fatalities": list(range(n)),
        "source": texts, "source_url": ["https://example.org/" + t for t in texts], "notes": texts[::-1],
        "match_reason": texts, "place_name": texts,
    })


def _zones(texts: list[str]) -> gpd.GeoDataFrame:
    n = len(texts)
    return gpd.GeoDataFrame({
        "faction": texts, "valid_from": ["2020-01-01"] * n, "valid_to": [None] * n,
        "confidence": ["confirmed"] * n, "source": texts, "note": texts[::-1], "as_of": ["2020-06-01"] * n,
    }, geometry=[box(36.0 + 0.1 * i, 35.0, 36.1 + 0.1 * i, 35.5) for i in range(n)], crs=4326)


# ------------------------------------------------------------------ the one path every string takes
@pytest.mark.parametrize("payload", TEMPLATES + XSS)
def test_escaped_text_is_inert_as_a_template_and_decodes_to_itself(payload):
    for escaped, decode in ((text(payload), htmllib.unescape), (script_json(payload), json.loads)):
        assert not has_template_syntax(escaped)
        assert Template(escaped).render() == escaped  # compiling it again changes nothing
        assert decode(escaped) == payload


def test_has_template_syntax_tells_tile_urls_from_templates():
    assert not has_template_syntax("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert all(has_template_syntax(p) for p in ("{{x}}", "{%x", "{#x"))
    assert not has_template_syntax(None)


# ------------------------------------------------------------------ maps
@pytest.fixture(scope="module")
def template_map():
    """One map with the template payloads in every text column of events and zones, the title and the
    zones' attribution; the canary payloads ride along in the same columns."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cm-template-"))
    canaries = _canaries(folder)
    texts = TEMPLATES + [c for c, _ in canaries]
    m = conflict_map(_events(texts), _zones(texts), title=" | ".join(TEMPLATES[:3]),
                     zones_attribution=TEMPLATES[4], basemap=False, labels=False, gazetteer=False)
    return render_html(m), texts, canaries


def test_map_runs_nothing_from_data(template_map):
    page, _, canaries = template_map
    assert not any(path.exists() for _, path in canaries)
    assert not any("A49B" in s for s in _strings(page))  # what Jinja would have made of TEMPLATES[1]


@pytest.mark.parametrize("index", range(len(TEMPLATES) + 3))
def test_every_payload_comes_out_literally_in_the_map(template_map, index):
    page, texts, _ = template_map
    assert _shown(texts[index], page), texts[index]


def test_title_and_attribution_come_out_literally(template_map):
    page, _, _ = template_map
    assert _shown(" | ".join(TEMPLATES[:3]), page)
    assert _shown(TEMPLATES[4], page)


def _element_pages(payload: str) -> dict[str, str]:
    """Each element class of conflictmap.maps on its own map, every text it takes set to ``payload``."""
    import folium
    from shapely.geometry import Point

    from conflictmap.maps.basemap import basemap_layer
    from conflictmap.maps.conflict_map import MapTitle
    from conflictmap.maps.heatmap import heatmap_layer
    from conflictmap.maps.incidents import incidents_layer
    from conflictmap.maps.labels import labels_layer
    from conflictmap.maps.legend import Legend, legend_html
    from conflictmap.maps.timeline import set_time, time_slider
    from conflictmap.maps.zones_layer import zones_layer

    texts = [payload, payload + " 2"]

    def page(build) -> str:
        m = folium.Map(location=[35.5, 36.5], zoom_start=8, tiles=None)
        build(m)
        folium.LayerControl().add_to(m)
        return render_html(m)

    def incidents(m):
        layer = incidents_layer(_events(texts), m, name=payload, gazetteer=False)
        heatmap_layer(layer, m, name=payload + " heat")
        time_slider(m)

    places = pd.DataFrame({"name": texts, "name_ar": texts, "longitude": [36.5, 36.7], "latitude": [35.5, 35.7],
                           "feature_type": ["settlement", "region"], "population": [90_000, 0]})
    return {
        "incidents, heatmap, slider": page(incidents),
        "zones": page(lambda m: zones_layer(_zones(texts), m, name=payload, attribution=payload)),
        "basemap": page(lambda m: basemap_layer(m, gazetteer=False, name=payload, attribution=payload,
                                                 towns=[(payload, Point(36.6, 35.6), 500_000)])),
        "labels": page(lambda m: labels_layer(places, m=m, script="both", name=payload)),
        "legend": page(lambda m: Legend(legend_html(payload, [{"label": payload, "color": "#f00",
                                                                "shape": "circle"}], note=payload)).add_to(m)),
        "title, time": page(lambda m: (MapTitle(payload).add_to(m), set_time(m, "2020-07-01"))),
    }


@pytest.mark.parametrize("payload", TEMPLATES[:6] + [XSS[0], XSS[1]])
def test_every_element_class_shows_template_text_literally(payload):
    for where, page in _element_pages(payload).items():
        assert _shown(payload, page), (where, payload)


def test_every_element_class_runs_nothing(tmp_path):
    for payload, made in _canaries(tmp_path):
        pages = _element_pages(payload)
        assert not made.exists(), payload
        for where, page in pages.items():
            assert _shown(payload, page), where


def test_user_place_names_come_out_literally_on_the_map(tmp_path, gazetteer):
    canaries = _canaries(tmp_path)
    names = [TEMPLATES[1], TEMPLATES[4], canaries[0][0]]
    user = pd.DataFrame({"name": names, "name_ar": ["{{ 7*7 }} عربي"] * 3, "alt_names": names[::-1],
                         "longitude": [36.61, 36.65, 36.69], "latitude": [35.61, 35.65, 35.69],
                         "feature_type": ["settlement"] * 3, "population": [60_000] * 3, "source_url": [""] * 3})
    gz = gazetteer.with_user_places(user)
    events = _events(names).assign(longitude=[36.61, 36.65, 36.69], latitude=[35.61, 35.65, 35.69])
    page = render_html(conflict_map(events, gazetteer=gz, labels="both"))
    assert not any(path.exists() for _, path in canaries)
    for name in names + ["{{ 7*7 }} عربي"]:
        assert _shown(name, page), name


@pytest.mark.parametrize("payload", TEMPLATES + XSS)
def test_conflict_map_text_arguments_render_literally(payload):
    page = render_html(conflict_map(_events(["a", "b"]), _zones(["a", "b"]), basemap=False, gazetteer=False,
                                    labels=False, title=payload, zones_attribution=payload))
    assert _shown(payload, page)


@pytest.mark.parametrize("name", ["tiles", "labels", "as_of", "width", "height", "window_days"])
def test_conflict_map_other_arguments_run_nothing(name, tmp_path):
    """Values that are not text to show are refused with one clear error when they hold markup."""
    for payload, made in _canaries(tmp_path) + [(p, None) for p in TEMPLATES]:
        try:
            render_html(conflict_map(_events(["a", "b"]), basemap=False, gazetteer=False, **{name: payload}))
        except (ConflictmapError, ValueError, TypeError) as exc:
            assert str(exc).strip() and "\n" not in str(exc).strip(), exc
        assert made is None or not made.exists(), (name, payload)


def test_tiles_with_template_syntax_are_refused_and_url_templates_kept():
    from conflictmap.errors import InputError

    for tiles in ("{{7*7}}", "https://t.example.org/{{z}}/{x}/{y}.png", "https://t.example.org/{%z%}.png",
                  "javascript:alert(1)", "data:text/html,x", "//t.example.org/{z}/{x}/{y}.png"):
        with pytest.raises(InputError, match="tiles"):
            conflict_map(_events(["a"]), basemap=False, gazetteer=False, labels=False, tiles=tiles)
    m = conflict_map(_events(["a"]), basemap=False, gazetteer=False, labels=False, tiles="OpenStreetMap")
    assert "tile.openstreetmap.org/{z}/{x}/{y}.png" in render_html(m, self_contained=False)


def test_static_map_shows_payloads_as_plain_text(tmp_path):
    pytest.importorskip("matplotlib")
    from conflictmap.maps.static import static_map

    canaries = _canaries(tmp_path)
    texts = TEMPLATES[:5] + ["$\\frac{1}{0}$", canaries[0][0]]
    fig = static_map(_events(texts), _zones(texts[:3]), title=TEMPLATES[1], credit=TEMPLATES[13], gazetteer=False)
    fig.savefig(tmp_path / "map.png", dpi=40)
    fig.savefig(tmp_path / "map.svg")
    shown = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert TEMPLATES[1] in shown and TEMPLATES[13] in shown
    legend = " ".join(shown)
    for value in texts:
        assert value in legend, value
    assert not any(path.exists() for _, path in canaries)


# ------------------------------------------------------------------ the command line
def _cli_inputs(folder: Path, payload: str) -> dict[str, Path]:
    texts = [payload, "Saraqib"]
    events = folder / "events.csv"
    _events(texts).drop(columns=["match_reason"]).to_csv(events, index=False)
    zones = folder / "zones.geojson"
    _zones(texts).assign(faction=["government", "sdf"]).to_file(zones, driver="GeoJSON")  # factions are checked
    report = folder / "report.txt"
    report.write_text("On 3 June 2020 shelling hit Kafr Nabl. " + payload + "\n", encoding="utf-8")
    table = folder / "control.csv"
    pd.DataFrame({"pcode": ["SY07"], "faction": ["government"], "source": [payload], "note": [payload]}).to_csv(table, index=False)
    places = folder / "places.csv"
    pd.DataFrame({"name": [payload], "longitude": [36.6], "latitude": [35.6]}).to_csv(places, index=False)
    names = folder / "names.csv"
    pd.DataFrame({"location": [payload, "Saraqib"], "admin1": [payload, "Idlib"]}).to_csv(names, index=False)
    return {"events": events, "zones": zones, "report": report, "table": table, "places": places, "names": names}


def _cli_runs(files: dict[str, Path], out: Path, payload: str) -> list[list[str]]:
    """Each command with valid inputs, then once more for each string option set to ``payload``."""
    p, f = payload, {k: str(v) for k, v in files.items()}
    html = str(out / "map.html")
    runs = [
        ["map", f["events"], "--zones", f["zones"], "-o", html, "--title", p],
        ["map", f["events"], "-o", html, "--tiles", p],
        ["map", f["events"], "-o", html, "--as-of", p],
        ["map", f["events"], "-o", str(out / "map.png"), "--extent", p],
        ["map", f["events"], "-o", str(out / "map.png"), "--title", p, "--dpi", "30"],
        ["extract", f["report"], "-o", str(out / "ev.csv"), "--published", "2020-06-04", "--source", p, "--source-url", p, "--admin1", p,
         "--report-id", p],
        ["extract", f["report"], "-o", str(out / "ev2.csv"), "--published", p],
        ["zones", "build", "--table", f["table"], "--source", p, "-o", str(out / "z.geojson")],
        ["zones", "build", "--table", f["table"], "--as-of", p, "-o", str(out / "z2.geojson")],
        ["geocode", f["names"], "-o", str(out / "g.csv"), "--name-column", p],
        ["geocode", f["names"], "-o", str(out / "g2.csv"), "--admin1-column", p],
        ["places", p, "--admin1", p, "--admin2", p],
        ["gazetteer", "validate", f["places"]],
        ["gazetteer", "add", f["places"], "-o", str(out / "mine.csv")],
        ["gazetteer", "summary", "--user-places", f["places"]],
    ]
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("which", ["template", "canary", "wiki"])
def test_every_cli_string_option_runs_nothing_and_errors_in_one_line(which, tmp_path, capsys):
    from conflictmap.cli import main

    canary = _canaries(tmp_path)[0]
    payload = {"template": TEMPLATES[1], "canary": canary[0], "wiki": TEMPLATES[4]}[which]
    files = _cli_inputs(tmp_path, payload)
    out = tmp_path / "out"
    out.mkdir()
    for argv in _cli_runs(files, out, payload):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse refused the value: usage and one error line
            code = exc.code
        _, err = capsys.readouterr()
        assert code in (0, 1, 2), (argv, code, err)
        assert "Traceback" not in err, (argv, err)
        if code == 1:
            assert len(err.strip().splitlines()) == 1, (argv, err)
        assert not canary[1].exists(), argv
    # what the commands wrote keeps the text as given, and a map of it shows it literally
    extracted = pd.read_csv(out / "ev.csv", dtype=str, keep_default_na=False)
    assert (extracted["source"] == payload).all()
    assert main(["map", str(out / "ev.csv"), "--zones", str(out / "z.geojson"), "-o", str(out / "again.html"),
                 "--no-basemap"]) == 0
    page = (out / "again.html").read_text(encoding="utf-8")
    assert _shown(payload, page)
    first = (out / "map.html").read_text(encoding="utf-8")
    assert _shown(payload, first)
    assert not canary[1].exists()


# ------------------------------------------------------------------ as a person sees it
@pytest.mark.browser
def test_browser_shows_template_text_literally(browser, tmp_path):
    """The page in Chromium: the title, legend and layer control show the text as written."""
    import folium
    from test_browser_maps import OfflinePage

    from conflictmap.export import save_html
    from conflictmap.maps.zones_layer import zones_layer

    payload = TEMPLATES[1]
    events = _events([payload, TEMPLATES[4]])
    m = conflict_map(events, title=payload, basemap=False, gazetteer=False, labels=False, layer_control=False)
    zones_layer(_zones(["government", "sdf"]).assign(source=payload), m, name=TEMPLATES[0], legend=False)
    folium.LayerControl(collapsed=False).add_to(m)
    page = OfflinePage(browser, save_html(m, tmp_path / "templates.html"))
    try:
        assert page.js("document.querySelector('.cm-title').textContent") == payload
        legend = page.js("Array.from(document.querySelectorAll('.cm-legend')).map(function (e) { return e.textContent; }).join('|')")
        assert payload in legend and TEMPLATES[4] in legend
        control = page.js("document.querySelector('.leaflet-control-layers').textContent")
        assert TEMPLATES[0] in control
        assert "A49B" not in page.js("document.body.innerText")  # what Jinja would have made of it
        assert page.errors == [] and page.dialogs == [] and page.blocked == []
    finally:
        page.close()
