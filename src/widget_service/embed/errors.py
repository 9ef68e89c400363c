"""The error shapes of widgets: a widget that says what went wrong, in the widget's style
and its language (``lang=``, never the browser's), as a document or as a fragment."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request
from werkzeug.wrappers import Response

from ..i18n import LANGUAGES, force_locale
from ..web import errors
from . import render


def _answer(problem: errors.Problem, shape: Callable[[render.Rendered, int], Response]) -> Response:
    value = request.args.get("lang", "")
    lang = value if value in LANGUAGES else "de"
    with force_locale(lang):
        return shape(render.error_rendered(problem.message(), lang), problem.status)


def widget(problem: errors.Problem) -> Response:
    """For an iframe: a whole document."""
    return _answer(problem, render.document)


def fragment(problem: errors.Problem) -> Response:
    """For embed.js and server-side includes: a fragment, CORS open."""
    return _answer(problem, render.fragment)


def init_app(app: Flask) -> None:
    errors.add_renderer(app, "widget", widget)
    errors.add_renderer(app, "fragment", fragment)
