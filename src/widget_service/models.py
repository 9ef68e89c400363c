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
    ADMIN = "admin"
    EDITOR = "editor"


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

    def is_active(self, on: dt.date | None = None) -> bool:
        """Active from ``since`` up to the day before ``until`` (the day it ended)."""
        day = on or today()
        return self.since <= day and (self.until is None or day < self.until)

    def has_ended(self, on: dt.date | None = None) -> bool:
        """True from the day in ``until`` on: a former member."""
        return self.until is not None and self.until <= (on or today())


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
    """Provenance shared by projects and events: local, or a source and its remote GUID."""

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

    @property
    def is_local(self) -> bool:
        return self.remote_guid is None


class Project(Timestamps, Origin, Base):
    __tablename__ = "project"
    __table_args__ = (
        UniqueConstraint("alliance_id", "slug"),
        UniqueConstraint("source_id", "remote_guid", name="uq_project_source_guid"),
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

    alliance: Mapped[Alliance] = relationship()
    partner: Mapped[Partner | None] = relationship()
    fields: Mapped[list[ActionField]] = relationship(
        secondary=project_field, order_by="ActionField.position"
    )
    # the service's own copy of ``image`` (see images.py), once it has been made
    picture: Mapped[StoredImage | None] = relationship(
        primaryjoin="foreign(Project.image) == StoredImage.url", viewonly=True
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

    alliance: Mapped[Alliance] = relationship()
    partner: Mapped[Partner] = relationship()
