"""Escaping helpers for every module that writes HTML or embeds data in ``<script>``.

Text taken from data (event notes, actor names, place names, faction labels, source links)
must never reach a page unescaped, nor a template's source: folium and branca compile the text
every element renders as a new Jinja template, so ``{{ ... }}``, ``{% ... %}`` and ``{# ... #}`` in
data would run. Every helper here returns *template-inert* text, whatever the data holds: every
``{`` of HTML text is the character reference ``&#123;`` and, in script, a ``{`` before ``{``,
``%`` or ``#`` is the escape ``\\u007b``; the browser shows both as ``{``.

Use :func:`text` for HTML text and attribute values, :func:`script_json` for data embedded in a ``<script>`` element, :func:`safe_url` for links and
:func:`css_color` for colours that go into a ``style`` attribute.

Examples
--------
>>> text('<img src=x onerror=alert(1)>')
'&lt;img src=x onerror=alert(1)&gt;'
>>> text(float('nan'))
''
>>> script_json({"note": "</script><b>"})
'{"note":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
>>> safe_url("javascript:alert(1)") is None
True
>>> safe_url("https://example.org/a?b=1&c=2")
'https://example.org/a?b=1&c=2'
>>> text("{{7*7}}")
'&#123;&#123;7*7}}'
>>> script_json("{{7*7}}")
'"\\\\u007b{7*7}}"'
>>> script_json("{% if 1 %}")
'"\\\\u007b% if 1 %}"'
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any
from urllib.parse import urlsplit

__all__ = ["is_missing", "text", "script_json", "safe_url", "css_color", "escape_script_text",
           "has_template_syntax"]

_SCRIPT_REPLACEMENTS = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    "{": "\\u007b",
}
_SCRIPT_RE = re.compile("[<>&\u2028\u2029]|\\{(?=[{%#])")
# a brace that opens a Jinja delimiter ({{, {%, {#); a lone brace is inert
_TEMPLATE_OPEN_RE = re.compile(r"\{(?=[{%#])")
_COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9., %]+\)|hsla?\([0-9., %deg]+\))$")


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pandas.NA (the values shown as empty text).

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), "", 0, "x")]
    [True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:  # NaT and numpy nan are not equal to themselves
        return bool(value != value)
    except TypeError:  # pandas.NA: its truth value is ambiguous
        return True
    except ValueError:  # arrays
        return False


def text(value: Any) -> str:
    """Return ``value`` as escaped HTML text (quotes escaped too, safe in attributes).

    Missing values (None, NaN, NaT, NA) become the empty string.

    Examples
    --------
    >>> text('a "b" & <c>')
    'a &quot;b&quot; &amp; &lt;c&gt;'
    >>> text(None)
    ''
    >>> text(3)
    '3'
    """
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True).replace("{", "&#123;")


def has_template_syntax(value: Any) -> bool:
    """True when ``value`` holds a Jinja delimiter (``{{``, ``{%`` or ``{#``).

    For values that are not text shown to a person (a tile URL, an option) and are refused
    rather than escaped when they hold one.

    Examples
    --------
    >>> has_template_syntax("https://tile.example/{z}/{x}/{y}.png"), has_template_syntax("{{ x }}")
    (False, True)
    """
    return not is_missing(value) and bool(_TEMPLATE_OPEN_RE.search(str(value)))


def escape_script_text(source: str) -> str:
    """Make JSON or JS text safe inside ``<script>``: escape ``< > &``, U+2028/2029 and a ``{``
    that opens a template delimiter.

    Only valid where those characters occur inside JS string literals (as in JSON output, where
    a brace of the structure is never followed by ``{``, ``%`` or ``#``).

    Examples
    --------
    >>> escape_script_text('"</script>"')
    '"\\\\u003c/script\\\\u003e"'
    >>> escape_script_text('{"a":"{{x}}"}')
    '{"a":"\\\\u007b{x}}"}'
    """
    return _SCRIPT_RE.sub(lambda match: _SCRIPT_REPLACEMENTS[match.group(0)], source)


def script_json(value: Any) -> str:
    """Serialise ``value`` as compact JSON that is safe to embed in a ``<script>`` element.

    NaN and infinity are refused (convert them to None first).

    Examples
    --------
    >>> script_json([1, "a&b", None])
    '[1,"a\\\\u0026b",null]'
    """
    dumped = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return escape_script_text(dumped)


def safe_url(value: Any) -> str | None:
    """Return the URL if it is an absolute http(s) URL, else None (never ``javascript:``).

    The result is not HTML-escaped: pass it through :func:`text` before writing an attribute.

    Examples
    --------
    >>> safe_url(" http://a.org/x ")
    'http://a.org/x'
    >>> safe_url("data:text/html,hi") is None
    True
    >>> safe_url(float("nan")) is None
    True
    """
    if is_missing(value):
        return None
    candidate = str(value).strip()
    if not candidate or any(ch in candidate for ch in "\r\n\t <>\"'`"):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def css_color(value: Any, default: str = "#777777") -> str:
    """Return a colour that is safe in a ``style`` attribute, or ``default``.

    Examples
    --------
    >>> css_color("#e41a1c")
    '#e41a1c'
    >>> css_color("red;background:url(x)")
    '#777777'
    """
    if is_missing(value):
        return default
    candidate = str(value).strip()
    return candidate if _COLOR_RE.match(candidate) else default
