"""The builder's form, generated from the widget declarations: one field per parameter any
widget offers (common parameters in the order of ``common.toml``, then the widgets' own),
its control chosen by the parameter's type and its options by the declared source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..i18n import gettext
from ..models import Alliance, Call, Partner
from ..web.helpers import partner_kinds
from ..widget_schema import Parameter, Widget

Option = tuple[str, str]
Group = tuple[str | None, list[Option]]


@dataclass(frozen=True)
class Field:
    """One field of the builder's form."""

    name: str
    form_name: str  # the page's own lang= stays the page's: the widget's is "language"
    control: str  # select, number, color, text
    label: str
    hint: str
    uses: tuple[str, ...]  # the widgets that take it (the others hide and disable it)
    spec: Parameter
    groups: tuple[Group, ...] = ()
    blank: str | None = None  # the text of an empty first option ("All"), or none
    error: str | None = None  # what is wrong with its value, shown beside it


@dataclass(frozen=True)
class Sources:
    """What the selects offer: the records a parameter's ``options`` names. With one alliance
    chosen (``alliance``), its partners, regions, fields and calls only: the caller reads
    ``partners`` and ``regions`` for it; fields and calls of the others are left out here."""

    alliances: Sequence[Alliance]
    partners: Sequence[Partner]
    regions: Sequence[str]
    calls: Mapping[str, Sequence[Call]]
    lang: str
    alliance: str | None = None

    def offered(self) -> list[Alliance]:
        """The alliances whose fields and calls are offered."""
        return [item for item in self.alliances if self.alliance in (None, item.slug)]

    def groups(self, source: str) -> tuple[Group, ...]:
        if source == "partners":
            return ((None, [(partner.slug, partner.name) for partner in self.partners]),)
        if source == "regions":
            return ((None, [(region, region) for region in self.regions]),)
        if source == "partner_kinds":
            return ((None, list(partner_kinds().items())),)
        if source == "fields":
            return tuple(
                (alliance.name, [(item.slug, item.label(self.lang)) for item in alliance.fields])
                for alliance in self.offered()
            )
        if source == "calls":
            return tuple(
                (alliance.name, [(call.slug, call.title) for call in self.calls[alliance.slug]])
                for alliance in self.offered()
                if self.calls.get(alliance.slug)
            )
        raise ValueError(f"no options from {source!r}")


def field_names(widgets: Mapping[str, Widget], common: Sequence[str]) -> list[str]:
    """Every parameter the builder offers: first what to show (the alliance and the selects of
    records: partner, region, field, call, kind), then the widgets' own (style, size …), then
    the common ones that say how (limit, layout, theme …), the common ones in their order."""
    specs = [
        (name, spec)
        for widget in widgets.values()
        for name, spec in widget.parameters.items()
        if spec.builder
    ]
    offered = list(dict.fromkeys(name for name, _ in specs))
    names = [name for name in common if name in offered]
    names += [name for name in offered if name not in names]
    choosing = {name for name, spec in specs if spec.type == "alliance" or spec.options}
    first = [name for name in names if name in choosing]
    own = [name for name in names if name not in choosing and name not in common]
    return first + own + [name for name in names if name not in first and name not in own]


def fields(
    widgets: Mapping[str, Widget],
    common: Sequence[str],
    chosen: Widget,
    sources: Sources,
    errors: Mapping[str, str] | None = None,
) -> list[Field]:
    """The form's fields, each as the chosen widget declares it (or the first that does);
    ``errors`` by parameter name are shown beside their field."""
    result = []
    for name in field_names(widgets, common):
        uses = tuple(item.name for item in widgets.values() if name in item.parameters)
        spec = chosen.parameters.get(name) or widgets[uses[0]].parameters[name]
        result.append(replace(_field(name, spec, uses, sources), error=(errors or {}).get(name)))
    return result


def _field(name: str, spec: Parameter, uses: tuple[str, ...], sources: Sources) -> Field:
    lang = sources.lang
    text = Field(
        name=name,
        form_name="language" if name == "lang" else name,
        control="text",
        label=spec.label_in(lang),
        hint=spec.hint.get(lang) or spec.hint.get("de", ""),
        uses=uses,
        spec=spec,
    )
    optional = gettext("All") if spec.default is None and not spec.required else None
    if spec.required and spec.default is None:
        # never the first option in silence: a badge of someone else's membership
        optional = gettext("Please choose")
    if spec.type == "alliance":
        every = [("all", gettext("All alliances"))] if spec.allow_all else []
        named = [(alliance.slug, alliance.name) for alliance in sources.alliances]
        return replace(text, control="select", groups=((None, every + named),))
    if spec.options:
        return replace(text, control="select", groups=sources.groups(spec.options), blank=optional)
    if spec.type == "choice":
        labelled = [(value, spec.choice_label(value, lang)) for value in spec.choices]
        return replace(text, control="select", groups=((None, labelled),), blank=optional)
    if spec.type == "integer":
        return replace(text, control="number")
    if spec.type == "color":
        return replace(text, control="color")
    return text
