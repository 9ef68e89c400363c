"""Fixtures the functional tests share."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_SECRET
from tests.federation_support import FEED_HOST, FeedServer, running, stub_resolver
from widget_service import signing
from widget_service.badges.links import verification_token
from widget_service.images import prepare
from widget_service.models import Call, Membership, Signature, StoredImage
from widget_service.timeutil import utcnow

# what the stub resolver answers: the feed server's name, a name that rebinds to loopback,
# and one inside a private network
TEST_NAMES = {FEED_HOST: ["127.0.0.1"], "rebind.test": ["127.0.0.1"], "intern.test": ["10.0.0.7"]}


@pytest.fixture
def feeds(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    """A local feed server, reachable under test names (never real DNS)."""
    with running(FeedServer()) as server:
        stub_resolver(monkeypatch, dict(TEST_NAMES))
        yield server


@pytest.fixture
def filled(app: Flask, demo: Session) -> Callable[[str], str]:
    """Fills an example's placeholders: a real verification token and picture."""
    membership = demo.scalars(select(Membership)).first()
    assert membership is not None
    with app.test_request_context():
        token = verification_token(membership)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 160)).save(out, "PNG")
    prepared = prepare(out.getvalue())
    demo.add(
        StoredImage(
            url="https://example.org/bild.png",
            digest=prepared.digest,
            media_type=prepared.media_type,
            width=prepared.width,
            height=prepared.height,
            data=prepared.data,
        )
    )
    call = demo.scalars(select(Call).where(Call.slug == "zusammen-mehr")).one()
    signature = Signature(call=call, name="Max", email="max@example.org", created_at=utcnow())
    demo.add(signature)
    demo.commit()
    keys = signing.Keys(TEST_SECRET)
    stamp = {"s": signature.id, "c": signature.created_at.isoformat()}
    tokens = {
        "{token}": token,
        "{picture}": prepared.digest,
        "{confirm}": signing.sign(keys, signing.SIGNATURE_CONFIRM, stamp),
        "{withdraw}": signing.sign(keys, signing.SIGNATURE_WITHDRAW, stamp),
        "{call}": str(call.id),  # ids differ between databases
    }

    def fill(example: str) -> str:
        for placeholder, value in tokens.items():
            example = example.replace(placeholder, value)
        return example

    return fill
