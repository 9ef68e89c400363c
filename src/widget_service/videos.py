"""Video links of stories: which host, which player, where its preview picture is.

A story may carry a link to a video on YouTube, Vimeo or a PeerTube instance. Pages and
widgets show it as a two-click player: a preview picture (the service's own copy, see
:mod:`.federation.pictures`) and a button that says which host the video comes from.
Nothing is loaded from that host until the visitor clicks; then the player is framed from
the host's privacy-friendly address — ``www.youtube-nocookie.com``, Vimeo with ``dnt=1``,
PeerTube's ``/videos/embed/`` without peer-to-peer (which would show the visitor's address
to other viewers). Without JavaScript the player stays a plain link to the video.

A link that is none of these stays a plain link, with the note which site it leads to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, quote, urlencode, urlsplit

YOUTUBE_HOSTS = frozenset(
    {
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "music.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    }
)
YOUTU_BE = frozenset({"youtu.be", "www.youtu.be"})
VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
VIMEO_ID = re.compile(r"[0-9]{1,12}")
VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
# PeerTube: a UUID, or its short form (base58, 22 characters) in /w/ links
PEERTUBE_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[1-9A-HJ-NP-Za-km-z]{16,24}"
)
PEERTUBE_PATHS = (
    re.compile(r"/w/(?P<id>[^/]+)/?"),
    re.compile(r"/videos/watch/(?P<id>[^/]+)/?"),
    re.compile(r"/videos/embed/(?P<id>[^/]+)/?"),
)
HOST_NAME = re.compile(r"[a-z0-9.-]{1,253}(:[0-9]{1,5})?")
# the host's own picture, an oEmbed document or PeerTube's API (the previews' sources)
YOUTUBE_PREVIEW = "https://i.ytimg.com/vi/{id}/hqdefault.jpg"
VIMEO_OEMBED = "https://vimeo.com/api/oembed.json"
TIME = re.compile(r"(?:(?P<h>[0-9]{1,2})h)?(?:(?P<m>[0-9]{1,3})m)?(?:(?P<s>[0-9]{1,5})s?)?")


class PreviewKind(StrEnum):
    """How the preview picture is found."""

    PICTURE = "picture"  # the address is the picture itself
    OEMBED = "oembed"  # an oEmbed document whose thumbnail_url is the picture
    PEERTUBE = "peertube"  # PeerTube's API: previewPath (or thumbnailPath) on the same host


@dataclass(frozen=True)
class Video:
    """A recognised video link."""

    url: str  # the link as given: what a visitor without JavaScript follows
    provider: str  # YouTube, Vimeo, PeerTube
    host: str  # the host the player is loaded from, named to the visitor
    embed: str  # the player's address, framed only after the click
    preview: str  # where the preview picture is found
    preview_kind: PreviewKind

    @property
    def origin(self) -> str:
        """The player's origin: what a page's ``frame-src`` must allow."""
        parts = urlsplit(self.embed)
        return f"{parts.scheme}://{parts.netloc}"


def _seconds(value: str) -> int | None:
    """A start time as YouTube writes it (``90``, ``1m30s``, ``1h2m3s``); None if none."""
    match = TIME.fullmatch(value.strip())
    if not value.strip() or match is None:
        return None
    hours, minutes, seconds = (int(match.group(name) or 0) for name in ("h", "m", "s"))
    total = hours * 3600 + minutes * 60 + seconds
    return total or None


def _youtube(path: str, query: dict[str, list[str]], short: bool) -> Video | None:
    parts = [part for part in path.split("/") if part]
    if short:
        candidate = parts[0] if parts else ""
    elif path.rstrip("/") == "/watch":
        candidate = (query.get("v") or [""])[0]
    elif len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
        candidate = parts[1]
    else:
        return None
    if not YOUTUBE_ID.fullmatch(candidate):
        return None
    params = {"autoplay": "1"}
    start = _seconds((query.get("t") or query.get("start") or [""])[0])
    if start:
        params["start"] = str(start)
    return Video(
        url="",
        provider="YouTube",
        host="youtube-nocookie.com",
        embed=f"https://www.youtube-nocookie.com/embed/{candidate}?{urlencode(params)}",
        preview=YOUTUBE_PREVIEW.format(id=candidate),
        preview_kind=PreviewKind.PICTURE,
    )


def _vimeo(host: str, path: str, query: dict[str, list[str]]) -> Video | None:
    parts = [part for part in path.split("/") if part]
    number: str | None = None
    private: str | None = None
    if host == "player.vimeo.com":
        if len(parts) == 2 and parts[0] == "video":
            number = parts[1]
            private = (query.get("h") or [""])[0] or None
    elif len(parts) in (1, 2) and VIMEO_ID.fullmatch(parts[0]):
        number = parts[0]
        private = parts[1] if len(parts) == 2 else None
    else:
        # /channels/NAME/ID, /groups/NAME/videos/ID, /showcase/N/video/ID
        last = parts[-1] if parts else ""
        if parts and parts[0] in ("channels", "groups", "showcase") and VIMEO_ID.fullmatch(last):
            number = last
    if number is None or not VIMEO_ID.fullmatch(number):
        return None
    if private is not None and not VIMEO_HASH.fullmatch(private):
        return None
    params = {"dnt": "1", "autoplay": "1"}
    page = f"https://vimeo.com/{number}"
    if private:
        params["h"] = private
        page += f"/{private}"
    return Video(
        url="",
        provider="Vimeo",
        host="player.vimeo.com",
        embed=f"https://player.vimeo.com/video/{number}?{urlencode(params)}",
        preview=VIMEO_OEMBED + "?" + urlencode({"url": page, "width": "1280"}),
        preview_kind=PreviewKind.OEMBED,
    )


def _peertube(scheme: str, netloc: str, path: str) -> Video | None:
    for pattern in PEERTUBE_PATHS:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        ident = match.group("id")
        if not PEERTUBE_ID.fullmatch(ident):
            return None
        base = f"{scheme}://{netloc}"
        params = {"autoplay": "1", "p2p": "0", "warningTitle": "0"}
        return Video(
            url="",
            provider="PeerTube",
            host=netloc,
            embed=f"{base}/videos/embed/{quote(ident)}?{urlencode(params)}",
            preview=f"{base}/api/v1/videos/{quote(ident)}",
            preview_kind=PreviewKind.PEERTUBE,
        )
    return None


def recognise(url: str | None) -> Video | None:
    """The video behind a link, or None for a link that is none we know (or no link)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    netloc = host if port is None else f"{host}:{port}"
    if not HOST_NAME.fullmatch(netloc):
        return None
    query = parse_qs(parts.query)
    found: Video | None
    if host in YOUTUBE_HOSTS or host in YOUTU_BE:
        found = _youtube(parts.path, query, short=host in YOUTU_BE)
    elif host in VIMEO_HOSTS:
        found = _vimeo(host, parts.path, query)
    else:
        found = _peertube(scheme, netloc, parts.path)
    if found is None:
        return None
    return Video(
        url.strip(), found.provider, found.host, found.embed, found.preview, found.preview_kind
    )


def link_host(url: str | None) -> str | None:
    """The host a plain link leads to (for the note beside it); None for no usable link."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host or None
