"""The legal pages: each is the operator's details in a template, cached like any page."""

from __future__ import annotations

from flask import current_app, render_template
from werkzeug.wrappers import Response

from ..http import cache_policy
from ..i18n import current_language
from .content import legal_basis, webmaster_notes
from .operator import EXTENSION, Operator


def current_operator() -> Operator:
    """The operator of this instance (see ``operator.init_app``)."""
    found: Operator = current_app.extensions[EXTENSION]
    return found


def privacy_note() -> str:
    """The webmasters' privacy note in the page's language (the builder offers it too)."""
    language = current_language()
    notes = webmaster_notes(current_operator())
    return next(note.text for note in notes if note.lang == language)


def _page(template: str) -> Response:
    body = render_template(template, operator=current_operator())
    return Response(body, mimetype="text/html")


@cache_policy("page")
def imprint() -> Response:
    return _page("legal/imprint.html")


@cache_policy("page")
def privacy() -> Response:
    operator = current_operator()
    body = render_template(
        "legal/privacy.html",
        operator=operator,
        basis=legal_basis(operator),
        notes=webmaster_notes(operator),
    )
    return Response(body, mimetype="text/html")


@cache_policy("page")
def accessibility() -> Response:
    return _page("legal/accessibility.html")


@cache_policy("page")
def easy_read() -> Response:
    """The site explained in Leichte Sprache (its text is German whatever the page's language)."""
    return _page("legal/easy_read.html")
