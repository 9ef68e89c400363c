"""Widgets for other sites: ``/embed/<widget>`` (a document for an iframe),
``/fragment/<widget>`` (HTML for ``embed.js`` and server-side includes), ``/embed.js`` (the
loader) and ``/oembed``.

One generic renderer serves every widget of the widget folder (``widgets/``, or
``WIDGETS_PATH``): it checks the parameters against the widget's declaration, reads what the
declaration names, and renders the widget's template in the widget's language (``lang=``,
never the browser's). Nothing rendered here makes a visitor's browser contact another host:
no images, fonts or scripts from elsewhere, no cookies.

By role: ``catalogue`` (which widgets), ``readers`` (what they show), ``theming`` (colours,
CSS), ``render`` (documents, fragments), ``errors`` (a widget that says what went wrong),
``snippets`` (what webmasters copy), ``oembed``.
"""

from __future__ import annotations

from flask import Flask

from . import catalogue, errors
from .blueprint import bp
from .oembed import oembed_discovery


def init_app(app: Flask) -> None:
    catalogue.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals.update(oembed_discovery=oembed_discovery)
    app.register_blueprint(bp)
