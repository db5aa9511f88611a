"""The geopy-compatible offline geocoder.

:class:`Geocoder` follows geopy's fixed signature (``geocode(query, *, exactly_one=True, ...)``
and ``reverse(query, *, exactly_one=True, ...)``), returns geopy :class:`~geopy.location.Location`
objects whose ``raw`` carries the full match (status, candidates, admin areas, precision) and
``None`` when nothing matches, so it plugs into ``geopandas.tools.geocode`` and any geopy
pipeline. :meth:`Geocoder.resolve` gives the richer :class:`~conflictmap.geocoding.matching.Match`.

No network is used unless the user passes a ``fallback`` geopy geocoder; its answers are rate
limited and cached on disk (see :mod:`conflictmap.geocoding.fallback`).

Examples
--------
>>> from conflictmap import Geocoder
>>> g = Geocoder()
>>> loc = g.geocode("Kansafra, Jabal al-Zawiya, south of Idlib")
>>> loc.raw["place_id"], loc.raw["match_status"]
('gn:168572', 'matched')
>>> round(loc.latitude, 2), round(loc.longitude, 2)
(35.66, 36.49)
>>> g.geocode("Nowhere-on-earth-xyz") is None
True
>>> g.resolve("Ruwayhah").status          # Idlib and Deir ez-Zor both have one
'ambiguous'
>>> g.resolve("Ruwayhah", admin1="Idlib").admin1
'Idleb'
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Iterable

import numpy as np
from geopy.adapters import BaseSyncAdapter
from geopy.geocoders.base import Geocoder as _GeopyGeocoder
from geopy.location import Location
from geopy.point import Point as GeopyPoint

from ..errors import GeocoderError, InputError
from ..gazetteer import Gazetteer, get_gazetteer
from .matching import (ADMIN_TYPES, ARABIC_HINT_ALONE, MATCH_MIN_SCORE, STRONG_METHODS, VOWEL_VARIANT_SCORE, Candidate,
                       Context, Match, NameIndex, decide, haversine_km, rank)
from .bilingual import combine_scripts
from .facilities import FACILITY_KM, facilities_near
from .normalize import compact_key, consonants, is_generic, name_key, normalize_name
from .hints import CONTEXT_RADIUS_KM, HintReader
from .query import (ParsedQuery, facility_named, generic_word_names, leading_names, name_without_parts,
                    parse_location, without_article, without_type_words)

log = logging.getLogger(__name__)
_ELSEWHERE_NOTES = ("outside admin hint", "just outside district hint", "far from context")

__all__ = ["Geocoder"]

ALTERNATIVES_AGREE_KM = 10.0  # "X/Y" naming places further apart than this is ambiguous
QUARTERS_METHOD = "quarters"  # "multiple neighbourhoods" with a hint: the town they are quarters of


class _NoNetworkAdapter(BaseSyncAdapter):
    """geopy adapter of the offline geocoder: it answers from the gazetteer and sends no request
    (a ``fallback`` geocoder brings its own adapter)."""

    def get_json(self, url: str, *, timeout: float, headers: dict) -> Any:
        raise GeocoderError(f"conflictmap's offline geocoder makes no network requests (asked for {url!r})")

    def get_text(self, url: str, *, timeout: float, headers: dict) -> str:
        return self.get_json(url, timeout=timeout, headers=headers)


_AIR_WORD = re.compile(r"(?i)air|base|field|port|military")  # the rest of "X military air base"
_AIR_LEFT = re.compile(r"(?i)\s+air$")
_NAME_METHODS = ("exact", "alias", "key", "compact")  # a known spelling of the whole of a name


class Geocoder(_GeopyGeocoder):
    """Offline geocoder over the conflictmap gazetteer, with geopy's interface.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        Defaults to the bundled gazetteer (:func:`conflictmap.get_gazetteer`).
    corrections : mapping or path, optional
        Analyst corrections ``name -> place_id`` (a dict, or a CSV with columns ``name`` and
        ``place_id`` and optional ``admin1``); they win over every other method. A CSV row with an
        empty ``place_id`` says the name is not a place (answered ``unresolved``).
    fallback : geopy geocoder, optional
        Asked only for names the gazetteer cannot resolve (e.g. ``Nominatim(user_agent=...)``);
        wrapped in a rate limiter with an on-disk cache. The default ``None`` never uses the
        network.
    fallback_cache : path, optional
        Where the fallback cache lives (default: ``~/.cache/conflictmap/fallback.sqlite``).
    min_delay_seconds : float
        Rate limit for the fallback provider.
    confidence : "bundled", Calibrator, path or None
        The model that gives each answer its ``confidence`` and decides ``matched``
        (:mod:`conflictmap.geocoding.confidence`); ``None`` keeps the hand rules' status and
        leaves ``confidence`` at 0 (what the model is trained from).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, corrections: Any = None, fallback: Any = None,
                 fallback_cache: str | os.PathLike | None = None, min_delay_seconds: float = 1.0,
                 confidence: Any = "bundled"):
        # geopy's default adapter builds an SSL context (~50 ms) for requests this class never makes
        super().__init__(scheme="https", timeout=10, proxies={}, user_agent="conflictmap",
                         adapter_factory=_NoNetworkAdapter)
        self.gazetteer = gazetteer if gazetteer is not None else get_gazetteer()
        self.index = NameIndex.for_gazetteer(self.gazetteer)
        self.hints = HintReader(self.index, self.gazetteer)
        self.corrections = _load_corrections(corrections)
        self._fallback = None
        if fallback is not None:
            from .fallback import CachedFallback

            self._fallback = CachedFallback(fallback, cache_path=fallback_cache, min_delay_seconds=min_delay_seconds)
        from .confidence import Calibrator

        if confidence == "bundled":
            self.calibrator: Calibrator | None = Calibrator.bundled()
        elif confidence is None or isinstance(confidence, Calibrator):
            self.calibrator = confidence
        else:
            self.calibrator = Calibrator.load(confidence)
        self._resolve_cached = functools.lru_cache(maxsize=200_000)(self._resolve_uncached)

    # ------------------------------------------------------------------ geopy API
    def geocode(self, query: Any, *, exactly_one: bool = True, name_ar: str | None = None, admin1: str | None = None,
                admin2: str | None = None, admin3: str | None = None, near: tuple[float, float] | None = None,
                bbox: Iterable[float] | None = None, feature_type: str | Iterable[str] | None = None,
                include_ambiguous: bool = True, timeout: Any = None, **_: Any):
        """Geocode a place name; geopy's signature.

        Parameters
        ----------
        query : str
            The location as a report writes it ("al Zayniyeh village", "Bshanetra, Aleppo").
        exactly_one : bool
            Return one :class:`~geopy.location.Location` (the best) or a list of candidates.
        name_ar : str, optional
            The same place's name in Arabic script, read together with ``query`` (see
            :meth:`resolve`).
        admin1, admin2, admin3 : str, optional
            Governorate / district / sub-district hint (name in any spelling or a P-code such as
            ``SY07``). A governorate hint may carry a direction ("southeast Idleb"): places in
            that part of the governorate are preferred.
        near : (lat, lon), optional
            Prefer places within 30 km of this point (geopy's (lat, lon) order), e.g. the point
            a table already carries for the row.
        bbox : (min_lon, min_lat, max_lon, max_lat), optional
            Prefer places inside this box.
        feature_type : str or list, optional
            Prefer these feature types (settlement, admin1, region, airport, ...).
        include_ambiguous : bool
            With ``exactly_one=True``, return the best guess of an ambiguous match (its
            ``raw["match_status"]`` says so) instead of ``None``.
        timeout : ignored (offline); accepted for geopy compatibility.

        Returns
        -------
        Location, list of Location, or None
        """
        match = self.resolve(query, name_ar=name_ar, admin1=admin1, admin2=admin2, admin3=admin3, near=near,
                             bbox=bbox, feature_type=feature_type)
        if exactly_one:
            if match.status == "unresolved" or (match.status == "ambiguous" and not include_ambiguous):
                return None
            return self._location(match)
        if match.status == "unresolved":
            return None
        if match.status == "matched":
            return [self._location(match)]
        return [self._candidate_location(match, c) for c in match.candidates]

    def reverse(self, query: Any, *, exactly_one: bool = True, feature_type: str | Iterable[str] = "settlement",
                max_distance_km: float = 25.0, timeout: Any = None, **_: Any):
        """Nearest gazetteer place(s) to a point; geopy's signature.

        Parameters
        ----------
        query : (lat, lon), "lat, lon" string or geopy Point
        exactly_one : bool
            One Location or a list of the 10 nearest.
        feature_type : str or list
            Feature types to consider (default settlements).
        max_distance_km : float
            Nothing farther than this is returned.

        Examples
        --------
        >>> Geocoder().reverse((35.6594, 36.4855)).raw["name"]
        'Kansafrah'
        """
        try:
            point = GeopyPoint(query)
        except (ValueError, TypeError) as exc:
            raise InputError(f"not a point: {exc}", value=query) from None
        lat, lon = point.latitude, point.longitude
        types = {feature_type} if isinstance(feature_type, str) else set(feature_type)
        idx = self.index
        mask = np.isin(idx.feature_type, list(types))
        rows = np.flatnonzero(mask)
        d = haversine_km(lon, lat, idx.lon[rows], idx.lat[rows])
        order = np.argsort(d, kind="stable")[:10]
        order = [o for o in order if d[o] <= max_distance_km]
        if not order:
            return None
        locs = []
        for o in order:
            row = int(rows[o])
            cand = idx._candidate(row, str(idx.name[row]), "reverse", 100.0)
            m = decide(idx, f"{lat},{lon}", [cand])
            m = _replace(m, score=round(max(0.0, 100.0 - float(d[o]) * 4), 1), method="reverse")
            loc = self._location(m)
            loc.raw["distance_km"] = round(float(d[o]), 3)
            loc.raw["match_confidence"] = None  # a point, not a name: no confidence
            locs.append(loc)
        return locs[0] if exactly_one else locs

    # ------------------------------------------------------------------ rich API
    def resolve(self, query: Any, *, name_ar: Any = None, admin1: Any = None, admin2: Any = None, admin3: Any = None,
                near: Any = None, bbox: Iterable[float] | None = None,
                feature_type: str | Iterable[str] | None = None, min_confidence: float | None = None) -> Match:
        """Resolve one location string to a :class:`~conflictmap.geocoding.matching.Match`.

        Never raises on odd text: empty, missing or unusable names come back ``unresolved``
        with the reason. A governorate or district hint that names no admin area is said in
        the reason (and logged once per value). Bad ``near``/``bbox``/``feature_type`` values
        raise :class:`InputError`.

        Parameters
        ----------
        query : the location as written (any script)
        name_ar : the same place's name in Arabic script, when the table has one. Both names
            are resolved with the same hints and their candidates combined: agreement makes the
            answer confident, one confident script and nothing in the other keeps it, two
            confident answers that disagree are ``ambiguous`` with both as candidates.
            ``match_method`` then says which script decided (``both:key``, ``arabic:alias``,
            ``latin:fuzzy``; see DEVELOPING.md). Empty, missing or Latin text works.
        admin1, admin2, admin3 : governorate / district / sub-district hint (any spelling or a
            P-code); all that are given are used together, and ``match_reason`` says which one
            decided between places of the same name
        near, bbox, feature_type : see :meth:`geocode`
        min_confidence : ``matched`` when the answer's ``confidence`` is at least this (default:
            the model's threshold, chosen so that at most 2% of the rows of each development set
            are matched but wrong)

        Examples
        --------
        >>> g = Geocoder()
        >>> m = g.resolve("Daraa province")
        >>> m.feature_type, m.geo_precision
        ('admin1', 3)
        >>> m = g.resolve("Kansafra", name_ar="كنصفرة", admin1="Idlib")
        >>> m.status, m.name, m.method.split(":")[0]
        ('matched', 'Kansafrah', 'both')
        >>> g.resolve("", name_ar="كنصفرة").method.split(":")[0]
        'arabic'
        """
        near_t = _as_near(near)
        bbox_t = _as_bbox(bbox)
        types = _as_types(feature_type)
        if min_confidence is not None:
            try:
                min_confidence = float(min_confidence)
            except (TypeError, ValueError):
                raise InputError("min_confidence must be a number in [0, 1]", value=min_confidence) from None
            if not 0.0 <= min_confidence <= 1.0:
                raise InputError("min_confidence must be a number in [0, 1]", value=min_confidence)
        match = self._resolve_cached(_text(query), _text(name_ar), _hint(admin1), _hint(admin2), _hint(admin3),
                                     near_t, bbox_t, types)
        if min_confidence is not None and self.calibrator is not None and match.point is not None:
            match = _with_threshold(match, min_confidence)
        return match

    def clear_cache(self) -> None:
        """Forget memoised answers (after editing corrections or the gazetteer)."""
        self._resolve_cached.cache_clear()

    def _resolve_uncached(self, query: str, name_ar: str, admin1: str, admin2: str, admin3: str, near: tuple | None,
                          bbox: tuple | None, types: frozenset[str]) -> Match:
        match = self._resolve_rules(query, name_ar, admin1, admin2, admin3, near, bbox, types)
        if self.calibrator is None or match.point is None:
            return match
        if _is_correction(match):  # the analyst's own decision: no model second-guesses it
            return _replace(match, confidence=1.0)
        if match.method == QUARTERS_METHOD:
            # quarters of a town, none named: a guess at the town that no confidence was learnt for
            return match
        from .confidence import features

        hinted = 3 if admin3 else 2 if admin2 else int(bool(admin1 or near or bbox))
        conf = round(self.calibrator.confidence(features(self.index, match, hinted)), 4)
        match = _replace(match, confidence=conf)
        if match.feature_type in ADMIN_TYPES and parse_location(query).admin_level is not None:
            # "Daraa province": a query that names an admin area by its level; the development sets
            # (points of places) hold none, so the model knows nothing of them and the rules decide
            return match
        if near is not None and match.reason.startswith("the given point"):
            # a point the row carries set the answer apart from its namesakes: no development set
            # carries one, so the model has never seen that evidence and the rules decide
            return match
        return _with_threshold(match, self.calibrator.threshold)

    def _resolve_rules(self, query: str, name_ar: str, admin1: str, admin2: str, admin3: str, near: tuple | None,
                       bbox: tuple | None, types: frozenset[str]) -> Match:
        """The hand rules' answer (status before the confidence model)."""
        if not normalize_name(name_ar) or normalize_name(name_ar) == normalize_name(query):
            return self._resolve_one(query, admin1, admin2, near, bbox, types, admin3=admin3)
        latin = self._resolve_one(query, admin1, admin2, near, bbox, types, with_note=False, admin3=admin3)
        arabic = self._resolve_one(name_ar, admin1, admin2, near, bbox, types, with_note=False, admin3=admin3)
        match = combine_scripts(self.index, latin, arabic)
        note = self.hints.note(admin1, admin2, admin3)
        return _replace(_with_note(match, note) if note else match, query=query)

    def _resolve_one(self, query: str, admin1: str, admin2: str, near: tuple | None, bbox: tuple | None,
                     types: frozenset[str], *, with_note: bool = True, admin3: str = "") -> Match:
        parsed = parse_location(query)
        if not parsed.name:
            town = self._town_of_quarters(parsed, admin1, admin2, admin3, types)
            if town is not None:
                return _replace(town, query=query)
            reason = "empty location" if not parsed.text else "no place name left after removing qualifiers"
            return Match(query=query, status="unresolved", reason=reason)
        corrected = self._correction(parsed, admin1)
        if corrected is not None:
            return corrected
        bare = without_article(parsed.text)  # "the Tabqa Dam": the whole name is what follows the article
        if bare != parsed.text and self.index.exact.get(normalize_name(parsed.text).casefold()):
            bare = parsed.text  # "the Jazira": the article is part of the known name
        whole = self.index.exact.get(normalize_name(bare).casefold()) if parsed.name != bare else None
        if (whole and not (parsed.type_hint == "settlement"
                           and all(self.index.feature_type[row] in ADMIN_TYPES for row, _ in whole))) \
                or (parsed.road and self.index.knows_spelling(parsed.text)):
            # the whole string is a known name ("Ras Elosud - Qarablish", "Camp Alpha", a highway the
            # gazetteer holds): no parsing (but "مدينة إدلب", "Idlib city", an admin area's name too, is the
            # city the type word says)
            parsed = ParsedQuery(text=parsed.text, name=bare if whole else parsed.text)
        if bare != parsed.text and parsed.name == bare and not parsed.area and any(
                c.feature_type == "region" and c.method in ("exact", "alias", "key")
                for c in self.index.lookup(bare, fuzzy=False)):
            parsed = replace(parsed, area=True)  # "the Badia", "the Ghab": the region that bears the name
        context, context_note = self.hints.context(parsed, admin1, admin2, near, bbox, types, admin3)
        match = self._match_name(parsed.name, parsed, context)
        for text in dict.fromkeys((bare, without_type_words(bare)) if parsed.type_hint else (bare,)):
            if parsed.name == text or parsed.context or not self.index.knows_spelling(text):
                continue
            # "Camp Alpha", "Tal Abyad District", "Eastern Ghariyah town": the words taken as qualifiers may be
            # part of a name (only a known spelling of the whole text can win below: a looser match is not tried)
            whole = self._match_name(text, replace(parsed, near=False), context)  # its direction word is its own
            # ("Eastern Ghouta" is a region, not a place near Ghouta): a whole-text name wins ties
            if whole.status == "matched" and whole.method in ("exact", "alias", "key", "compact") and (
                    match.status != "matched" or whole.score >= match.score):
                match = whole
            break
        if match.status == "unresolved":
            split = self._split_match(parsed, context)
            if split is not None:
                match = split
        facility = facility_named(parsed.text)
        if facility is not None and match.feature_type != facility[0]:
            match = self._facility_match(match, parsed, context, *facility)
        if match.status != "matched":
            match = self._generic_word_match(match, parsed, context)
        if match.status == "unresolved" or (match.status == "ambiguous" and match.method in ("fuzzy", "skeleton", "vowels")):
            match = self._without_parts_match(match, parsed, context)
        if parsed.alternatives:
            match = self._alternatives_match(match, parsed, context)
        top = match.candidates[0] if match.status == "ambiguous" and match.candidates else None
        # a weak answer by another spelling outside the area the context names (not "south of X": that lies outside X)
        weak_elsewhere = top is not None and (match.score or 0) < MATCH_MIN_SCORE and top.method not in ("exact", "alias") \
            and not parsed.bearings and any(n in _ELSEWHERE_NOTES for n in top.notes)
        if (match.status == "unresolved" or weak_elsewhere) and parsed.context:
            # "Kansafra, Jabal al-Zawiya": when the name is unknown the context still places it roughly (and
            # better than a weak look-alike outside the area the context names: "Hama, Jarrah quarter")
            # the first context place matched; else the first named by its own spelling, which places it roughly
            # even among namesakes (the answer is no promise either way)
            area = rough = None
            for part in parsed.context:
                found = self._match_name(part, parsed, Context(admin1_pcodes=context.admin1_pcodes))
                if found.status == "matched":
                    area = found
                    break
                if rough is None and found.status == "ambiguous" and found.method in ("exact", "alias", "key") \
                        and found.longitude is not None:
                    rough = found
            area = area or rough
            if area is not None:
                why = (f"{parsed.name!r} is not known there (the nearest spelling is {top.name}, elsewhere)"
                       if weak_elsewhere else f"{parsed.name!r} not found")
                match = _replace(area, query=query, geo_precision=max(area.geo_precision or 2, 2),
                                 status="ambiguous", reason=f"{why}; placed at {area.name} from the context")
        if parsed.also:
            match = self._also_match(match, parsed, context)
        if match.status == "unresolved" and not facility:
            match = self._leading_words_match(match, parsed, context)
        if match.status == "unresolved" and self._fallback is not None:
            match = self._fallback.resolve(query, parsed, admin1, self) or match
        if context_note and with_note:
            match = _with_note(match, context_note)
        return _replace(match, query=query)

    def _town_of_quarters(self, parsed: ParsedQuery, admin1: str, admin2: str, admin3: str,
                          types: frozenset[str]) -> Match | None:
        """"Central neighbourhoods, Raqqa", or "multiple neighbourhoods" with the hint Raqqa: quarters, no
        name, of the town the context names or else the town the finest hinted area is named after
        (:meth:`HintReader.seat_town`). A best guess at the town (precision 2), never ``matched``."""
        if parsed.type_hint != "neighbourhood":
            return None
        town: Match | None = None
        if parsed.context:
            context, _ = self.hints.context(parsed, admin1, admin2, None, None, types, admin3)
            found = self._match_name(parsed.context[0], parsed, context)
            town = found if found.status == "matched" and found.feature_type == "settlement" else None
        else:
            for hint, level in ((admin3, 3), (admin2, 2), (admin1, 1)):
                if hint:
                    seat = self.hints.seat_town(self.hints.admin_hint(hint, level)[0])
                    town = None if seat is None else decide(self.index, seat.name, [seat])
                    break
        if town is None or town.point is None:
            return None
        return _replace(town, status="ambiguous", geo_precision=2, method=QUARTERS_METHOD, candidates=(),
                        reason=f"no place named: quarters of {town.name}")

    def _match_name(self, name: str, parsed: ParsedQuery, context: Context) -> Match:
        idx = self.index
        cands = idx.lookup(name, admin1_pcodes=context.admin1_pcodes if context.strict_admin else ())
        if not cands and context.admin1_pcodes:
            cands = idx.lookup(name)
        ranked = rank(idx, cands, context, want_area=parsed.area and not parsed.near,
                      type_hint=parsed.type_hint, spelling=name)
        return decide(idx, name, ranked, near=parsed.near, area=parsed.area, type_hint=parsed.type_hint,
                      pool=cands, context=context)

    def _facility_match(self, match: Match, parsed: ParsedQuery, context: Context, ftype: str,
                        words: tuple[str, ...]) -> Match:
        """"Tiyas - Military Airbase", "Shayrat Military Airport": the facility the gazetteer holds under
        the name and one of its words ("Tiyas airbase"), by a known spelling; failing that, the facility
        of that kind whose own name differs from the query's in its vowels alone, as a best guess
        (``ambiguous``); else ``match``."""
        name = _AIR_LEFT.sub("", parsed.name)  # "Kawairas Air" of "Kawairas Military Air Base"
        for word in words:
            found = self._match_name(f"{name} {word}", parsed, context)
            if found.place_id and found.feature_type == ftype and found.method in STRONG_METHODS:
                return found
        # "Bab al-Hawa crossing": the crossing the gazetteer also calls by the name alone
        found = self._match_name(name, parsed, replace(context, feature_types=frozenset({ftype})))
        if found.place_id and found.feature_type == ftype and found.method in STRONG_METHODS:
            return found
        # "Abul Thohur Military Airbase": the only facility of that kind near a place the name reaches by a
        # known spelling, whose own names read like it
        places = [c for c in match.candidates
                  if c.method in STRONG_METHODS and not any("outside" in n for n in c.notes)]
        rows = facilities_near(self.index, places, ftype, name)
        if len(rows) == 1:
            row = rows[0]
            town = next((c for c in places if c.place_id == match.place_id), places[0])
            # the facility answers as its town did (its spelling, method and score); namesakes near it name it too
            cand = self.index._candidate(row, town.matched_name, town.method, town.score)._replace(notes=town.notes)
            others = [c for c in match.candidates if c.feature_type != ftype and haversine_km(
                c.longitude, c.latitude, cand.longitude, cand.latitude) > FACILITY_KM]
            near = decide(self.index, name, [cand, *others])
            return _with_note(near, f"the only {ftype} within {FACILITY_KM:.0f} km of {town.name}")
        top = found.candidates[0] if found.candidates else None
        if match.status != "matched" and top is not None and top.feature_type == ftype:
            # "Kawairas Military Air Base": the facility of that kind whose own name differs in its vowels
            # alone ("Kuweires air base") is the best guess; facilities of one kind are few
            cons = consonants(name)
            own = [w for w in top.name.split() if facility_named(w) is None and not _AIR_WORD.fullmatch(w)]
            if len(cons) >= 3 and consonants(" ".join(own)) == cons:
                best = decide(self.index, name, [top._replace(method="vowels", score=VOWEL_VARIANT_SCORE)])
                return _replace(best, status="ambiguous", reason=f"{name!r} is spelt otherwise; "
                                f"{top.name} differs in its vowels alone and is a facility of the kind named")
        return match

    def _generic_word_match(self, match: Match, parsed: ParsedQuery, context: Context) -> Match:
        """"Abu Saad hill", "al-Assad suburb": the place the gazetteer writes with the Arabic generic word the
        English one after the name translates (Tall Abu Sa'd, Dahiyat al-Asad), by a known spelling, when the
        name alone found nothing sure; else ``match``."""
        for name in generic_word_names(parsed):
            found = self._match_name(name, parsed, context)
            top = found.candidates[0] if found.candidates else None
            if found.place_id and found.method in STRONG_METHODS and top is not None \
                    and not any("outside" in n for n in top.notes) and (
                        found.status == "matched" or match.status == "unresolved" or match.method not in STRONG_METHODS):
                return _with_note(found, f"{name!r}: the generic word written in English after the name")
        return match

    def _without_parts_match(self, match: Match, parsed: ParsedQuery, context: Context) -> Match:
        """"Bokros Tahtani" when only Buqrus is known: its lower quarter is next to it."""
        base = name_without_parts(parsed.name)
        if not base or len(compact_key(base)) < 4 or is_generic(base):
            return match
        found = self._match_name(base, parsed, context)
        if found.status == "unresolved" or (match.status != "unresolved" and found.status != "matched"):
            return match
        return _with_note(found, f"{parsed.name!r} not in the gazetteer; placed at {found.name}",
                          geo_precision=max(found.geo_precision or 1, 2))

    def _leading_words_match(self, match: Match, parsed: ParsedQuery, context: Context) -> Match:
        """"Kansafrah al-Bishwara" when only Kansafrah is known: the place its leading words name, by a known
        spelling, as a best guess near it (``ambiguous``, precision 2); else ``match``."""
        for base in leading_names(parsed.name):
            found = self._match_name(base, parsed, context)
            top = found.candidates[0] if found.candidates else None
            if found.status != "unresolved" and found.method in _NAME_METHODS and (found.score or 0) >= MATCH_MIN_SCORE \
                    and top is not None and not any("outside" in n for n in top.notes):
                return _with_note(found, f"{parsed.name!r} not in the gazetteer; its leading words name {found.name}",
                                  status="ambiguous", geo_precision=max(found.geo_precision or 1, 2))
        return match

    def _alternatives_match(self, match: Match, parsed: ParsedQuery, context: Context) -> Match:
        """"X/Y", "X or Y": the first name that is matched wins; names placed far apart make the
        answer ambiguous, whichever is taken."""
        found = [m for m in (self._match_name(alt, parsed, context) for alt in parsed.alternatives)
                 if m.status != "unresolved"]
        if match.status != "matched":
            better = [m for m in found if m.status == "matched"]
            if better:
                match = better[0]
            elif match.status == "unresolved" and found:
                match = found[0]
        if match.status == "matched":
            for other in found:
                if other.status == "matched" and other.point is not None:
                    km = float(haversine_km(match.longitude, match.latitude, other.longitude, other.latitude))
                    if km > ALTERNATIVES_AGREE_KM:
                        return _replace(match, status="ambiguous",
                                        reason=f"the alternatives {match.name} and {other.name} are {km:.0f} km apart")
        return match

    def _also_match(self, match: Match, parsed: ParsedQuery, context: Context) -> Match:
        """"X and Y": the event spans several places; it is placed at the first one found, with
        geo_precision 2 as ACLED codes an event over several places."""
        if match.status == "unresolved":
            for other in parsed.also:
                found = self._match_name(other, parsed, context)
                if found.status != "unresolved":
                    # the first place named is unknown: the next one is near, not certain
                    match = _with_note(found, f"{parsed.name!r} not found; placed at {found.name}", status="ambiguous")
                    break
        if match.status == "unresolved":
            return match
        if match.status == "ambiguous":
            # "the Ras al-Ain-Tal Tamr road", "A and B": the places named with it say which of its namesakes
            others = [self._match_name(other, parsed, context) for other in parsed.also]
            anchors = tuple((o.longitude, o.latitude, CONTEXT_RADIUS_KM) for o in others if o.status == "matched")
            if anchors:
                found = self._match_name(parsed.name, parsed, replace(context, anchors=context.anchors + anchors))
                if found.place_id is not None:
                    match = found
        note = "also names " + ", ".join(repr(x) for x in parsed.also)
        if parsed.road:
            # "the Saraqib-Ariha road": somewhere between the two towns, placed at the first: no promise
            return _with_note(match, f"{_ROAD_NOTE} {parsed.name!r} to {parsed.also[0]!r}; placed at {match.name}",
                              geo_precision=max(match.geo_precision or 1, 2), status="ambiguous")
        return _with_note(match, note, geo_precision=max(match.geo_precision or 1, 2))

    def _split_match(self, parsed: ParsedQuery, context: Context) -> Match | None:
        """'Kahil Jizah': a place name followed by a nearby place that locates it."""
        words = parsed.name.split()
        if len(words) < 2 or len(words) > 6:
            return None
        for cut in range(len(words) - 1, 0, -1):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            anchor = self._match_name(tail, parsed, context)
            if anchor.status != "matched" or anchor.feature_type in ADMIN_TYPES:
                continue
            ctx = Context(admin1_pcodes=context.admin1_pcodes, anchors=((anchor.longitude, anchor.latitude, 15.0),),
                          strict_admin=context.strict_admin, named=context.named | {name_key(tail)})
            head_cands = [c for c in rank(self.index, self.index.lookup(head), ctx) if "far from context" not in c.notes]
            if head_cands:
                m = decide(self.index, parsed.name, head_cands, near=parsed.near, area=parsed.area)
                return _with_note(m, f"located by {anchor.name}")
        return None

    def _correction(self, parsed: ParsedQuery, admin1: str) -> Match | None:
        if not self.corrections:
            return None
        for key in ((name_key(parsed.text), admin1), (name_key(parsed.name), admin1),
                    (name_key(parsed.text), ""), (name_key(parsed.name), "")):
            pid = self.corrections.get(key)
            if pid == "":  # the analyst said this name is not a place
                return Match(query=parsed.text, status="unresolved", reason="not a place (correction)",
                             method="correction")
            if pid:
                row = self.index.row_of.get(pid)
                if row is None:
                    raise GeocoderError(f"correction for {parsed.text!r} names unknown place id {pid!r}")
                cand = self.index._candidate(row, parsed.name, "correction", 100.0)
                return decide(self.index, parsed.text, [cand], near=parsed.near, area=parsed.area)
        return None

    # ------------------------------------------------------------------ helpers
    def _location(self, match: Match) -> Location:
        raw = match.as_dict()
        raw["match_status"] = match.status
        raw["match_method"] = match.method
        raw["match_score"] = match.score
        raw["match_confidence"] = match.confidence
        raw["match_reason"] = match.reason
        raw["provider"] = "conflictmap"
        parts = [match.name, match.admin2, match.admin1, "Syria"]
        address = ", ".join(dict.fromkeys(p for p in parts if p))
        return Location(address, (match.latitude, match.longitude, 0.0), raw)

    def _candidate_location(self, match: Match, cand: Candidate) -> Location:
        m = decide(self.index, match.query, [cand])
        m = _replace(m, status="ambiguous", reason=match.reason, score=round(min(cand.score, 100), 1),
                     confidence=match.confidence if cand.place_id == match.place_id else 0.0)
        loc = self._location(m)
        if cand.place_id != match.place_id:
            loc.raw["match_confidence"] = None  # only the best guess is scored
        return loc


