"""Read a place's Latin and Arabic names together.

Incident tables often carry the place name twice, transliterated and in Arabic script. The
geocoder resolves each with the same hints and :func:`combine_scripts` combines the two
answers:

* both name the same place: the answer is ``matched`` when the Latin one is, or when the
  Arabic one is and it could tell the Latin name's namesakes apart (each has an Arabic name
  in the gazetteer); two unsure answers that agree stay ``ambiguous`` (two look-alikes of one
  name prove nothing when the place itself is missing; tied namesakes stay tied);
* one script is confident and the other finds nothing (or only a weak look-alike): the
  confident answer stands;
* both are confident about different places: ``ambiguous``, with both as candidates;
* a script that is confident about a place the other lists among its candidates: ``matched``.

``match_method`` then says which script decided: ``both:<method>`` (they agree; the method
of the deciding answer), ``latin:<method>`` or ``arabic:<method>`` (that script alone). A
query without an Arabic name keeps the plain method.

Examples
--------
>>> from conflictmap import Geocoder
>>> g = Geocoder()
>>> g.resolve("Kansafra", name_ar="كنصفرة").method.split(":")[0]
'both'
>>> m = g.resolve("Saraqib", name_ar="كنصفرة")   # two different villages
>>> m.status, sorted(c.name for c in m.candidates[:2])
('ambiguous', ['Kansafrah', 'Saraqib'])
"""

from __future__ import annotations

from dataclasses import replace

from .matching import ADMIN_TYPES, BORDER_PENALTY_SPAN, MATCH_MIN_SCORE, SAME_PLACE_KM, TIE_MARGIN, Candidate, Match, NameIndex, haversine_km

__all__ = ["combine_scripts", "SCRIPT_PREFIXES"]

#: prefixes ``match_method`` gets when an Arabic name was read beside the Latin one
SCRIPT_PREFIXES = ("both", "latin", "arabic")
_FIRM_METHODS = ("exact", "alias", "key", "compact", "prefix", "correction")
_HINT_NOTES = ("outside admin hint", "just outside admin hint", "just outside district hint", "outside box",
               "far from context")
MAX_CANDIDATES = 10


def combine_scripts(index: NameIndex, latin: Match, arabic: Match) -> Match:
    """One answer from the answers for the Latin and the Arabic name of a place.

    Parameters
    ----------
    index : the name index both answers come from
    latin, arabic : the geocoder's answers for each name (same hints)

    Returns
    -------
    Match whose ``method`` carries the deciding script (see the module docstring).
    """
    lp, ap = latin.point is not None, arabic.point is not None
    if not lp and not ap:
        reason = "; ".join(x for x in (f"Latin: {latin.reason}" if latin.reason else "",
                                       f"Arabic: {arabic.reason}" if arabic.reason else "") if x)
        return replace(latin, reason=reason, candidates=_merged(latin, arabic))
    if lp != ap:
        found, other, script = (latin, arabic, "latin") if lp else (arabic, latin, "arabic")
        lost = "Arabic" if lp else "Latin"
        note = f"the {lost} name found nothing ({other.reason})" if other.reason else ""
        return _tagged(found, script, note)
    if _same(latin.point, arabic.point) or latin.place_id == arabic.place_id:
        return _agree(index, latin, arabic)
    return _disagree(index, latin, arabic)


def _agree(index: NameIndex, latin: Match, arabic: Match) -> Match:
    """Both scripts name the same place."""
    if latin.status == "matched":
        return _tagged(latin, "both", "")
    if arabic.status == "matched":
        # the Latin name ties namesakes (or is unsure of its spelling); the Arabic one settles it
        # only if it could tell them apart: every rival has an Arabic name in the gazetteer
        # (a namesake without one is not "another name" but no evidence at all)
        rivals = _rivals(latin)
        if all(str(index.name_ar[c.row]) for c in rivals):
            return _tagged(arabic, "both", "")
        return _tagged(latin, "both", "the Arabic name cannot tell the namesakes apart (some have no Arabic name)",
                       candidates=_merged(latin, arabic))
    # both unsure: two doubts that agree are still doubts (two look-alikes of one name, the
    # same namesakes tied in both scripts, a place outside the hint)
    return _tagged(latin, "both", "both scripts are unsure", candidates=_merged(latin, arabic))


