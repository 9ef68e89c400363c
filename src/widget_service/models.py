"""The tables of the public contract (``CONTRACT.md``) and the office's own records."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .timeutil import UTC, today, utcnow

SLUG_LENGTH = 80
# a remote server's validators, kept for conditional requests (a longer one is not kept)
ETAG_LENGTH = 500
LAST_MODIFIED_LENGTH = 100


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    # VARCHAR plus CHECK rather than a native type: portable and easy to extend by migration
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


def _new_uid() -> str:
    return str(uuid.uuid4())


class PartnerKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    DISTRICT = "district"
    ASSOCIATION = "association"
    CHURCH = "church"
    UNION = "union"
    COMPANY = "company"
    INITIATIVE = "initiative"
    PERSON = "person"


class Status(enum.StrEnum):
    """The life of a project or event: suggested, published, turned down, or retired."""

    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    # events only: it stays visible, marked as cancelled (iCalendar STATUS:CANCELLED)
    CANCELLED = "cancelled"


PROJECT_STATUSES = (Status.PENDING, Status.PUBLISHED, Status.REJECTED, Status.ARCHIVED)
EVENT_STATUSES = tuple(Status)
# statuses the public sees
VISIBLE_EVENT_STATUSES = (Status.PUBLISHED, Status.CANCELLED)


class Channel(enum.StrEnum):
    """How a record entered this instance; the office's statistics count by it."""

    OFFICE = "office"
    IMPORT = "import"
    DEMO = "demo"
    API = "api"
    SUBMISSION = "submission"
    SOURCE = "source"


class SourceKind(enum.StrEnum):
    PROJECTS = "projects"
    EVENTS = "events"


class Role(enum.StrEnum):
    """An office account's reach: every alliance, the alliances granted, or one partner."""

    ADMIN = "admin"
    EDITOR = "editor"
    PARTNER = "partner"


class ProjectKind(enum.StrEnum):
    """A project or initiative, or a success story (often told as a short video)."""

    PROJECT = "project"
    STORY = "story"