# ---------------------------------------------------------------------------- small helpers
_ROAD_NOTE = "a road from"  # the reason of an answer placed at the first town a road is named after


def _with_note(match: Match, note: str, **changes: Any) -> Match:
    """``match`` with ``note`` added to its reason (and any other fields changed)."""
    return _replace(match, reason="; ".join(r for r in (match.reason, note) if r), **changes)


def _is_correction(match: Match) -> bool:
    """An answer from the analyst's corrections file (``correction``, ``latin:correction`` ...)."""
    return (match.method or "").rpartition(":")[2] == "correction"


def _with_threshold(match: Match, threshold: float) -> Match:
    """``match`` with its status set by its confidence: ``matched`` at or above ``threshold``.

    The rules that stay: an answer with no point stays unresolved, and a famous name abroad is not
    matched to a Syrian look-alike without a hint."""
    if match.point is None or _is_correction(match):
        return match
    rule_reason = match.reason or ""
    if _arabic_hint_alone(match):
        if match.status != "matched":
            return match
        note = "an Arabic name alone is no promise among its namesakes (they are written alike)"
        return _replace(match, status="ambiguous", reason="; ".join(x for x in (note, rule_reason) if x))
    if match.confidence >= threshold:
        if match.status == "matched" or "well-known place abroad" in rule_reason or _ROAD_NOTE in rule_reason:
            return match  # a famous name abroad, a place somewhere along a road: no confidence makes them sure
        return _replace(match, status="matched",
                        reason=f"confidence {match.confidence:.2f} (the rules alone: {rule_reason or 'ambiguous'})")
    if match.status != "matched":
        return match
    note = f"confidence {match.confidence:.2f} is below {threshold:.2f}"
    return _replace(match, status="ambiguous", reason="; ".join(x for x in (note, rule_reason) if x))


