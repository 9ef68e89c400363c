"""Copies of project pictures and partner logos, so pages and widgets load nothing from
other sites.

A project's ``image`` and a partner's ``logo`` are addresses elsewhere (from an import,
later from the office).
``widget-service images fetch`` (and every ``sources poll``) downloads each picture that
has no copy yet through the guarded fetcher, makes it ours with :mod:`..images` and
stores it as a :class:`StoredImage`; pages and widgets then show ``/images/<digest>.jpg``.
A picture that cannot be fetched or read is tried again after :data:`RETRY_AFTER`, and
its project is shown without a picture meanwhile; a copy once made stays until a newer
one replaces it. A story's video link gets the video's preview picture the same way, kept
under the video's address (:mod:`..videos` says where each host has it). With ``--all``
every picture is asked for again, with the validators of its copy (ETag, Last-Modified),
so an unchanged one costs a 304.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import urljoin

from sqlalchemy import or_, select, union, update
from sqlalchemy.orm import Session

from ..images import ImageError, Prepared, prepare
from ..models import ETAG_LENGTH, LAST_MODIFIED_LENGTH, Partner, Project, Status, StoredImage
from ..text import fitting
from ..timeutil import utcnow
from ..videos import PreviewKind, recognise
from .fetch import Fetcher, FetchError

log = logging.getLogger(__name__)

RETRY_AFTER = dt.timedelta(hours=6)
MAX_PER_RUN = 500
ACCEPT = "image/jpeg, image/png, image/webp, image/gif;q=0.8, */*;q=0.1"
ERROR_LENGTH = 500
JSON_ACCEPT = "application/json, application/json+oembed;q=0.9"


@dataclass(frozen=True)
class PictureOutcome:
    """What fetching one picture gave (made in a worker thread; touches no database)."""

    url: str
    prepared: Prepared | None = None
    error: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class PictureSummary:
    copied: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"Pictures: {self.copied} copied, {self.unchanged} unchanged, "
            f"{len(self.failures)} failed"
        )


def wanted_pictures(
    session: Session,
    *,
    everything: bool = False,
    now: dt.datetime | None = None,
    limit: int = MAX_PER_RUN,
) -> list[str]:
    """The addresses of published projects' pictures and partners' logos that need a copy,
    and of their videos whose preview needs one.

    With ``everything``: all of them, to be asked for again.
    """
    moment = now or utcnow()
    settled = (
        select(StoredImage.url)
        .where(or_(StoredImage.digest.is_not(None), StoredImage.tried_at > moment - RETRY_AFTER))
        .scalar_subquery()
    )
    pictures = select(Project.image.label("url")).where(
        Project.status == Status.PUBLISHED, Project.image.is_not(None)
    )
    logos = select(Partner.logo.label("url")).where(Partner.logo.is_not(None))
    if not everything:
        pictures = pictures.where(Project.image.not_in(settled))
        logos = logos.where(Partner.logo.not_in(settled))
    both = union(pictures, logos).subquery()
    query = select(both.c.url).order_by(both.c.url).limit(limit)
    found = [url for url in session.scalars(query) if url]
    rest = limit - len(found)
    return found + wanted_previews(session, everything=everything, now=moment, limit=rest)


def wanted_previews(
    session: Session,
    *,
    everything: bool = False,
    now: dt.datetime | None = None,
    limit: int = MAX_PER_RUN,
) -> list[str]:
    """The video links of published projects whose preview picture needs a copy; links to
    no known host need none.

    Of projects the office has yet to look at, only YouTube's and Vimeo's are fetched (for
    the moderation preview): a PeerTube link can name any host, and an anonymous visitor
    must not make this service ask one before the office has approved it.
    """
    moment = now or utcnow()
    query = (
        select(Project.video, Project.status)
        .where(
            Project.status.in_((Status.PUBLISHED, Status.PENDING)),
            Project.video.is_not(None),
        )
        .order_by(Project.video)
    )
    if not everything:
        settled = select(StoredImage.url).where(
            or_(StoredImage.digest.is_not(None), StoredImage.tried_at > moment - RETRY_AFTER)
        )
        query = query.where(Project.video.not_in(settled.scalar_subquery()))
    found: list[str] = []
    if limit <= 0:
        return found
    for url, status in session.execute(query):
        video = recognise(url)
        if url is None or video is None or url in found:
            continue
        if status == Status.PENDING and video.preview_kind == PreviewKind.PEERTUBE:
            continue
        found.append(url)
    return found[:limit]


# ``session.info`` key: video links whose preview the answer copies once it has gone out
PREVIEWS_AFTER_RESPONSE = "widget_service.video_previews"


def copy_preview_soon(session: Session, url: str | None) -> None:
    """Note a just-published story's video link: the web process copies its preview once
    the answer has gone out (``create_app``), so the widget shows it without waiting for
    the next poll. Nothing is fetched inside the request."""
    if url and recognise(url) is not None:
        session.info.setdefault(PREVIEWS_AFTER_RESPONSE, set()).add(url)


def copy_pictures(
    session: Session,
    fetcher: Fetcher,
    urls: Sequence[str],
    *,
    workers: int = 8,
    now: dt.datetime | None = None,
    progress: Callable[[PictureOutcome], None] | None = None,
) -> PictureSummary:
    """Fetch and prepare ``urls`` in parallel and store each copy; return the totals."""
    summary = PictureSummary()
    if not urls:
        return summary
    # the validators of the copies there are: an unchanged picture answers 304
    query = select(StoredImage.url, StoredImage.etag, StoredImage.last_modified).where(
        StoredImage.url.in_(urls), StoredImage.digest.is_not(None)
    )
    validators = {url: (etag, modified) for url, etag, modified in session.execute(query)}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls)))) as pool:
        futures = [pool.submit(fetch_picture, fetcher, url, validators.get(url)) for url in urls]
        for future in as_completed(futures):
            outcome = future.result()
            store_picture(session, outcome, summary, now or utcnow())
            if progress is not None:
                progress(outcome)
    return summary


def fetch_picture(
    fetcher: Fetcher, url: str, validators: tuple[str | None, str | None] | None = None
) -> PictureOutcome:
    """Download and prepare one picture, conditionally on the ``validators`` of its copy.

    Pictures bypass the response cache: the copy is kept here, and the cache would keep
    every original beside it. For a video's link, the picture is its preview.
    """
    try:
        address = preview_address(fetcher, url)
        fetched = fetcher.fetch(address, accept=ACCEPT, validators=validators or (None, None))
    except FetchError as error:
        return PictureOutcome(url, error=str(error))
    except Exception as error:  # one picture's surprise must not end the run
        log.exception("fetching the picture %s failed unexpectedly", url)
        return PictureOutcome(url, error=f"the download failed ({type(error).__name__})")
    if fetched.not_modified:
        if validators is None:  # asked without validators: a 304 makes no sense
            return PictureOutcome(url, error="the server answered 304 to a plain request")
        return PictureOutcome(url, not_modified=True)
    try:
        prepared = prepare(fetched.body)
    except ImageError as error:
        return PictureOutcome(url, error=str(error))
    except Exception as error:  # a decoder bug on hostile input fails this picture only
        log.exception("reading the picture %s failed unexpectedly", url)
        return PictureOutcome(url, error=f"the picture could not be read ({type(error).__name__})")
    return PictureOutcome(url, prepared, etag=fetched.etag, last_modified=fetched.last_modified)


def preview_address(fetcher: Fetcher, url: str) -> str:
    """Where the picture for ``url`` is: ``url`` itself, or a video's preview picture (read
    from the host's oEmbed document or PeerTube's API where the address is not fixed)."""
    video = recognise(url)
    if video is None:
        return url
    if video.preview_kind == PreviewKind.PICTURE:
        return video.preview
    document = fetcher.fetch(video.preview, accept=JSON_ACCEPT)
    try:
        data = json.loads(document.body)
    except ValueError:
        raise FetchError("the video's description is not JSON") from None
    if not isinstance(data, dict):
        raise FetchError("the video's description is not a JSON object")
    keys = (
        ("thumbnail_url",)
        if video.preview_kind == PreviewKind.OEMBED
        else ("previewPath", "thumbnailPath")
    )
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            found = urljoin(video.preview, value.strip())
            if found.startswith(("https://", "http://")):
                return found
    raise FetchError("the video has no preview picture")


def _keep_validators(row: StoredImage, outcome: PictureOutcome) -> None:
    row.etag = fitting(outcome.etag, ETAG_LENGTH)
    row.last_modified = fitting(outcome.last_modified, LAST_MODIFIED_LENGTH)


def store_picture(
    session: Session, outcome: PictureOutcome, summary: PictureSummary, moment: dt.datetime
) -> None:
    """Record one outcome in its own transaction; a new copy marks its projects as changed."""
    row = session.scalar(select(StoredImage).where(StoredImage.url == outcome.url))
    if row is None:
        row = StoredImage(url=outcome.url, failures=0)
        session.add(row)
    row.tried_at = moment
    prepared = outcome.prepared
    if outcome.error is not None:
        # the last good copy, if any, stays
        row.error = outcome.error[:ERROR_LENGTH]
        row.failures = (row.failures or 0) + 1
        summary.failures.append((outcome.url, outcome.error))
    elif prepared is None or prepared.digest == row.digest:
        row.error, row.failures = None, 0
        if prepared is not None:
            _keep_validators(row, outcome)
        summary.unchanged += 1
    else:
        row.digest = prepared.digest
        row.media_type = prepared.media_type
        row.width, row.height = prepared.width, prepared.height
        row.size = len(prepared.data)
        row.data = prepared.data
        _keep_validators(row, outcome)
        row.copied_at = moment
        row.error, row.failures = None, 0
        # pages, widgets and feeds that show the picture change: their ETags must too
        columns = ((Project, Project.image), (Project, Project.video), (Partner, Partner.logo))
        for model, column in columns:
            session.execute(update(model).where(column == outcome.url).values(updated_at=moment))
        summary.copied += 1
    session.commit()
