"""Video links of stories: which host, which player, where the preview picture is."""

from __future__ import annotations

import pytest

from widget_service.videos import PreviewKind, link_host, recognise

YT = "dQw4w9WgXcQ"
UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"
SHORT = "kkGMgK9ZtnKfYAgnEtQxbv"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT}",
        f"https://youtube.com/watch?v={YT}&list=PL123&index=2",
        f"https://m.youtube.com/watch?v={YT}",
        f"https://youtu.be/{YT}",
        f"https://www.youtube.com/shorts/{YT}",
        f"https://www.youtube.com/embed/{YT}",
        f"https://www.youtube-nocookie.com/embed/{YT}",
        f"https://www.youtube.com/live/{YT}?feature=share",
        f"  https://youtu.be/{YT}  ",
    ],
)
def test_youtube_links_play_from_youtube_nocookie(url: str) -> None:
    video = recognise(url)
    assert video is not None
    assert video.provider == "YouTube"
    assert video.embed == f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1"
    assert video.origin == "https://www.youtube-nocookie.com"
    assert video.host == "youtube-nocookie.com"
    assert video.url == url.strip()  # without JavaScript: the link as given
    assert video.preview == f"https://i.ytimg.com/vi/{YT}/hqdefault.jpg"
    assert video.preview_kind == PreviewKind.PICTURE


@pytest.mark.parametrize(("value", "start"), [("90", "90"), ("1m30s", "90"), ("1h0m2s", "3602")])
def test_a_youtube_start_time_is_kept(value: str, start: str) -> None:
    video = recognise(f"https://youtu.be/{YT}?t={value}")
    assert video is not None
    assert video.embed.endswith(f"autoplay=1&start={start}")


@pytest.mark.parametrize(
    ("url", "embed", "page"),
    [
        ("https://vimeo.com/76979871", "76979871?dnt=1&autoplay=1", "76979871"),
        ("https://www.vimeo.com/76979871/", "76979871?dnt=1&autoplay=1", "76979871"),
        (
            "https://vimeo.com/76979871/8272103f6e",
            "76979871?dnt=1&autoplay=1&h=8272103f6e",
            "76979871/8272103f6e",
        ),
        (
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
            "76979871?dnt=1&autoplay=1&h=8272103f6e",
            "76979871/8272103f6e",
        ),
        ("https://vimeo.com/channels/staffpicks/76979871", "76979871?dnt=1&autoplay=1", "76979871"),
    ],
)
def test_vimeo_links_play_with_do_not_track(url: str, embed: str, page: str) -> None:
    video = recognise(url)
    assert video is not None
    assert video.provider == "Vimeo"
    assert video.embed == "https://player.vimeo.com/video/" + embed
    assert "dnt=1" in video.embed
    assert video.preview_kind == PreviewKind.OEMBED
    assert video.preview.startswith("https://vimeo.com/api/oembed.json?url=")
    assert f"vimeo.com%2F{page.replace('/', '%2F')}&" in video.preview


@pytest.mark.parametrize(
    ("url", "ident"),
    [
        (f"https://tube.example.org/w/{SHORT}", SHORT),
        (f"https://tube.example.org/videos/watch/{UUID}", UUID),
        (f"https://tube.example.org/videos/embed/{UUID}", UUID),
        (f"http://tube.example.org:9000/w/{SHORT}?start=10", SHORT),
    ],
)
def test_peertube_links_play_from_the_instance_without_peer_to_peer(url: str, ident: str) -> None:
    video = recognise(url)
    assert video is not None
    assert video.provider == "PeerTube"
    base = url.split("/w/")[0].split("/videos/")[0]
    assert video.embed == f"{base}/videos/embed/{ident}?autoplay=1&p2p=0&warningTitle=0"
    assert video.host == base.split("://")[1]
    assert video.preview == f"{base}/api/v1/videos/{ident}"
    assert video.preview_kind == PreviewKind.PEERTUBE


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://www.youtube.com/",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UC123",
        f"https://www.youtube.com/watch?v={YT}x",
        "https://youtu.be/",
        "https://vimeo.com/about",
        "https://vimeo.com/76979871/NOT-A-HASH",
        "https://tube.example.org/w/p/" + SHORT,  # a playlist
        "https://tube.example.org/w/not~an~id",
        "https://example.org/video.mp4",
        f"javascript:alert(1)//youtu.be/{YT}",
        f"ftp://youtu.be/{YT}",
        f"https://user:pass@youtu.be/{YT}",
        "https://[::1/",
        "https://exa mple.org/w/" + SHORT,
    ],
)
def test_other_links_are_no_video_we_play(url: str | None) -> None:
    assert recognise(url) is None


def test_an_embed_address_never_carries_what_was_typed_beyond_the_id() -> None:
    video = recognise(f"https://youtu.be/{YT}?t=%22%3E%3Cscript%3E")
    assert video is not None
    assert video.embed == f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.dailymotion.com/video/x8", "www.dailymotion.com"),
        ("nonsense", None),
        (None, None),
        ("https://[::1/", None),
    ],
)
def test_the_host_of_a_plain_link(url: str | None, host: str | None) -> None:
    assert link_host(url) == host
