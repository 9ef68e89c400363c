"""The statistics page over time: content per alliance, partner and action field per month
as server-drawn SVG with its numbers as a table, and where each banner, widget and badge
was shown, day by day — each within the account's reach."""

from __future__ import annotations

import datetime as dt
import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.office_support import login, make_user
from widget_service.models import (
    ActionField,
    Alliance,
    Partner,
    Project,
    ReachCount,
    ReachKind,
    Role,
    Status,
)
from widget_service.timeutil import BERLIN, today

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"


def _months_ago(months: int) -> dt.datetime:
    day = today().replace(day=15)
    year, month = day.year, day.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return dt.datetime(year, month, 15, 12, tzinfo=BERLIN)


def _seed(session: Session) -> None:
    """Three projects of a new partner with one field in PA, months apart; reach in PA and HZ."""
    alliance = session.scalar(select(Alliance).where(Alliance.slug == PA))
    partner = Partner(slug="statistik-verein", name="Verein für Statistik", kind="association")
    field = session.scalar(
        select(ActionField).where(
            ActionField.alliance_id == alliance.id,  # type: ignore[union-attr]
            ActionField.slug == "sprachfoerderung",
        )
    )
    for number, months in enumerate((0, 0, 3)):
        session.add(
            Project(
                alliance=alliance,
                slug=f"statistik-{number}",
                title=f"Statistik {number}",
                partner=partner,
                fields=[field],
                status=Status.PUBLISHED,
                published_at=_months_ago(months),
            )
        )
    # an old one, outside the last twelve months
    session.add(
        Project(
            alliance=alliance,
            slug="statistik-alt",
            title="Statistik alt",
            partner=partner,
            status=Status.PUBLISHED,
            published_at=_months_ago(14),
        )
    )
    yesterday = today() - dt.timedelta(days=1)
    for day, origin, count, alliance_slug, kind, name in (
        (today(), "https://www.sehnde.de", 7, PA, ReachKind.BANNER, "zusammen-mehr"),
        (today(), "https://www.peine.de", 2, PA, ReachKind.BANNER, "zusammen-mehr"),
        (yesterday, "https://www.lengede.de", 4, PA, ReachKind.BANNER, "zusammen-mehr"),
        (today(), "https://www.hildesheim.de", 5, HZ, ReachKind.BADGE, "stadt-hildesheim"),
        (yesterday, "", 1, PA, ReachKind.WIDGET, "projects"),
    ):
        session.add(
            ReachCount(
                day=day, origin=origin, count=count, alliance=alliance_slug, kind=kind, name=name
            )
        )
    session.commit()


def _table_after(page: str, caption: str) -> str:
    start = page.index(caption)
    return page[start : page.index("</table>", start)]


def test_content_over_time_per_alliance_partner_and_field(
    client: FlaskClient, demo: Session
) -> None:
    _seed(demo)
    make_user(demo, "buero@example.org")
    login(client, "buero@example.org")
    response = client.get("/admin/statistics")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script" not in page
    for title in (
        "pro Monat, je Bündnis",
        "pro Monat, je Partner",
        "pro Monat, je Handlungsfeld",
    ):
        assert re.search(rf"<figcaption>[^<]*{title}</figcaption>\s*<svg", page), title
    # the partner's chart: a series for the new partner with 2 this month, 1 three months ago
    partners = _table_after(page, "pro Monat, je Partner</figcaption>")
    header = re.findall(r'<th scope="col">([^<]*)</th>', partners)
    column = header.index("Verein für Statistik")
    rows = {
        cells[0]: cells[1:]
        for cells in (
            re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", partners, re.S)[1:]
        )
    }
    this_month = f"{today().month:02d}/{str(today().year)[2:]}"
    earlier = _months_ago(3)
    three_ago = f"{earlier.month:02d}/{str(earlier.year)[2:]}"
    assert rows[this_month][column - 1] == "2"
    assert rows[three_ago][column - 1] == "1"
    assert rows["Summe"][column - 1] == "3"  # the one of 14 months ago is outside
    fields = _table_after(page, "pro Monat, je Handlungsfeld</figcaption>")
    assert "Sprachförderung" in fields
    # the SVG names itself for screen readers
    assert page.count('role="img"') == 7  # reach, three over time, partners, fields, queue
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_where_each_banner_was_shown_day_by_day(client: FlaskClient, demo: Session) -> None:
    _seed(demo)
    make_user(demo, "buero@example.org")
    login(client, "buero@example.org")
    page = client.get("/admin/statistics").get_data(as_text=True)
    banner = _table_after(page, f"Banner: zusammen-mehr ({PA})</caption>")
    days = re.findall(r'<tr>\s*<th scope="row">([^<]*)</th>', banner)
    assert len(days) == 2  # today and yesterday, newest first
    today_row, yesterday_row = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", banner, re.S)
    assert "https://www.sehnde.de (7)" in today_row and "https://www.peine.de (2)" in today_row
    assert today_row.index("sehnde") < today_row.index("peine")  # most served first
    assert "https://www.lengede.de (4)" in yesterday_row and "sehnde" not in yesterday_row
    assert page.index("Banner: zusammen-mehr") < page.index("Widgets: projects")
    widget = _table_after(page, f"Widgets: projects ({PA})</caption>")
    assert "(ohne Herkunftsangabe) (1)" in widget  # the browser sent no Referer


def test_an_editor_sees_the_statistics_of_its_own_alliances_only(
    client: FlaskClient, demo: Session
) -> None:
    _seed(demo)
    make_user(demo, "pa@example.org", Role.EDITOR, alliances=(PA,))
    login(client, "pa@example.org")
    page = client.get("/admin/statistics").get_data(as_text=True)
    assert "https://www.sehnde.de" in page
    assert "https://www.hildesheim.de" not in page and "stadt-hildesheim" not in page
    assert "Niedersachsen hält zusammen" not in page
    other = FlaskClient(client.application)
    make_user(demo, "peine@example.org", Role.PARTNER, partner="landkreis-peine")
    login(other, "peine@example.org")
    assert other.get("/admin/statistics").status_code == 403
