"""Error shapes and cache policies are declared, not guessed: a blueprint names the shape of
its errors once (a view may differ), a view names its cache policy, and one
``after_request`` turns the policy into headers, errors included."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask
from werkzeug.wrappers import Response

from widget_service.errors import InvalidParameter, NotFound
from widget_service.http import POLICIES, cache_policy
from widget_service.web.errors import declare_shape, errors_as


@pytest.fixture(autouse=True)
def _uncached(config: dict[str, Any]) -> None:
    # the headers under test are the app's own, not the response cache's; and routes the
    # metrics do not know must not show up in them for later tests
    config["RESPONSE_CACHE"] = False


def _blueprint(shape: str) -> Blueprint:
    bp = Blueprint("shapes", __name__, url_prefix="/shapes/v1")
    declare_shape(bp, shape)

    @bp.get("/missing")
    @cache_policy("feed")
    def missing() -> Response:
        raise NotFound("alliance", "nowhere")

    @bp.get("/as-page")
    @errors_as("page")
    def as_page() -> Response:
        raise InvalidParameter("limit", "range", low=1, high=5)

    @bp.get("/fresh")
    @cache_policy("feed")
    def fresh() -> Response:
        return Response("a feed\n", mimetype="text/plain")

    @bp.get("/unstored")
    @cache_policy("none")
    def unstored() -> Response:
        return Response("now\n", mimetype="text/plain")

    @bp.get("/own")
    @cache_policy("feed")
    def own() -> Response:
        response = Response("mine\n", mimetype="text/plain")
        response.headers["Cache-Control"] = "private, max-age=5"
        return response

    @bp.get("/down")
    @cache_policy("page")
    def down() -> Response:
        return Response("away\n", status=503, mimetype="text/plain")

    return bp


@pytest.mark.parametrize(
    ("shape", "media_type", "text"),
    [
        ("text", "text/plain", "There is no alliance “nowhere”.\n"),
        ("json", "application/json", '"message": "There is no alliance “nowhere”."'),
        ("page", "text/html", "There is no alliance “nowhere”."),
    ],
)
def test_a_blueprint_declares_the_shape_of_its_errors(
    app: Flask, shape: str, media_type: str, text: str
) -> None:
    app.register_blueprint(_blueprint(shape))
    response = app.test_client().get("/shapes/v1/missing?lang=en")
    assert response.status_code == 404
    assert response.mimetype == media_type
    assert text in response.get_data(as_text=True)
    # an error is kept briefly, whatever the view's own policy for its answers
    assert response.headers["Cache-Control"] == POLICIES["error"]
    assert "ETag" not in response.headers


def test_a_view_may_answer_its_errors_in_another_shape(app: Flask) -> None:
    app.register_blueprint(_blueprint("text"))
    response = app.test_client().get("/shapes/v1/as-page?lang=en")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "it must be a whole number from 1 to 5" in response.get_data(as_text=True)


def test_an_unknown_address_under_a_prefix_answers_in_the_blueprint_shape(app: Flask) -> None:
    app.register_blueprint(_blueprint("json"))
    client = app.test_client()
    unknown = client.get("/shapes/nothing-here?lang=en")
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["status"] == 404
    # outside every prefix: a page
    assert client.get("/nothing-here").mimetype == "text/html"
    # the API's prefix is declared JSON too
    assert client.get("/api/v1/nothing-here").mimetype == "application/json"


def test_a_declared_policy_gives_cache_control_an_etag_and_304(app: Flask) -> None:
    app.register_blueprint(_blueprint("text"))
    client = app.test_client()
    first = client.get("/shapes/v1/fresh")
    assert first.headers["Cache-Control"] == POLICIES["feed"]
    etag = first.headers["ETag"]
    again = client.get("/shapes/v1/fresh", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == POLICIES["feed"]


def test_unstored_answers_carry_no_validator(app: Flask) -> None:
    app.register_blueprint(_blueprint("text"))
    response = app.test_client().get("/shapes/v1/unstored")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_a_view_that_sets_cache_control_itself_keeps_it(app: Flask) -> None:
    app.register_blueprint(_blueprint("text"))
    response = app.test_client().get("/shapes/v1/own")
    assert response.headers["Cache-Control"] == "private, max-age=5"


def test_a_503_is_never_stored(app: Flask) -> None:
    app.register_blueprint(_blueprint("text"))
    response = app.test_client().get("/shapes/v1/down")
    assert response.status_code == 503
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unknown_policy_fails_when_declared() -> None:
    with pytest.raises(ValueError, match="no cache policy 'forever'"):
        cache_policy("forever")
    with pytest.raises(ValueError, match="no cache policy 'later'"):
        cache_policy("page", errors="later")
