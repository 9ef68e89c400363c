"""Project pictures: copied through the guarded fetcher, served from here, shown everywhere.

The pictures come from a local server under a test name (never the internet).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.federation_support import FEED_HOST, FeedServer
from widget_service.models import Project, StoredImage
from widget_service.operations import import_document

PA = "niedersachsen-packt-an"
SLUG = "sprachcafe-sehnde"


@pytest.fixture(autouse=True)
def _fetch_settings(config: dict[str, Any]) -> None:
    config.update(FETCH_ALLOW_HOSTS=[FEED_HOST], FETCH_DEADLINE=2, FETCH_WORKERS=2)


def photo(size: tuple[int, int] = (1600, 900), color: tuple[int, int, int] = (0, 90, 160)) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 19.0, 0.0)}  # where it was taken
    Image.new("RGB", size, color).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def give_image(session: Session, slug: str, url: str) -> None:
    project = session.scalar(select(Project).where(Project.slug == slug))
    assert project is not None
    import_document(session, {"projects": [{"alliance": PA, "slug": slug, "image": url}]})


def offer(demo: Session, feeds: FeedServer, path: str, body: bytes | None = None) -> str:
    """Serve a picture at ``path`` and make it the demo project's; returns its address."""
    feeds.serve(path, photo() if body is None else body, "image/jpeg")
    url = feeds.url(path)
    give_image(demo, SLUG, url)
    return url


def fetch_images(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["images", "fetch", *args])
    assert result.exit_code == 0, result.output
    return result.output


def copy_of(session: Session, url: str) -> StoredImage | None:
    session.expire_all()
    return session.scalar(select(StoredImage).where(StoredImage.url == url))


def test_a_picture_is_copied_made_ours_and_served_from_here(
    demo: Session, runner: FlaskCliRunner, client: FlaskClient, feeds: FeedServer
) -> None:
    url = offer(demo, feeds, "/bilder/cafe.jpg")
    page_before = client.get(f"/p/{PA}/projects/{SLUG}")
    assert "/images/" not in page_before.get_data(as_text=True)

    output = fetch_images(runner)
    assert "Pictures: 1 copied, 0 unchanged, 0 failed." in output
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is not None
    assert (stored.width, stored.height) == (1200, 675)
    assert feeds.hits[-1].headers["Accept"].startswith("image/")

    address = f"/images/{stored.digest}.jpg"
    served = client.get(address)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in served.headers
    picture = Image.open(io.BytesIO(served.data))
    assert picture.size == (1200, 675) and not picture.getexif()
    assert client.get(address, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304

    # the page shows our copy (and changed, so caches fetch it anew); so do cards and widgets
    page = client.get(f"/p/{PA}/projects/{SLUG}")
    assert page.headers["ETag"] != page_before.headers["ETag"]
    html = page.get_data(as_text=True)
    assert f'src="{address}"' in html and 'width="1200" height="675"' in html
    assert url not in html  # never the other site's address
    assert f'src="{address}"' in client.get(f"/p/{PA}/projects").get_data(as_text=True)
    widget = client.get(f"/fragment/projects?alliance={PA}&layout=cards").get_data(as_text=True)
    assert f'src="http://localhost{address}"' in widget
    feed = client.get(f"/feeds/{PA}/projects.rss").get_data(as_text=True)
    assert (
        f'<enclosure url="http://localhost{address}" length="{len(served.data)}" '
        'type="image/jpeg"/>' in feed
    )
    compact = client.get(f"/fragment/projects?alliance={PA}&layout=compact")
    assert "/images/" not in compact.get_data(as_text=True)

    # nothing more to do; with --all the unchanged picture costs a 304
    assert "No picture needs a copy" in fetch_images(runner)
    assert "Pictures: 0 copied, 1 unchanged, 0 failed." in fetch_images(runner, "--all")
    assert feeds.statuses("/bilder/cafe.jpg")[-1] == 304
    assert feeds.hits[-1].headers.get("If-None-Match")  # the copy's own validator


def test_a_changed_picture_gets_a_new_address(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    url = offer(demo, feeds, "/bild.jpg", photo(color=(0, 90, 160)))
    fetch_images(runner)
    first = copy_of(demo, url)
    assert first is not None
    old = first.digest

    feeds.serve("/bild.jpg", photo(color=(160, 20, 20)), "image/jpeg")
    assert "1 copied" in fetch_images(runner, "--all")
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest not in (None, old)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "image/svg+xml",
            "not a picture",
        ),
        (b"<!doctype html><p>Seite nicht gefunden</p>", "text/html", "not a picture"),
    ],
)
def test_what_is_not_a_picture_is_not_copied_and_the_project_shows_without(
    demo: Session,
    runner: FlaskCliRunner,
    client: FlaskClient,
    feeds: FeedServer,
    body: bytes,
    content_type: str,
    reason: str,
) -> None:
    feeds.serve("/x", body, content_type)
    url = feeds.url("/x")
    give_image(demo, SLUG, url)
    result = runner.invoke(args=["images", "fetch"])
    assert result.exit_code == 0
    assert "0 copied, 0 unchanged, 1 failed" in result.output
    assert reason in result.output
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is None and stored.failures == 1
    assert reason in (stored.error or "")
    html = client.get(f"/p/{PA}/projects/{SLUG}").get_data(as_text=True)
    assert "<img" not in html.split("<main", 1)[1]
    # tried again later, not at once
    assert "No picture needs a copy" in fetch_images(runner)


