"""A story's video: its preview picture copied through the guarded fetcher from a local
server (never the internet), and the two-click player on the project page, in the widget
(iframe and fragment) and in the office's moderation preview, with the CSP it needs."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.federation_support import FEED_HOST, FeedServer
from tests.office_support import login, make_user, post
from widget_service import videos
from widget_service.models import Project, StoredImage
from widget_service.operations import import_document

PA = "niedersachsen-packt-an"
SLUG = "zusammen-mehr-video"
SHORT = "kkGMgK9ZtnKfYAgnEtQxbv"
YT = "dQw4w9WgXcQ"


@pytest.fixture(autouse=True)
def _fetch_settings(config: dict[str, Any]) -> None:
    config.update(FETCH_ALLOW_HOSTS=[FEED_HOST], FETCH_DEADLINE=2, FETCH_WORKERS=2)


def photo(color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1280, 720), color).save(out, "JPEG")
    return out.getvalue()


def story(session: Session, video: str, status: str = "published", slug: str = SLUG) -> None:
    record = {
        "alliance": PA,
        "slug": slug,
        "kind": "story",
        "title": "Wie Amal in Peine ankam",
        "summary": "Eine Erfolgsgeschichte der Integration, als kurzes Video erzählt.",
        "video": video,
        "status": status,
    }
    report = import_document(session, {"projects": [record]})
    assert report is not None


def peertube(feeds: FeedServer, body: dict[str, Any] | None = None) -> str:
    """A PeerTube instance on the local server: the video's API and its preview picture."""
    description = {"previewPath": "/lazy-static/previews/amal.jpg"} if body is None else body
    feeds.serve(f"/api/v1/videos/{SHORT}", json.dumps(description).encode(), "application/json")
    feeds.serve("/lazy-static/previews/amal.jpg", photo(), "image/jpeg")
    return feeds.url(f"/w/{SHORT}")


def fetch_images(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["images", "fetch"])
    assert result.exit_code == 0, result.output
    return result.output


def copy_of(session: Session, url: str) -> StoredImage | None:
    session.expire_all()
    return session.scalar(select(StoredImage).where(StoredImage.url == url))


def sources(html: str) -> list[str]:
    """Every address the document loads by itself (src attributes), not links."""
    return re.findall(r'\ssrc="([^"]*)"', html)


def test_the_preview_is_copied_once_and_the_player_loads_nothing_before_the_click(
    demo: Session, runner: FlaskCliRunner, client: FlaskClient, feeds: FeedServer
) -> None:
    url = peertube(feeds)
    story(demo, url)
    origin = f"http://{FEED_HOST}:{feeds.port}"
    embed = f"{origin}/videos/embed/{SHORT}?autoplay=1&amp;p2p=0&amp;warningTitle=0"

    page = client.get(f"/p/{PA}/projects/{SLUG}")
    html = page.get_data(as_text=True)
    assert 'class="aw-video-placeholder"' in html  # no copy yet: the neutral placeholder
    assert f'href="{url}"' in html and f'data-aw-video="{embed}"' in html
    assert "Beim Abspielen wird das Video von feeds.test" in html
    assert not [src for src in sources(html) if FEED_HOST in src]
    assert f"frame-src 'self' {origin}" in page.headers["Content-Security-Policy"]
    assert "/static/js/video.js" in html
    assert feeds.hits == []  # showing the page asked the video's host nothing

    assert "Pictures: 1 copied, 0 unchanged, 0 failed." in fetch_images(runner)
    assert [hit.path for hit in feeds.hits] == [
        f"/api/v1/videos/{SHORT}",
        "/lazy-static/previews/amal.jpg",
    ]
    assert feeds.hits[0].headers["Accept"].startswith("application/json")
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is not None
    picture = f"/images/{stored.digest}.jpg"
    assert client.get(picture).status_code == 200

    html = client.get(f"/p/{PA}/projects/{SLUG}").get_data(as_text=True)
    assert f'src="{picture}"' in html and "aw-video-placeholder" not in html
    assert not [src for src in sources(html) if FEED_HOST in src]
    # a story without a picture of its own takes the preview into the feeds
    feed = client.get(f"/feeds/{PA}/projects.rss?kind=story").get_data(as_text=True)
    assert f'<enclosure url="http://localhost{picture}"' in feed
    # the next run has nothing to do: the copy is there
    assert "No picture needs a copy" in runner.invoke(args=["images", "fetch"]).output

    framed = client.get(f"/embed/projects?alliance={PA}&kind=story&lang=en")
    html = framed.get_data(as_text=True)
    assert f'src="http://localhost{picture}"' in html
    assert f'data-aw-video="{embed}"' in html
    assert "Playing the video loads it from feeds.test" in html
    assert not [src for src in sources(html) if FEED_HOST in src]
    policy = framed.headers["Content-Security-Policy"]
    assert policy.endswith(f"; frame-src {origin}")
    assert "aw-video-frame" in html  # the player's script is in the document (by its hash)

    fragment = client.get(f"/fragment/projects?alliance={PA}&kind=story")
    assert f'data-aw-video="{embed}"' in fragment.get_data(as_text=True)
    assert "frame-src" not in fragment.headers["Content-Security-Policy"]
    loader = client.get("/embed.js").get_data(as_text=True)
    assert "data-aw-video" in loader and "composedPath" in loader


