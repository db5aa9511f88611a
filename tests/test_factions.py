"""Faction registry: aliases, errors, colours distinct also for colour-blind readers."""

from __future__ import annotations

import itertools

import pytest

from conflictmap.errors import InputError
from conflictmap.factions import Faction, all_factions, faction_colors, get_faction

EXPECTED_ALIASES = {
    "government": ["SAA", "Syrian Army", "regime", "government", "Syrian Arab Army", "syrian  ARMY"],
    "hts": ["HTS", "Hayat Tahrir al-Sham", "Tahrir al-Sham", "Hay'at Tahrir al-Sham", "hayat tahrir al sham"],
    "sna_turkey": ["SNA", "TFSA", "Turkish-backed", "Turkey", "Syrian National Army"],
    "sdf": ["SDF", "YPG", "QSD", "Syrian Democratic Forces"],
    "coalition_tanf": ["coalition", "US", "al-Tanf", "Al Tanf"],
    "isis": ["ISIS", "IS", "ISIL", "Daesh", "Islamic State"],
    "golan": ["Israel", "UNDOF", "Israeli-occupied Golan"],
}


@pytest.mark.parametrize("key,alias", [(k, a) for k, names in EXPECTED_ALIASES.items() for a in names])
def test_alias_resolves_to_faction(key, alias):
    assert get_faction(alias).key == key


def test_diacritics_and_apostrophes_are_ignored():
    assert get_faction("Hayʼat Taḥrīr al-Shām").key == "hts"
    assert get_faction("DAESH").key == "isis"


def test_unknown_faction_names_the_value():
    with pytest.raises(InputError) as info:
        get_faction("Free Martian Army")
    assert info.value.value == "Free Martian Army"
    assert "unknown faction" in str(info.value)
    with pytest.raises(InputError):
        get_faction("")
    with pytest.raises(InputError):
        get_faction(None)


def test_registry_shape():
    factions = all_factions()
    keys = [f.key for f in factions]
    assert keys[:7] == ["government", "hts", "sna_turkey", "sdf", "coalition_tanf", "isis", "golan"]
    assert len(set(keys)) == len(keys)
    assert all(isinstance(f, Faction) and f.label and f.aliases for f in factions)
    with pytest.raises(Exception):
        factions[0].key = "other"  # frozen
    assert get_faction(factions[0]) is factions[0]
    assert faction_colors()["sdf"] == get_faction("sdf").color


def _srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(hex_color: str) -> tuple[float, float, float]:
    return tuple(int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))


# Machado et al. (2009) simulation matrices at full severity, applied to linear RGB
_CVD = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _lab(rgb_linear: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = (min(max(v, 0.0), 1.0) for v in rgb_linear)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize("vision", list(_CVD))
def test_colours_stay_distinct_for_colour_blind_readers(vision):
    matrix = _CVD[vision]
    labs = {}
    for faction in all_factions():
        lin = [_srgb_to_linear(c) for c in _rgb(faction.color)]
        sim = tuple(sum(m * c for m, c in zip(row, lin)) for row in matrix)
        labs[faction.key] = _lab(sim)
    worst = min(
        (sum((a - b) ** 2 for a, b in zip(labs[p], labs[q])) ** 0.5, p, q)
        for p, q in itertools.combinations(labs, 2)
    )
    assert worst[0] > 12, f"{vision}: {worst[1]} and {worst[2]} look alike (delta E {worst[0]:.1f})"


def test_colours_are_unique_hex():
    colors = [f.color for f in all_factions()]
    assert len(set(colors)) == len(colors)
    assert all(len(c) == 7 and c.startswith("#") for c in colors)
