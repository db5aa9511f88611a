"""Element base classes whose rendered text is never compiled again as a template.

branca's ``MacroElement.render`` wraps the text each macro renders in ``Element(text)``, and
``Element`` compiles that text as a *new* Jinja template that the page render then runs. Any
``{{ ... }}`` or ``{% ... %}`` that reached the rendered text (a place name, a zone's source, a
title) would run as code. Every element class of this package derives from
:class:`LiteralMacroElement` or :class:`LiteralLayer` instead: the same macros, rendered once, and
their output added to the page as :class:`Literal` text. The escaping helpers of
:mod:`conflictmap.htmlsafe` make data template-inert as well, so folium's own elements (the layer
control, tile layers) that show our text are safe too.

Examples
--------
>>> import folium
>>> from folium.template import Template
>>> class Note(LiteralMacroElement):
...     _template = Template("{% macro html(this, kwargs) %}<p>{{ this.words }}</p>{% endmacro %}")
...     def __init__(self, words):
...         super().__init__()
...         self.words = words
>>> m = folium.Map(tiles=None)
>>> _ = Note("{{ 7 * 7 }}").add_to(m)
>>> "<p>{{ 7 * 7 }}</p>" in m.get_root().render()
True
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.map import Layer

from ..htmlsafe import text

__all__ = ["Literal", "LiteralMacroElement", "LiteralLayer", "render_macros"]


class Literal(Element):
    """Text put into the page as it is: no template is compiled or run."""

    def __init__(self, code: str):
        super().__init__()
        self.code = code

    def render(self, **kwargs: Any) -> str:
        return self.code


def render_macros(element: MacroElement, kwargs: dict[str, Any]) -> None:
    """What ``MacroElement.render`` does, with the macros' output added as :class:`Literal` text."""
    figure = element.get_root()
    module = element._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = module.get(part)
        if macro is not None:
            target.add_child(Literal(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class LiteralMacroElement(MacroElement):
    """A ``MacroElement`` whose rendered macros are never compiled again."""

    def render(self, **kwargs: Any) -> None:
        render_macros(self, kwargs)


class LiteralLayer(Layer):
    """A folium ``Layer`` (listed in the layer control) whose rendered macros are never compiled
    again; its name is escaped, as Leaflet's layer control writes names as HTML."""

    def __init__(self, name: str | None = None, overlay: bool = False, control: bool = True, show: bool = True):
        super().__init__(name=None if name is None else text(name), overlay=overlay, control=control, show=show)

    def render(self, **kwargs: Any) -> None:
        if self.show:  # as folium's Layer.render: add the layer to its parent when the page opens
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        render_macros(self, kwargs)