def test_pages_without_a_video_allow_no_frames(demo: Session, client: FlaskClient) -> None:
    assert "frame-src" not in client.get(f"/p/{PA}/projects").headers["Content-Security-Policy"]
    widget = client.get(f"/embed/projects?alliance={PA}")
    assert "frame-src" not in widget.headers["Content-Security-Policy"]


def test_a_youtube_story_plays_from_youtube_nocookie(
    demo: Session,
    client: FlaskClient,
    feeds: FeedServer,
    runner: FlaskCliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # YouTube's preview address, on the local server
    monkeypatch.setattr(videos, "YOUTUBE_PREVIEW", feeds.url("/vi/{id}/hqdefault.jpg"))
    feeds.serve(f"/vi/{YT}/hqdefault.jpg", photo((20, 20, 200)), "image/jpeg")
    url = f"https://www.youtube.com/watch?v={YT}&t=1m5s"
    story(demo, url)
    page = client.get(f"/p/{PA}/projects/{SLUG}")
    html = page.get_data(as_text=True)
    assert (
        f'data-aw-video="https://www.youtube-nocookie.com/embed/{YT}?autoplay=1&amp;start=65"'
        in html
    )
    assert "Beim Abspielen wird das Video von youtube-nocookie.com geladen" in html
    assert (
        "frame-src 'self' https://www.youtube-nocookie.com"
        in page.headers["Content-Security-Policy"]
    )
    assert "Pictures: 1 copied" in fetch_images(runner)
    assert copy_of(demo, url) is not None


def test_a_vimeo_preview_is_read_from_its_oembed_document(
    demo: Session, feeds: FeedServer, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(videos, "VIMEO_OEMBED", feeds.url("/api/oembed.json"))
    url = "https://vimeo.com/76979871"
    video = videos.recognise(url)
    assert video is not None
    oembed = video.preview.split(str(feeds.port), 1)[1]
    assert oembed == "/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F76979871&width=1280"
    thumbnail = feeds.url("/video/4711-d_1280.jpg")
    document = json.dumps({"type": "video", "thumbnail_url": thumbnail}).encode()
    feeds.serve(oembed, document, "application/json")
    feeds.serve("/video/4711-d_1280.jpg", photo(), "image/jpeg")
    story(demo, url)
    assert "Pictures: 1 copied" in fetch_images(runner)
    assert [hit.path for hit in feeds.hits] == [oembed, "/video/4711-d_1280.jpg"]
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is not None


@pytest.mark.parametrize(
    "description",
    [
        {"name": "no preview"},
        {"previewPath": "javascript:alert(1)"},
        ["not", "an", "object"],
    ],
)
def test_a_video_without_a_usable_preview_keeps_the_placeholder(
    demo: Session,
    feeds: FeedServer,
    runner: FlaskCliRunner,
    client: FlaskClient,
    description: Any,
) -> None:
    url = peertube(feeds, description)
    story(demo, url)
    result = runner.invoke(args=["images", "fetch"])
    assert "Pictures: 0 copied, 0 unchanged, 1 failed." in result.output
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is None and stored.error
    html = client.get(f"/p/{PA}/projects/{SLUG}").get_data(as_text=True)
    assert "aw-video-placeholder" in html


def test_a_video_on_a_private_address_is_refused(
    demo: Session, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    url = f"http://intern.test/w/{SHORT}"
    story(demo, url)
    result = runner.invoke(args=["images", "fetch"])
    assert "1 failed" in result.output
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is None


def test_a_submitted_peertube_link_is_not_fetched_before_the_office_approves(
    demo: Session,
    feeds: FeedServer,
    runner: FlaskCliRunner,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = peertube(feeds)
    story(demo, url, status="pending")
    monkeypatch.setattr(videos, "YOUTUBE_PREVIEW", feeds.url("/vi/{id}/hqdefault.jpg"))
    feeds.serve(f"/vi/{YT}/hqdefault.jpg", photo((20, 20, 200)), "image/jpeg")
    youtube = f"https://youtu.be/{YT}"
    story(demo, youtube, status="pending", slug="noch-ein-video")
    assert "Pictures: 1 copied" in fetch_images(runner)
    assert copy_of(demo, url) is None  # an anonymous visitor's host is not asked
    assert copy_of(demo, youtube) is not None  # YouTube is, for the moderation preview

    make_user(demo, "buero@example.org")
    login(client, "buero@example.org")
    pending = demo.scalar(select(Project).where(Project.slug == "noch-ein-video"))
    assert pending is not None
    item = client.get(f"/admin/queue/project-{pending.id}")
    html = item.get_data(as_text=True)
    assert item.status_code == 200
    assert f"youtube-nocookie.com/embed/{YT}" in html and "/images/" in html
    assert "/static/js/video.js" in html
    assert (
        "frame-src 'self' https://www.youtube-nocookie.com"
        in item.headers["Content-Security-Policy"]
    )

    demo.execute(Project.__table__.update().values(status="published"))
    demo.commit()
    assert "Pictures: 1 copied" in fetch_images(runner)  # approved: now PeerTube's too
    assert copy_of(demo, url) is not None


def test_a_link_to_an_unknown_host_stays_a_plain_link(demo: Session, client: FlaskClient) -> None:
    story(demo, "https://www.dailymotion.com/video/x8abc")
    page = client.get(f"/p/{PA}/projects/{SLUG}")
    html = page.get_data(as_text=True)
    assert 'href="https://www.dailymotion.com/video/x8abc"' in html
    assert (
        "data-aw-video" not in html and "frame-src" not in page.headers["Content-Security-Policy"]
    )
    assert "www.dailymotion.com" in html


def test_approving_a_story_in_the_office_copies_its_preview_after_the_answer(
    demo: Session, feeds: FeedServer, client: FlaskClient, app: Flask
) -> None:
    app.config["PREVIEWS_AFTER_RESPONSE"] = True  # as a web process does
    url = peertube(feeds)
    story(demo, url, status="pending")
    pending = demo.scalar(select(Project).where(Project.slug == SLUG))
    assert pending is not None
    make_user(demo, "buero@example.org")
    login(client, "buero@example.org")
    item = f"/admin/queue/project-{pending.id}"
    answer = post(client, f"{item}/approve", {}, form_page=item)
    assert answer.status_code == 303
    assert feeds.hits == []  # nothing fetched inside the request
    answer.close()  # the server has sent the answer
    assert [hit.path for hit in feeds.hits] == [
        f"/api/v1/videos/{SHORT}",
        "/lazy-static/previews/amal.jpg",
    ]
    stored = copy_of(demo, url)
    assert stored is not None and stored.digest is not None
    html = client.get(f"/p/{PA}/projects/{SLUG}").get_data(as_text=True)
    assert f'src="/images/{stored.digest}.jpg"' in html


def test_a_playable_video_takes_the_pictures_place(demo: Session, client: FlaskClient) -> None:
    from widget_service.images import prepare

    picture, preview = prepare(photo((10, 10, 10))), prepare(photo((250, 250, 250)))
    video = f"https://youtu.be/{YT}"
    record = {
        "alliance": PA,
        "slug": SLUG,
        "kind": "story",
        "title": "Amal",
        "status": "published",
        "image": "https://example.org/amal.jpg",
        "video": video,
    }
    import_document(demo, {"projects": [record]})
    for url, copy in (("https://example.org/amal.jpg", picture), (video, preview)):
        demo.add(
            StoredImage(
                url=url,
                digest=copy.digest,
                media_type=copy.media_type,
                width=copy.width,
                height=copy.height,
                data=copy.data,
            )
        )
    demo.commit()
    for address in (f"/p/{PA}/projects/{SLUG}", f"/embed/projects?alliance={PA}&kind=story"):
        html = client.get(address).get_data(as_text=True)
        assert f"/images/{preview.digest}.jpg" in html, address
        assert f"/images/{picture.digest}.jpg" not in html, address
    listed = client.get(f"/embed/projects?alliance={PA}&kind=story&layout=compact")
    assert "data-aw-video=" not in listed.get_data(as_text=True)  # compact: titles only
