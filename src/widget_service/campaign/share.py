"""Share links: plain addresses of the networks' own share pages, opened only on a click.

No script and no button of a network is loaded, so a page makes no request to anyone
before a visitor decides to share. Mastodon has no central site: our own small page asks
for the visitor's instance and sends them there (see ``views.mastodon``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

# a host name as people type it: letters, digits, hyphens and dots, an optional port
_HOST = re.compile(
    r"(?=.{1,253}(:\d{1,5})?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?"
)


@dataclass(frozen=True)
class ShareLink:
    network: str  # email, mastodon, bluesky, linkedin, whatsapp, facebook, x
    label: str
    url: str


def share_links(url: str, text: str, mastodon_url: str, labels: dict[str, str]) -> list[ShareLink]:
    """The share links for ``url`` with ``text``; ``mastodon_url`` is our instance question."""
    both = f"{text} {url}"
    targets = {
        "email": "mailto:?" + urlencode({"subject": text, "body": both}, quote_via=quote),
        "mastodon": mastodon_url,
        "bluesky": "https://bsky.app/intent/compose?" + urlencode({"text": both}),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": both}),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "x": "https://x.com/intent/post?" + urlencode({"text": text, "url": url}),
    }
    return [ShareLink(network, labels[network], target) for network, target in targets.items()]


def mastodon_instance(value: str) -> str | None:
    """A Mastodon instance's host from what a visitor typed ("@me@social.example" too)."""
    value = value.strip().lower()
    value = re.sub(r"^https?://", "", value).split("/", 1)[0]
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    return value if _HOST.fullmatch(value) else None


def mastodon_share_url(instance: str, text: str) -> str:
    """The instance's own share page with ``text`` filled in."""
    return f"https://{instance}/share?" + urlencode({"text": text})