def _arabic_hint_alone(match: Match) -> bool:
    """True for an answer the Arabic name decided alone (no Latin name agreeing) that an admin hint
    alone picked among the places of that name (:data:`~.matching.ARABIC_HINT_ALONE`): never
    ``matched``, whatever its confidence."""
    return ARABIC_HINT_ALONE in (match.reason or "") and not (match.method or "").startswith(("both:", "latin:"))


def _replace(match: Match, **changes: Any) -> Match:
    """``dataclasses.replace(match, **changes)`` without running the frozen ``__init__`` again
    (every query makes one or two: 0.4 s of a 20,000-name batch). ``Match`` has no
    ``__post_init__``; an unknown field raises ``TypeError`` as ``replace`` does."""
    unknown = set(changes) - _MATCH_FIELDS
    if unknown:
        raise TypeError(f"Match has no field(s) {sorted(unknown)}")
    new = object.__new__(Match)
    new.__dict__.update(match.__dict__)
    new.__dict__.update(changes)
    return new


_MATCH_FIELDS = frozenset(Match.__dataclass_fields__)


def _isnan(value: Any) -> bool:
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


def _text(value: Any) -> str:
    """A query cell as text ('' for None/NaN)."""
    if isinstance(value, str):
        return value
    return "" if value is None or _isnan(value) else str(value)