def test_a_picture_on_a_private_address_is_refused(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    url = "http://intern.test/bild.jpg"  # the stub resolver answers 10.0.0.7
    give_image(demo, SLUG, url)
    result = runner.invoke(args=["images", "fetch"])
    assert "1 failed" in result.output
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is None
    assert re.search(r"private|not allowed|refused", stored.error or "")


def test_a_source_that_goes_away_keeps_the_last_copy(
    demo: Session, runner: FlaskCliRunner, client: FlaskClient, feeds: FeedServer
) -> None:
    url = offer(demo, feeds, "/bild.jpg")
    fetch_images(runner)
    feeds.fail("/bild.jpg", 404)
    assert "1 failed" in runner.invoke(args=["images", "fetch", "--all"]).output
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is not None and stored.failures == 1
    assert client.get(f"/images/{stored.digest}.jpg").status_code == 200


def test_sources_poll_copies_pictures_too(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    offer(demo, feeds, "/bild.jpg")
    result = runner.invoke(args=["sources", "poll"])
    assert result.exit_code == 0
    assert "No source is due" in result.output
    assert "Pictures: 1 copied, 0 unchanged, 0 failed." in result.output


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "address",
    [
        "/images/" + "0" * 64 + ".jpg",
        "/images/" + "0" * 63 + ".jpg",
        "/images/" + "G" * 64 + ".png",
        "/images/x.gif",
    ],
)
def test_an_unknown_picture_is_a_404(client: FlaskClient, address: str) -> None:
    assert client.get(address).status_code == 404


def test_a_partner_logo_is_copied_and_shown_on_the_wall_and_the_partner_page(
    demo: Session, runner: FlaskCliRunner, client: FlaskClient, feeds: FeedServer
) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (600, 200), (0, 90, 160, 0)).save(out, "PNG")  # transparent
    feeds.serve("/wappen.png", out.getvalue(), "image/png")
    url = feeds.url("/wappen.png")
    partner = {"slug": "landkreis-peine", "name": "Landkreis Peine", "logo": url}
    import_document(demo, {"partners": [partner]})
    wall_before = client.get(f"/fragment/partners?alliance={PA}&layout=cards&limit=50")

    assert "Pictures: 1 copied" in fetch_images(runner)
    stored = copy_of(demo, url)
    assert stored is not None and stored.media_type == "image/png"
    address = f"/images/{stored.digest}.png"
    assert client.get(address).mimetype == "image/png"

    wall = client.get(f"/fragment/partners?alliance={PA}&layout=cards&limit=50")
    assert wall.headers["ETag"] != wall_before.headers["ETag"]
    html = wall.get_data(as_text=True)
    assert html.count('class="aw-logo"') == 1 and f'src="http://localhost{address}"' in html
    assert html.count('class="aw-monogram"') >= 1  # the partners without a logo
    page = client.get(f"/p/{PA}/partners/landkreis-peine").get_data(as_text=True)
    assert f'<img class="logo" src="{address}" alt="" width="600" height="200">' in page
    assert url not in page


def test_pictures_of_federated_items_are_copied_too(
    demo: Session, runner: FlaskCliRunner, client: FlaskClient, feeds: FeedServer
) -> None:
    rss = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        b'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Sehnde</title>'
        b"<link>https://sehnde.example/</link><description>Projekte</description>"
        b'<item><guid isPermaLink="false">rss-1</guid><title>Mit Anhang</title>'
        b"<description>Text</description>"
        b'<enclosure url="/bilder/eins.jpg" type="image/jpeg" length="0"/></item>'
        b'<item><guid isPermaLink="false">rss-2</guid><title>Mit Media RSS</title>'
        b"<description>Text</description>"
        b'<media:content url="https://sehnde.example/bilder/zwei.jpg" medium="image"/></item>'
        b'<item><guid isPermaLink="false">rss-3</guid><title>Mit Tonspur</title>'
        b"<description>Text</description>"
        b'<enclosure url="/ton.mp3" type="audio/mpeg" length="0"/></item>'
        b"</channel></rss>"
    )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Peine",
        "items": [
            {"id": "json-1", "title": "Mit Bild", "content_text": "x", "image": "/bilder/drei.jpg"},
            {
                "id": "json-2",
                "title": "Bild als Skript",
                "content_text": "x",
                "image": "javascript:x",
            },
        ],
    }
    feeds.serve("/sehnde.rss", rss, "application/rss+xml")
    feeds.serve("/peine.json", json.dumps(feed).encode(), "application/feed+json")
    feeds.serve("/bilder/eins.jpg", photo(), "image/jpeg")
    feeds.serve("/bilder/drei.jpg", photo(color=(10, 120, 60)), "image/jpeg")
    for path in ("/sehnde.rss", "/peine.json"):
        source = {"alliance": PA, "url": feeds.url(path), "kind": "projects"}
        import_document(demo, {"sources": [source]})

    result = runner.invoke(args=["sources", "poll"])

    assert result.exit_code == 0, result.output
    demo.expire_all()
    images = {
        p.remote_guid: p.image
        for p in demo.scalars(select(Project).where(Project.remote_guid.is_not(None)))
    }
    assert images == {
        "rss-1": feeds.url("/bilder/eins.jpg"),  # resolved against the feed's address
        "rss-2": "https://sehnde.example/bilder/zwei.jpg",
        "rss-3": None,  # not a picture
        "json-1": feeds.url("/bilder/drei.jpg"),
        "json-2": None,  # not a web address
    }
    # sehnde.example is not the test server: that one fails and is tried again later
    assert "Pictures: 2 copied, 0 unchanged, 1 failed." in result.output
    widget = client.get(f"/fragment/projects?alliance={PA}&limit=50").get_data(as_text=True)
    assert widget.count('class="aw-picture"') == 2
    assert "sehnde.example/bilder" not in widget and feeds.url("/bilder") not in widget
