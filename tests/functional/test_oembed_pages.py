"""oEmbed's pages are a declared table: each row names a public page, the widget that stands
for it and the widget parameters the page's address fills — all of which must exist."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from widget_service.embed.oembed import LISTING_FILTERS, PAGE_WIDGETS
from widget_service.widget_schema import widgets

PA = "niedersachsen-packt-an"


def test_every_row_names_a_page_a_widget_and_its_parameters(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    catalogue = widgets()
    for endpoint, page in PAGE_WIDGETS.items():
        assert endpoint in endpoints, endpoint
        widget = catalogue[page.widget]
        filled = [page.fills[1]] if page.fills else []
        for name in (*filled, *page.filters):
            assert name in widget.parameters, (endpoint, name)
        if page.fills:
            # the page's URL has the variable the row reads
            rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
            assert all(page.fills[0] in rule.arguments for rule in rules), endpoint
        # a listing (no title of its own) has nothing to fill
        assert page.title is not None or page.fills is None, endpoint
    assert LISTING_FILTERS == ("partner", "region", "field", "kind")


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("path", "widget"),
    [
        (f"/p/{PA}", "projects"),
        (f"/p/{PA}/projects/sprachcafe-sehnde", "projects"),
        (f"/p/{PA}/partners/landkreis-peine", "badge"),
        (f"/p/{PA}/partners?region=Region%20Hannover", "partners"),
        (f"/p/{PA}/calls/zusammen-mehr", "banner"),
    ],
)
def test_each_page_is_embedded_by_its_row(client: FlaskClient, path: str, widget: str) -> None:
    response = client.get("/oembed", query_string={"url": f"http://localhost{path}"})
    assert response.status_code == 200
    assert f"/embed/{widget}?" in response.get_json()["html"]


def test_a_page_without_a_row_is_not_found(client: FlaskClient) -> None:
    for path in ("/p/all", "/feeds", "/widgets"):
        response = client.get("/oembed", query_string={"url": f"http://localhost{path}"})
        assert response.status_code == 404, path