def _hint(value: Any) -> str:
    if value is None or _isnan(value):
        return ""
    if not isinstance(value, str):
        value = str(value)
    return normalize_name(value)[:100]


def _as_near(near: Any) -> tuple[float, float] | None:
    if near is None:
        return None
    try:
        p = GeopyPoint(near)
    except (ValueError, TypeError):
        raise InputError("near must be a (lat, lon) point", value=near) from None
    return (p.latitude, p.longitude)


def _as_bbox(bbox: Any) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InputError("bbox must be (min_lon, min_lat, max_lon, max_lat)", value=bbox) from None
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise InputError("bbox out of range or inverted (min_lon, min_lat, max_lon, max_lat)", value=bbox)
    return (x0, y0, x1, y1)


def _as_types(feature_type: Any) -> frozenset[str]:
    from ..gazetteer import FEATURE_TYPES

    if feature_type is None:
        return frozenset()
    types = {feature_type} if isinstance(feature_type, str) else set(feature_type)
    bad = sorted(t for t in types if t not in FEATURE_TYPES)
    if bad:
        raise InputError(f"unknown feature type; use one of {sorted(FEATURE_TYPES)}", value=bad[0])
    return frozenset(types)


def _load_corrections(corrections: Any) -> dict[tuple[str, str], str]:
    """Corrections as {(name_key, admin1 hint): place_id}."""
    if corrections is None:
        return {}
    out: dict[tuple[str, str], str] = {}
    if isinstance(corrections, Mapping):
        for name, pid in corrections.items():
            out[(name_key(name), "")] = str(pid)
        return out
    from .corrections import read_corrections

    table = read_corrections(corrections)
    for i, row in enumerate(table.to_dict("records"), start=2):
        if not row["name"].strip():
            raise InputError("empty name", source=str(corrections), row=i, column="name")
        # an empty place_id says "not a place": the name is answered unresolved
        out[(name_key(row["name"]), _hint(row.get("admin1", "")))] = row["place_id"].strip()
    return out
