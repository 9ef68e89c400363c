"""What a waiting item will look like: rendered by its widget, exactly as a member site
would show it once it is published."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from ..embed.catalogue import settings_from
from ..embed.render import render_widget
from ..i18n import force_locale
from ..models import Application, Event, Project


def preview(item: Project | Event | Application) -> Markup:
    """The item in its widget (projects or events); an application as the partner card."""
    if isinstance(item, Application):
        return Markup("")
    name = "events" if isinstance(item, Event) else "projects"
    settings = settings_from({"alliance": item.alliance.slug, "limit": "1"}, name)
    data: dict[str, Any] = {
        "items": [item],
        "accent": item.alliance.color,
        "more_url": "#",
    }
    with force_locale(settings.lang):
        rendered = render_widget(settings, heading=3, data=data)
    return Markup(render_template("embed/fragment.html", rendered=rendered))  # noqa: S704 (our template)