def _disagree(index: NameIndex, latin: Match, arabic: Match) -> Match:
    """The scripts' best answers are different places."""
    for sure, unsure, script in ((latin, arabic, "latin"), (arabic, latin, "arabic")):
        if sure.status == "matched" and unsure.status != "matched":
            if any(_same(sure.point, _pt(c)) for c in unsure.candidates):
                # as in _agree: the Arabic name settles the Latin one's doubt only if it could
                # tell the Latin candidates apart
                if script == "latin" or all(str(index.name_ar[c.row]) for c in [*unsure.candidates[:1], *_rivals(unsure)]):
                    return _tagged(sure, "both", f"the other script lists {sure.name} among its candidates")
                return _tagged(unsure, "latin", "the Arabic name cannot tell the namesakes apart",
                               candidates=_merged(unsure, sure))
            if not _firm(unsure):
                return _tagged(sure, script, f"the other script is unsure ({unsure.reason})")
    best, other, script = (latin, arabic, "latin") if _score(latin) >= _score(arabic) else (arabic, latin, "arabic")
    km = float(haversine_km(latin.longitude, latin.latitude, arabic.longitude, arabic.latitude))
    reason = (f"the Latin name gives {latin.name} ({latin.admin1 or '?'}), the Arabic name {arabic.name} "
              f"({arabic.admin1 or '?'}), {km:.0f} km apart")
    return _tagged(best, script, reason, status="ambiguous", replace_reason=True,
                   candidates=_merged(best, other))


def _tagged(m: Match, script: str, note: str, *, status: str | None = None,
            candidates: tuple[Candidate, ...] | None = None, replace_reason: bool = False) -> Match:
    reason = note if replace_reason else "; ".join(x for x in (m.reason if status != "matched" else "", note) if x)
    changes = {"reason": reason, "method": f"{script}:{m.method}" if m.method else m.method}
    if status is not None:
        changes["status"] = status
    if candidates is not None:
        changes["candidates"] = candidates
    return replace(m, **changes)


def _merged(first: Match, second: Match) -> tuple[Candidate, ...]:
    """The two answers' candidates, each place once, the two leaders first."""
    heads = [c for m in (first, second) for c in m.candidates[:1]]
    rest = [c for pair in zip(first.candidates[1:], second.candidates[1:]) for c in pair]
    rest += list(first.candidates[len(second.candidates):] if len(first.candidates) > len(second.candidates)
                 else second.candidates[len(first.candidates):])
    out, seen = [], set()
    for c in heads + rest:
        if c.place_id not in seen:
            seen.add(c.place_id)
            out.append(c)
    return tuple(out[:MAX_CANDIDATES])


def _rivals(m: Match) -> list[Candidate]:
    """Candidates that may tie with the best one and lie elsewhere (what makes an answer
    ambiguous; a namesake just across the hinted border counts, as in ``decide``)."""
    if not m.candidates:
        return []
    top = m.candidates[0]
    return [c for c in m.candidates[1:] if top.score - c.score < TIE_MARGIN + BORDER_PENALTY_SPAN
            and not _same(_pt(top), _pt(c))]


def _firm(m: Match) -> bool:
    """An answer whose spelling is certain (its doubt, if any, is about namesakes or hints)."""
    base = (m.method or "").split(":")[-1]
    return base in _FIRM_METHODS and m.score >= MATCH_MIN_SCORE and m.feature_type not in ADMIN_TYPES


def _score(m: Match) -> tuple[bool, bool, int, int, float]:
    """How good an answer is, to pick the best guess of two that disagree: matched first, then
    one inside the hinted area, then the place itself before a place near it or the area around
    it ("X Tahtani" placed at X, a name placed from its context), then a firm spelling before a
    look-alike, then the score."""
    base = (m.method or "").split(":")[-1]
    strength = 2 if base in _FIRM_METHODS else 1 if base == "fuzzy" else 0
    inside = not any(n in _HINT_NOTES for n in (m.candidates[0].notes if m.candidates else ()))
    return (m.status == "matched", inside, -(m.geo_precision or 3), strength, m.score)


def _pt(c: Candidate) -> tuple[float, float]:
    return (c.longitude, c.latitude)


def _same(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
    if a is None or b is None:
        return False
    return float(haversine_km(a[0], a[1], b[0], b[1])) <= SAME_PLACE_KM
