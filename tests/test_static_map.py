"""Print maps: static_map's figure content, the three file formats and the CLI (Agg backend)."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from shapely.geometry import box  # noqa: E402

from conflictmap import static_map  # noqa: E402
from conflictmap.cli import main  # noqa: E402
from conflictmap.errors import InputError  # noqa: E402
from conflictmap.factions import get_faction  # noqa: E402
from conflictmap.gazetteer import get_gazetteer  # noqa: E402
from conflictmap.maps.static import MARKERS  # noqa: E402
from conflictmap.maps.styles import event_type_styles  # noqa: E402
from conflictmap.zones.example import load_example_zones  # noqa: E402

IDLIB = (35.9, 35.3, 37.3, 36.4)


@pytest.fixture(scope="module")
def zones():
    return load_example_zones()


@pytest.fixture(scope="module")
def events():
    return pd.DataFrame({
        "event_date": pd.to_datetime(["2020-06-20", "2020-06-25", "2020-06-28", "2020-08-01"]),
        "event_type": ["Battles", "Explosions/Remote violence", "Battles", "Protests"],
        "location": ["Kansafrah", "Tall $Ahmar <b>&", "Kansafrah", "Later Town"],
        "latitude": [35.65, 35.80, 35.66, 36.00], "longitude": [36.55, 36.70, 36.56, 36.60]})


@pytest.fixture(scope="module")
def figure(zones, events):
    return static_map(events, zones, as_of="2020-07-01", title="Idlib <front> & 50% $x$", extent=IDLIB)


def _zone_patches(ax):
    return [p for p in ax.patches if (p.get_gid() or "").startswith("zone:")]


def test_zone_patches_faction_colours_and_confidence_hatching(figure, zones):
    ax = figure.axes[0]
    patches = _zone_patches(ax)
    shown = zones[zones.intersects(box(*IDLIB).buffer(0.2))]
    assert sorted(p.get_gid() for p in patches) == sorted(f"zone:{f}:{c}" for f, c in zip(shown.faction, shown.confidence))
    for patch in patches:
        _, faction, confidence = patch.get_gid().split(":")
        assert matplotlib.colors.to_hex(patch.get_edgecolor()) == get_faction(faction).color.lower()
        assert (patch.get_hatch() is not None) == (confidence == "contested")
        if confidence == "approximate":
            assert patch.get_linestyle() not in ("-", "solid")


def test_legend_lists_the_factions_shown_and_event_types_with_counts(figure):
    texts = [t.get_text() for t in figure.legends[0].get_texts()]
    factions = {p.get_gid().split(":")[1] for p in _zone_patches(figure.axes[0])}
    assert {get_faction(f).label for f in factions} <= set(texts)
    assert get_faction("coalition_tanf").label not in texts and get_faction("golan").label not in texts  # far away
    assert "Battles (2)" in texts and "Explosions/Remote violence (1)" in texts
    assert not any(t.startswith("Protests") for t in texts)  # after as_of
    assert "contested line" in texts
    assert figure.legends[0].get_title().get_text() == "Areas of control (as of 2020-07-01)"


def test_event_markers_use_the_web_map_symbols(figure, events):
    ax = figure.axes[0]
    by_gid = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("events:")}
    for style in event_type_styles(["Battles", "Explosions/Remote violence"]):
        collection = by_gid[f"events:{style['label']}"]
        assert matplotlib.colors.to_hex(collection.get_facecolor()[0]) == style["color"].lower()
        assert len(collection.get_offsets()) == (2 if style["label"] == "Battles" else 1)
    assert MARKERS["cross"] == "P" and MARKERS["star"] == "*"


def test_text_is_exact_credit_title_labels(figure):
    gz = get_gazetteer()
    ax = figure.axes[0]
    assert [t.get_text() for t in figure.texts if t.get_gid() == "credit"] == [gz.attribution]
    assert ax.get_title() == "Idlib <front> & 50% $x$"
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "label"]
    assert "Kansafrah" in labels and "Tall $Ahmar <b>&" in labels
    assert labels.count("Kansafrah") == 1 and "Later Town" not in labels
    assert any(t.get_text() == "25 km" or t.get_text().endswith(" km") for t in ax.texts if t.get_gid() == "scale-bar-label")


def test_extent_is_honoured(figure):
    ax = figure.axes[0]
    assert ax.get_xlim() == pytest.approx(IDLIB[0::2])
    assert ax.get_ylim() == pytest.approx(IDLIB[1::2])


def test_labels_do_not_overlap(figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in figure.axes[0].texts if t.get_gid() == "label"]
    assert len(boxes) >= 5
    overlaps = [(a, b) for a, b in itertools.combinations(boxes, 2)
                if min(a.x1, b.x1) - max(a.x0, b.x0) > 2 and min(a.y1, b.y1) - max(a.y0, b.y0) > 2]
    assert not overlaps


@pytest.mark.parametrize("fmt,header", [("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xml")])
def test_savefig_writes_png_pdf_svg(figure, tmp_path, fmt, header):
    path = tmp_path / f"map.{fmt}"
    figure.savefig(path)
    data = path.read_bytes()
    assert data.startswith(header) and len(data) > 10_000
    if fmt == "svg":
        assert b"<svg" in data[:2000] and b"Kansafrah" in data


def test_zone_snapshot_follows_as_of():
    early = gpd.GeoDataFrame({"faction": ["hts"], "as_of": ["2019-12-01"]}, geometry=[box(36, 35, 37, 36)], crs=4326)
    late = gpd.GeoDataFrame({"faction": ["government"], "as_of": ["2020-03-06"]}, geometry=[box(36, 35, 37, 36)], crs=4326)
    both = pd.concat([early, late], ignore_index=True)
    kwargs = dict(gazetteer=False, extent=(35.5, 34.5, 37.5, 36.5), labels=None)
    assert [p.get_gid() for p in _zone_patches(static_map(None, both, as_of="2020-01-15", **kwargs).axes[0])] == \
        ["zone:hts:approximate"]  # the zone model's default confidence
    assert [p.get_gid() for p in _zone_patches(static_map(None, both, **kwargs).axes[0])] == \
        ["zone:government:approximate"]


def test_draws_into_a_given_axes_without_gazetteer():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    zones = gpd.GeoDataFrame({"faction": ["sdf"]}, geometry=[box(40, 36, 41, 37)], crs=4326)
    out = static_map(None, zones, ax=ax, gazetteer=False, credit="Mine", north_arrow=False)
    assert out is fig and ax.get_legend() is not None and not fig.legends
    assert [t.get_text() for t in fig.texts] == ["Mine"]
    assert not [t for t in ax.texts if t.get_gid() == "north-arrow"]


def test_arabic_labels_are_shaped(zones):
    pytest.importorskip("arabic_reshaper")
    pytest.importorskip("bidi")
    fig = static_map(None, zones, extent=(36.9, 36.0, 37.4, 36.4), labels="ar", max_towns=5)
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "label"]
    assert labels and all(any("\ufe70" <= ch <= "\ufeff" for ch in text) for text in labels)


@pytest.mark.parametrize("kwargs,message", [
    (dict(as_of="2020-13-45"), "as_of is not a date"),
    (dict(as_of="soon"), "as_of is not a date"),
    (dict(extent=(37, 35, 36, 36)), "extent must be"),
    (dict(extent=(36, 35)), "extent must be"),
    (dict(labels="fr"), "labels must be one of"),
])
def test_bad_arguments_give_clear_errors(zones, kwargs, message):
    with pytest.raises(InputError, match=message):
        static_map(None, zones, gazetteer=False, **kwargs)


def test_missing_faction_column_is_named():
    bad = gpd.GeoDataFrame({"holder": ["sdf"]}, geometry=[box(40, 36, 41, 37)], crs=4326)
    with pytest.raises(InputError, match="faction"):
        static_map(None, bad, gazetteer=False)


@pytest.fixture(scope="module")
def cli_inputs(tmp_path_factory, events, zones):
    folder = tmp_path_factory.mktemp("static_cli")
    events.to_csv(folder / "events.csv", index=False)
    zones_path = folder / "zones.geojson"
    zones.to_file(zones_path)
    return folder, zones_path


@pytest.mark.parametrize("fmt,header", [("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xml")])
def test_cli_map_writes_print_formats(cli_inputs, fmt, header, capsys):
    folder, zones_path = cli_inputs
    out = folder / f"map.{fmt}"
    code = main(["map", str(folder / "events.csv"), "--zones", str(zones_path), "--as-of", "2020-07-01",
                 "--extent", "35.9,35.3,37.3,36.4", "--title", "Idlib", "--dpi", "80", "-o", str(out)])
    assert code == 0
    assert out.read_bytes().startswith(header) and out.stat().st_size > 10_000
    assert f"wrote {out}: 4 event(s)" in capsys.readouterr().err


def test_cli_bad_as_of_and_extent_are_one_line_errors(cli_inputs, capsys):
    folder, _ = cli_inputs
    assert main(["map", str(folder / "events.csv"), "--as-of", "2020-13-45", "-o", str(folder / "x.png")]) == 1
    assert "as_of is not a date" in capsys.readouterr().err
    assert main(["map", str(folder / "events.csv"), "--extent", "1,2,3", "-o", str(folder / "x.png")]) == 1
    assert "--extent needs four numbers" in capsys.readouterr().err
    assert not (folder / "x.png").exists()


def test_figure_shows_itself_as_png_without_pyplot(figure):
    assert figure._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    assert type(figure).__module__ == "conflictmap.maps.static"