class ApplicationStatus(enum.StrEnum):
    """An application to become a partner: waiting for the office, approved, or turned down."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ReachKind(enum.StrEnum):
    """What was served to another site, for the office's reach statistics."""

    WIDGET = "widget"
    BANNER = "banner"
    BADGE = "badge"


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Alliance(Timestamps, Base):
    __tablename__ = "alliance"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    logo: Mapped[str | None] = mapped_column(String(500))
    color: Mapped[str] = mapped_column(String(7), default="#005ea8")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # the day the office archived it: shown nowhere public, its memberships ended
    archived_on: Mapped[dt.date | None] = mapped_column(Date)

    fields: Mapped[list[ActionField]] = relationship(
        back_populates="alliance",
        order_by="ActionField.position",
        cascade="all, delete-orphan",
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="alliance", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Alliance {self.slug}>"


class ActionField(Base):
    """A Handlungsfeld: a topic of one alliance, labelled in German and English."""

    __tablename__ = "action_field"
    __table_args__ = (UniqueConstraint("alliance_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    label_de: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    alliance: Mapped[Alliance] = relationship(back_populates="fields")

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_de


class Partner(Timestamps, Base):
    """A Bündnispartner; it may belong to several alliances of the instance."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(_enum(PartnerKind, "partner_kind"))
    place: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200), index=True)
    ags: Mapped[str | None] = mapped_column(String(8))
    website: Mapped[str | None] = mapped_column(String(500))
    logo: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # the day the office archived it: in no public list, its badges say "former member"
    archived_on: Mapped[dt.date | None] = mapped_column(Date)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="partner", cascade="all, delete-orphan"
    )

    # the service's copy of ``logo`` (see images.py), once it has been made
    picture: Mapped[StoredImage | None] = relationship(
        primaryjoin="foreign(Partner.logo) == StoredImage.url", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Partner {self.slug}>"


class Membership(Timestamps, Base):
    """A partner's membership of an alliance; it is active from ``since`` until ``until``."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("alliance_id", "partner_id"),
        Index("ix_membership_partner", "partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    resolution: Mapped[str | None] = mapped_column(String(500))
    public: Mapped[bool] = mapped_column(Boolean, default=True)

    alliance: Mapped[Alliance] = relationship(back_populates="memberships")
    partner: Mapped[Partner] = relationship(back_populates="memberships")

    @property
    def ended_on(self) -> dt.date | None:
        """The day it ended: ``until``, or the day its partner or alliance was archived
        when that came first; None while it lasts."""
        days = [
            day
            for day in (self.until, self.partner.archived_on, self.alliance.archived_on)
            if day is not None
        ]
        return min(days, default=None)

    def is_active(self, on: dt.date | None = None) -> bool:
        """Active from ``since`` up to the day before it ended."""
        day = on or today()
        ended = self.ended_on
        return self.since <= day and (ended is None or day < ended)

    def has_ended(self, on: dt.date | None = None) -> bool:
        """True from the day it ended on: a former member."""
        ended = self.ended_on
        return ended is not None and ended <= (on or today())


project_field = Table(
    "project_field",
    Base.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("action_field.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_project_field_field", "field_id", "project_id"),
)

event_field = Table(
    "event_field",
    Base.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("action_field.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_event_field_field", "field_id", "event_id"),
)


class Origin:
    """Provenance shared by projects and events: local, or a source and its remote GUID;
    and, for what came from outside, who sent it and what the office decided."""

    uid: Mapped[str] = mapped_column(String(36), unique=True, default=_new_uid)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"), default=Channel.OFFICE)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    # the item's GUID where it came from, its page there, and whom it came through
    remote_guid: Mapped[str | None] = mapped_column(String(500))
    remote_url: Mapped[str | None] = mapped_column(String(1000))
    via: Mapped[str | None] = mapped_column(String(300))
    # the partner that made it, as the first instance named it ({"slug", "name", "region"}),
    # kept when no local partner stands for it, so republishing passes it on unchanged
    remote_partner: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # a partner's own identifier for the record (the API): a repeated post updates it
    external_id: Mapped[str | None] = mapped_column(String(200))
    # who sent a suggestion or a partner's item; the address is never published
    submitter_name: Mapped[str | None] = mapped_column(String(200))
    submitter_email: Mapped[str | None] = mapped_column(String(254))
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("office_user.id", ondelete="SET NULL")
    )
    # why the office turned it down (told to the submitter when an address is known)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))

    @property
    def is_local(self) -> bool:
        return self.remote_guid is None


class Project(Timestamps, Origin, Base):
    __tablename__ = "project"
    __table_args__ = (
        UniqueConstraint("alliance_id", "slug"),
        UniqueConstraint("source_id", "remote_guid", name="uq_project_source_guid"),
        UniqueConstraint("alliance_id", "partner_id", "external_id", name="uq_project_external"),
        # the feed and widget orderings: newest first, per alliance or across all of them
        Index("ix_project_listing", "status", "published_at", "id"),
        Index("ix_project_alliance_listing", "alliance_id", "status", "published_at", "id"),
        Index("ix_project_partner", "partner_id", "status", "published_at", "id"),
        Index("ix_project_region", "region", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    link: Mapped[str | None] = mapped_column(String(1000))
    image: Mapped[str | None] = mapped_column(String(1000))
    video: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.PENDING)
    published_at: Mapped[dt.datetime | None] = mapped_column()
    kind: Mapped[ProjectKind] = mapped_column(
        _enum(ProjectKind, "project_kind"), default=ProjectKind.PROJECT
    )

    alliance: Mapped[Alliance] = relationship()
    partner: Mapped[Partner | None] = relationship()
    fields: Mapped[list[ActionField]] = relationship(
        secondary=project_field, order_by="ActionField.position"
    )
    # the service's own copy of ``image`` (see images.py), once it has been made
    picture: Mapped[StoredImage | None] = relationship(
        primaryjoin="foreign(Project.image) == StoredImage.url", viewonly=True
    )
    # the copy of a video's preview picture is known by the video's address (videos.py)
    video_picture: Mapped[StoredImage | None] = relationship(
        primaryjoin="foreign(Project.video) == StoredImage.url", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Project {self.slug}>"

    def byline(self) -> list[str]:
        """Who and where, for a card: the partner, and the place (or region) unless the
        partner's name already says it ("Landkreis Peine" in Peine)."""
        place = self.place or self.region
        name = self.partner.name if self.partner else None
        if name and place and place in name:
            place = None
        return [part for part in (name, place) if part]


class Event(Timestamps, Origin, Base):
    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("alliance_id", "slug"),
        UniqueConstraint("source_id", "remote_guid", name="uq_event_source_guid"),
        UniqueConstraint("alliance_id", "partner_id", "external_id", name="uq_event_external"),
        Index("ix_event_listing", "status", "starts", "id"),
        Index("ix_event_alliance_listing", "alliance_id", "status", "starts", "id"),
        Index("ix_event_partner", "partner_id", "status", "starts", "id"),
        Index("ix_event_region", "region", "status", "starts", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts: Mapped[dt.datetime] = mapped_column()
    ends: Mapped[dt.datetime | None] = mapped_column()
    # the zone the organiser thinks in; the calendar export names it
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    location: Mapped[str | None] = mapped_column(String(300))
    online: Mapped[str | None] = mapped_column(String(1000))
    place: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    link: Mapped[str | None] = mapped_column(String(1000))
    image: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.PENDING)
    published_at: Mapped[dt.datetime | None] = mapped_column()

    alliance: Mapped[Alliance] = relationship()
    partner: Mapped[Partner | None] = relationship()
    fields: Mapped[list[ActionField]] = relationship(
        secondary=event_field, order_by="ActionField.position"
    )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Call(Timestamps, Base):
    """An Aufruf such as "ZUSAMMEN. MEHR.": what a banner shows, from ``starts`` to ``ends``."""

    __tablename__ = "call"
    __table_args__ = (UniqueConstraint("alliance_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    title: Mapped[str] = mapped_column(String(200))
    tagline: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    button_label: Mapped[str] = mapped_column(String(100), default="")
    button_link: Mapped[str | None] = mapped_column(String(1000))
    starts: Mapped[dt.date] = mapped_column(Date)
    ends: Mapped[dt.date | None] = mapped_column(Date)
    # None: the alliance's colour
    background: Mapped[str | None] = mapped_column(String(7))
    foreground: Mapped[str | None] = mapped_column(String(7))
    # the day the office archived it: no page, banner, widget or list shows it
    archived_on: Mapped[dt.date | None] = mapped_column(Date)

    alliance: Mapped[Alliance] = relationship()

    def is_current(self, on: dt.date | None = None) -> bool:
        """Running from ``starts`` through ``ends`` inclusive."""
        day = on or today()
        return self.starts <= day and (self.ends is None or day <= self.ends)

    def has_ended(self, on: dt.date | None = None) -> bool:
        """True after its last day; a call that has not begun yet has not ended."""
        return self.ends is not None and self.ends < (on or today())


class StoredImage(Base):
    """The service's copy of a picture from another site (a project's picture, a partner's
    logo), known by its address there.

    Pages and widgets show the copy, so a visitor's browser never contacts that site.
    ``digest`` names the copy (``/images/<digest>.jpg``); it is empty while no copy could
    be made, and ``error`` then says why.
    """

    __tablename__ = "stored_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    digest: Mapped[str | None] = mapped_column(String(64), index=True)
    media_type: Mapped[str | None] = mapped_column(String(40))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int | None] = mapped_column(Integer)  # bytes, for feed enclosures
    # the bytes are read only where the picture itself is served
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # the other site's validators for the copy: asking again costs a 304 when unchanged
    etag: Mapped[str | None] = mapped_column(String(ETAG_LENGTH))
    last_modified: Mapped[str | None] = mapped_column(String(LAST_MODIFIED_LENGTH))
    tried_at: Mapped[dt.datetime | None] = mapped_column()
    copied_at: Mapped[dt.datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(String(500))
    failures: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<StoredImage {self.url}>"


class Source(Timestamps, Base):
    """A remote feed that this instance federates in, with what the last fetch left."""

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("alliance_id", "kind", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind, "source_kind"))
    title: Mapped[str | None] = mapped_column(String(300))
    interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_fetched_at: Mapped[dt.datetime | None] = mapped_column()
    last_success_at: Mapped[dt.datetime | None] = mapped_column()
    etag: Mapped[str | None] = mapped_column(String(ETAG_LENGTH))
    last_modified: Mapped[str | None] = mapped_column(String(LAST_MODIFIED_LENGTH))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)

    alliance: Mapped[Alliance] = relationship()
    partner: Mapped[Partner | None] = relationship()

    def is_due(self, now: dt.datetime | None = None) -> bool:
        if not self.active:
            return False
        if self.last_fetched_at is None:
            return True
        moment = now or utcnow()
        return moment - self.last_fetched_at >= dt.timedelta(minutes=self.interval_minutes)


class User(Timestamps, Base):
    """An account of the alliance office."""

    __tablename__ = "office_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.EDITOR)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column()
    # a partner account's partner (its own projects and events)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    # advanced when the password changes: sessions issued before it end
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    # set while the password is a one-time password the office made: the person must
    # choose their own before doing anything else
    password_change_due: Mapped[bool] = mapped_column(Boolean, default=False)

    partner: Mapped[Partner | None] = relationship()
    alliances: Mapped[list[Alliance]] = relationship(secondary="office_user_alliance")

    def __repr__(self) -> str:
        return f"<User {self.email}>"


office_user_alliance = Table(
    "office_user_alliance",
    Base.metadata,
    Column("user_id", ForeignKey("office_user.id", ondelete="CASCADE"), primary_key=True),
    Column("alliance_id", ForeignKey("alliance.id", ondelete="CASCADE"), primary_key=True),
)


class PartnerToken(Timestamps, Base):
    """A partner's API token for direct entry; only its SHA-256 digest is kept."""

    __tablename__ = "partner_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    # a trusted partner's posts are published at once; others wait for the office
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)

    alliance: Mapped[Alliance] = relationship()
    partner: Mapped[Partner] = relationship()


class Signature(Base):
    """A signature under a call. It counts once confirmed through the link in its e-mail;
    the name is listed publicly only when ``show_name``. Deleted some time after the call ends."""

    __tablename__ = "signature"
    __table_args__ = (
        UniqueConstraint("call_id", "email"),
        Index("ix_signature_call_confirmed", "call_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    lang: Mapped[str] = mapped_column(String(2), default="de")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()

    call: Mapped[Call] = relationship()


class Application(Timestamps, Base):
    """An organisation's application to become a partner of an alliance.

    The office approves it (creating the partner and the membership) or turns it down.
    """

    __tablename__ = "application"
    __table_args__ = (Index("ix_application_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id", ondelete="CASCADE"))
    organisation: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(_enum(PartnerKind, "partner_kind"))
    place: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    resolution: Mapped[str | None] = mapped_column(String(500))
    lang: Mapped[str] = mapped_column(String(2), default="de")
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "application_status"), default=ApplicationStatus.PENDING
    )
    reason: Mapped[str | None] = mapped_column(String(1000))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    # the partner the approval created (or matched)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))

    alliance: Mapped[Alliance] = relationship()
    partner: Mapped[Partner | None] = relationship()


class OutgoingMail(Base):
    """A message waiting to be sent, sent, or given up on. Written in the same transaction
    as what it tells about; sent after the commit, with retries (see mail.py)."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(500))


class AuditEntry(Base):
    """Who changed what and when: one line per write of the office, the API or the shell."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_record", "record_type", "record_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("office_user.id", ondelete="SET NULL"))
    # who, in words, when no account did it: "API token 3 (Landkreis Peine)", "shell", "public form"
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300), default="")
    # {"field": [old, new], …} for edits; never passwords or tokens
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()


class ReachCount(Base):
    """How often a widget, banner or badge was served on one day to one member site.

    Counted from the ``Referer``'s origin only: no address, no cookie, no visitor identifier.
    """

    __tablename__ = "reach_count"
    __table_args__ = (UniqueConstraint("day", "kind", "name", "alliance", "origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[ReachKind] = mapped_column(_enum(ReachKind, "reach_kind"))
    # the widget's name, the call's slug (banners) or the partner's slug (badges)
    name: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    alliance: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    # scheme://host[:port] of the embedding site, or "" when the browser sent none
    origin: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer, default=0)


class UsedFormToken(Base):
    """A public form's token that has been used: a second use is refused until it expires."""

    __tablename__ = "used_form_token"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class ContentGeneration(Base):
    """One row whose ``value`` every write of content advances in its own transaction:
    cached responses made under an older value are stale."""

    __tablename__ = "content_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
