"""Widgets through /embed and /fragment: every parameter, every error, the headers."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from widget_service.colors import contrast
from widget_service.demo import PROJECTS
from widget_service.embed.theming import readable_pair, theme_css
from widget_service.models import Call, Channel, Project
from widget_service.operations import import_document
from widget_service.timeutil import today
from widget_service.widget_schema import widget as widget_named

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
FORMS = ("embed", "fragment")
BANNER = f"alliance={PA}&call=partner-werden"
BADGE = f"alliance={PA}&partner=landkreis-peine"
EXAMPLES = {
    "projects": f"alliance={PA}",
    "events": f"alliance={HZ}",
    "partners": f"alliance={PA}",
    "banner": f"alliance={PA}&call=partner-werden",
    "badge": f"alliance={PA}&partner=landkreis-peine",
    "submit": f"alliance={PA}",
}


def text_of(markup: str) -> str:
    markup = re.sub(r"<style>.*?</style>", " ", markup, flags=re.DOTALL)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def get(client: FlaskClient, form: str, widget: str, query: str = "") -> tuple[int, str]:
    response = client.get(f"/{form}/{widget}?{query}")
    return response.status_code, response.get_data(as_text=True)


def titles(markup: str) -> list[str]:
    return [
        htmllib.unescape(title)
        for title in re.findall(r'class="aw-item-title"><a href="[^"]+">([^<]+)</a>', markup)
    ]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("widget", sorted(EXAMPLES))
def test_every_widget_answers_in_every_form_with_framing_allowed_and_no_cookie(
    client: FlaskClient, form: str, widget: str
) -> None:
    response = client.get(f"/{form}/{widget}?{EXAMPLES[widget]}")
    assert response.status_code == 200
    headers = response.headers
    assert "Set-Cookie" not in headers
    assert "X-Frame-Options" not in headers
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Content-Language"] == "de"
    if widget == "submit":
        # its form carries a token for one visitor (participation/forms.py): never cached
        assert headers["Cache-Control"] == "no-store" and "ETag" not in headers
    else:
        assert headers["ETag"] and "max-age=300" in headers["Cache-Control"]
    markup = response.get_data(as_text=True)
    if form == "fragment":
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in headers
        assert markup.startswith('<div class="aw ') and 'lang="de"' in markup
    else:
        assert markup.startswith("<!doctype html>") and '<html lang="de">' in markup
        assert "<main " in markup and "<title>" in markup
    # nothing for the browser to fetch, from here or elsewhere
    assert not re.search(r"<(?:img|script|link|iframe|source)\b[^>]*\bsrc=", markup)
    assert "@import" not in markup and "url(" not in markup


@pytest.mark.usefixtures("demo")
def test_other_pages_still_deny_framing(client: FlaskClient) -> None:
    for url in ("/", "/widgets", f"/p/{PA}"):
        headers = client.get(url).headers
        assert headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


@pytest.mark.usefixtures("demo")
def test_the_document_form_allows_only_its_own_script_and_style_by_hash(
    client: FlaskClient,
) -> None:
    response = client.get(f"/embed/projects?alliance={PA}")
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert re.search(r"script-src 'sha256-[^']+'", policy)
    assert re.search(r"style-src 'sha256-[^']+'", policy)
    assert "<script>" in response.get_data(as_text=True)


@pytest.mark.usefixtures("demo")
def test_conditional_requests_get_304(client: FlaskClient) -> None:
    first = client.get(f"/fragment/projects?alliance={PA}")
    again = client.get(
        f"/fragment/projects?alliance={PA}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert first.headers["Last-Modified"]


# --- projects -------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_projects_newest_first_with_place_fields_and_links(client: FlaskClient) -> None:
    status, markup = get(client, "fragment", "projects", f"alliance={PA}&limit=3")
    assert status == 200
    assert titles(markup) == [
        "Sprachcafé im Rathaus Sehnde",
        "Ausbildungslotsen im Landkreis Peine",
        "Wohnpatenschaften in Peine",
    ]
    text = text_of(markup)
    assert "Initiative Sprachcafé Sehnde" in text and "Sprachförderung" in text
    assert f'href="http://localhost/p/{PA}/projects/sprachcafe-sehnde"' in markup
    assert "Alle Projekte" in text
    assert f'href="http://localhost/p/{PA}/projects"' in markup


@pytest.mark.usefixtures("demo")
def test_projects_filters_by_alliance_partner_region_field(client: FlaskClient) -> None:
    _, every = get(client, "fragment", "projects", "limit=50")
    assert len(titles(every)) == len(PROJECTS)
    _, one = get(client, "fragment", "projects", f"alliance={HZ}&limit=50")
    assert sorted(titles(one)) == sorted(p["title"] for p in PROJECTS if p["alliance"] == HZ)
    _, partner = get(client, "fragment", "projects", "partner=landkreis-peine&limit=50")
    assert titles(partner) == [
        "Ausbildungslotsen im Landkreis Peine",
        "Demokratiewerkstatt im Landkreis Peine",
    ]
    _, field = get(client, "fragment", "projects", f"alliance={PA}&field=teilhabe")
    assert titles(field) == ["Mitreden im Integrationsbeirat", "Fußball verbindet in Lengede"]
    _, region = get(client, "fragment", "projects", "region=Landkreis+Hildesheim")
    assert titles(region) == [
        "Faktencheck-Werkstatt der Volkshochschule",
        "Offene Kirchen: Orte zum Reden",
    ]
    assert "region=Landkreis+Hildesheim" in region  # the "all projects" link keeps the filter
    _, nowhere = get(client, "fragment", "projects", "region=Landkreis+Harburg")
    assert titles(nowhere) == []
    assert "Keine Projekte für diese Auswahl." in text_of(nowhere)


@pytest.mark.usefixtures("demo")
def test_limit_layout_title_theme_accent_and_language(client: FlaskClient) -> None:
    _, markup = get(
        client,
        "embed",
        "projects",
        f"alliance={PA}&limit=2&layout=compact&title=Unsere+Projekte&theme=dark"
        "&accent=%23C00000&lang=en",
    )
    assert len(titles(markup)) == 2
    assert "aw-layout-compact" in markup and "aw-dark" in markup
    assert '<h1 class="aw-title">Unsere Projekte</h1>' in markup
    assert "color-scheme:dark" in markup
    assert "--aw-accent,#c00000" in markup
    assert '<html lang="en">' in markup
    assert "All projects" in markup and "?lang=en" in markup
    assert "Language support" not in markup  # compact shows no action fields
    _, cards = get(client, "fragment", "projects", f"alliance={PA}&lang=en")
    assert "Language support" in cards and "Sprachförderung" not in cards


@pytest.mark.usefixtures("demo")
def test_auto_theme_follows_the_visitor_and_brand_colour_is_the_default_accent(
    client: FlaskClient,
) -> None:
    _, markup = get(client, "fragment", "projects", f"alliance={HZ}&theme=auto")
    assert "@media (prefers-color-scheme: dark)" in markup
    assert "--aw-accent,#c00000" in markup  # the alliance's colour


@pytest.mark.usefixtures("demo")
def test_one_project_by_item(client: FlaskClient) -> None:
    _, markup = get(client, "fragment", "projects", f"alliance={PA}&item=jobstart-logistik")
    assert titles(markup) == ["Jobstart Logistik: Qualifizierung mit Sprachkurs"]
    status, _ = get(client, "fragment", "projects", f"alliance={PA}&item=nope")
    assert status == 404
    status, _ = get(client, "fragment", "projects", "item=jobstart-logistik")
    assert status == 400


@pytest.mark.usefixtures("demo")
def test_federated_items_show_their_provenance(client: FlaskClient, demo: Session) -> None:
    project = demo.scalars(select(Project).where(Project.slug == "sprachcafe-sehnde")).one()
    project.via = "Landkreis Peine"
    project.remote_guid = "urn:uuid:1"
    demo.commit()
    _, markup = get(client, "fragment", "projects", f"alliance={PA}&limit=1")
    assert "via Landkreis Peine" in text_of(markup)


# --- events ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_events_upcoming_first_in_german_with_calendar_links(client: FlaskClient) -> None:
    _, markup = get(client, "fragment", "events", f"alliance={PA}&limit=10")
    assert titles(markup) == [
        "Online-Fachtag Sprachförderung",
        "Ausbildungsbörse für Geflüchtete",
        "Dankeschön-Abend für Ehrenamtliche",
        "Infoabend: Mitarbeit im Integrationsbeirat",
    ]  # the past meeting is not shown
    text = text_of(markup)
    assert re.search(
        r"(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d{1,2}\. "
        r"(Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
        r" \d{4}, 10:00–16:00 Uhr",
        text,
    ), text
    assert "Vor Ort: Forum Peine, Winkel 30, 31224 Peine" in text
    assert "Online" in text
    assert f'href="http://localhost/p/{PA}/events/ausbildungsboerse-peine.ics"' in markup
    assert text.count("In den Kalender eintragen") == 4


@pytest.mark.usefixtures("demo")
def test_events_in_english_and_cancelled(client: FlaskClient) -> None:
    _, markup = get(client, "fragment", "events", f"alliance={HZ}&lang=en&limit=10")
    text = text_of(markup)
    assert "Add to calendar" in text and "Cancelled" in text
    assert re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)", text)
    assert "In person and online: Volkshochschule Hildesheim" in text
    # a cancelled event offers no calendar entry
    assert text.count("Add to calendar") == len(titles(markup)) - 1


@pytest.mark.usefixtures("demo")
def test_events_compact_and_single(client: FlaskClient) -> None:
    _, compact = get(client, "fragment", "events", f"alliance={PA}&layout=compact")
    assert "In den Kalender" not in compact and "Uhr" in compact
    _, one = get(client, "embed", "events", f"alliance={HZ}&item=diskussion-populismus")
    assert titles(one) == ["Diskussion: Populismus in der Kommunalpolitik"]


# --- partners -------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_partners_directory_filtered_by_region_and_kind(client: FlaskClient) -> None:
    _, markup = get(
        client, "fragment", "partners", f"alliance={PA}&region=Landkreis+Peine&limit=50"
    )
    names = re.findall(r"<p><a href=\"[^\"]+\">([^<]+)</a></p>", markup)
    # Gemeinde Edemissen left the alliance; it is not listed
    assert names == [
        "Freiwilligenagentur Peine",
        "Gemeinde Lengede",
        "Kreishandwerkerschaft Peine",
        "Landkreis Peine",
        "Stadt Peine",
    ]
    assert f'href="http://localhost/p/{PA}/partners/landkreis-peine"' in markup
    _, churches = get(client, "fragment", "partners", "kind=church&limit=50&layout=cards")
    assert re.findall(r"<p><a href=\"[^\"]+\">([^<]+)</a></p>", churches) == [
        "Bistum Hildesheim",
        "Evangelisch-lutherische Landeskirche Hannovers",
    ]
    assert 'class="aw-monogram" aria-hidden="true">BH<' in churches
    assert "Kirche" in text_of(churches)


# --- banner and badge -----------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "size", ["728x90", "300x250", "160x600", "1200x630", "1080x1080", "1080x1920"]
)
def test_banner_in_each_size(client: FlaskClient, size: str) -> None:
    status, markup = get(
        client, "fragment", "banner", f"alliance={PA}&call=partner-werden&size={size}"
    )
    assert status == 200
    assert f"aw-size-{size}" in markup
    text = text_of(markup)
    assert "Werden Sie Bündnispartner!" in text and "Jetzt mitmachen" in text
    assert 'href="https://www.niedersachsen-packt-an.de/mitmachen"' in markup
    # drawn as the banner images are: exactly the nominal size, logo and all
    width, height = size.split("x")
    assert f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"' in markup
    assert '<g class="logo">' in markup


@pytest.mark.usefixtures("demo")
def test_banner_colours_and_ended_calls(client: FlaskClient) -> None:
    _, own = get(client, "fragment", "banner", f"alliance={PA}&call=projekt-vorschlagen")
    assert "--_call-bg:#1d5e2f;--_call-fg:#ffffff" in own
    _, accent = get(
        client, "fragment", "banner", f"alliance={PA}&call=projekt-vorschlagen&accent=%23ffbf47"
    )
    assert "--_call-bg:#ffbf47;--_call-fg:#1b1b1b" in accent
    _, ended = get(client, "fragment", "banner", f"alliance={HZ}&call=impfaktion-2021")
    assert "Dieser Aufruf ist beendet." in text_of(ended)


def test_a_call_that_has_not_begun_has_not_ended(client: FlaskClient, demo: Session) -> None:
    call = demo.scalars(select(Call).where(Call.slug == "projekt-vorschlagen")).one()
    call.starts, call.ends = today() + dt.timedelta(days=7), today() + dt.timedelta(days=30)
    demo.commit()
    _, markup = get(client, "fragment", "banner", f"alliance={PA}&call=projekt-vorschlagen")
    assert "beendet" not in text_of(markup)
    assert "beendet" not in client.get(f"/banner/{PA}/projekt-vorschlagen.svg").get_data(True)


@pytest.mark.usefixtures("demo")
def test_badge_current_and_former_members(client: FlaskClient) -> None:
    _, current = get(client, "fragment", "badge", f"alliance={PA}&partner=landkreis-peine")
    text = text_of(current)
    assert "Niedersachsen packt an" in text and "Landkreis Peine" in text
    assert "Mitglied seit 2020" in text
    # the badge links to its verification page, which confirms this membership
    link = re.search(r'href="http://localhost(/verify/[^"]+)"', current)
    assert link is not None
    verified = text_of(client.get(link.group(1)).get_data(as_text=True))
    assert "Landkreis Peine" in verified and "Niedersachsen packt an" in verified
    assert "--aw-accent,#00589c" in current
    _, former = get(
        client, "fragment", "badge", f"alliance={PA}&partner=gemeinde-edemissen&style=flat"
    )
    assert "Ehemaliges Mitglied" in text_of(former)
    assert "aw-badge-flat" in former and "aw-badge-former" in former
    _, english = get(client, "fragment", "badge", f"alliance={PA}&partner=stadt-sehnde&lang=en")
    assert "Member since 2020" in text_of(english)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("style", ["seal", "flat"])
def test_the_badge_widget_keeps_a_legal_form_together(client: FlaskClient, style: str) -> None:
    query = f"alliance={HZ}&partner=landessportbund-niedersachsen&style={style}"
    _, markup = get(client, "fragment", "badge", query)
    assert "LandesSportBund Niedersachsen e.\u00a0V." in markup  # no line between "e." and "V."
    assert "Niedersachsen e. V." not in markup


def test_a_badge_for_a_membership_that_starts_later_says_from_when(
    client: FlaskClient, demo: Session
) -> None:
    since = dt.date(today().year + 2, 6, 1)
    future = {"alliance": PA, "partner": "stadt-sehnde", "since": since.isoformat()}
    import_document(demo, {"memberships": [future]}, Channel.OFFICE)
    for style in ("seal", "flat"):
        query = f"alliance={PA}&partner=stadt-sehnde&style={style}"
        _, german = get(client, "fragment", "badge", query)
        assert f"Mitglied ab 1. Juni {since.year}" in text_of(german)
        assert f'<div class="aw-badge aw-badge-{style}">' in german  # not "aw-badge-former"
        assert "Ehemaliges" not in text_of(german)
        _, english = get(client, "fragment", "badge", query + "&lang=en")
        assert f"Member from 1 June {since.year}" in text_of(english)


@pytest.mark.usefixtures("demo")
def test_submit_shows_the_suggestion_form(client: FlaskClient) -> None:
    _, markup = get(client, "embed", "submit", f"alliance={PA}")
    text = text_of(markup)
    assert "Eine Erfolgsgeschichte erzählen" in text
    assert "Absenden" in text


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("widget", "query", "german", "english"),
    [
        ("projects", "limit=0", "er muss eine ganze Zahl von 1 bis 50 sein", "from 1 to 50"),
        ("projects", "limit=abc", "„limit“ ist ungültig", "“limit” is not valid"),
        ("projects", "theme=neon", "dieser Werte sein: light, dark, auto", "of light, dark, auto"),
        ("projects", "layout=grid", "„layout“ ist ungültig", "“layout” is not valid"),
        ("projects", "accent=blue", "„accent“ ist ungültig", "it must be a colour like #c00000"),
        ("projects", "title=" + "x" * 200, "„title“ ist ungültig", "it is too long"),
        ("projects", "partner=Not+A+Slug", "„partner“ ist ungültig", "it must be a slug"),
        ("partners", "kind=club", "„kind“ ist ungültig", "“kind” is not valid"),
        ("banner", f"alliance={PA}", "„call“ ist ungültig: er muss angegeben werden", "required"),
        ("banner", "alliance=all&call=x", "er muss ein einzelnes Bündnis nennen", "one alliance"),
        ("banner", f"{BANNER}&size=1x1", "„size“ ist ungültig", "“size” is not valid"),
        ("badge", f"{BADGE}&style=3d", "„style“ ist ungültig", "“style” is not valid"),
        # a common parameter the widget does not use is still checked
        ("badge", f"{BADGE}&limit=99", "ganze Zahl von 1 bis 50", "from 1 to 50"),
        ("banner", f"{BANNER}&layout=grid", "„layout“ ist ungültig", "“layout” is not valid"),
        ("submit", f"alliance={PA}&partner=Not+A+Slug", "„partner“ ist ungültig", "a slug"),
        ("partners", "field=Not+A+Slug", "„field“ ist ungültig", "it must be a slug"),
    ],
)  # fmt: skip
def test_bad_parameters_are_400_with_a_message_in_the_widget_language(
    client: FlaskClient, form: str, widget: str, query: str, german: str, english: str
) -> None:
    status, markup = get(client, form, widget, query)
    assert status == 400
    assert german in htmllib.unescape(markup)
    status, markup = get(client, form, widget, query + "&lang=en")
    assert status == 400
    assert english in htmllib.unescape(markup)
    assert "Traceback" not in markup


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("widget", "query", "message"),
    [
        ("nope", "", "Das Widget „nope“ gibt es nicht."),
        ("projects", "alliance=unknown", "Das Bündnis „unknown“ gibt es nicht."),
        ("projects", "partner=unknown", "„unknown“"),
        ("events", f"alliance={PA}&field=unknown", "„unknown“"),
        ("banner", f"alliance={PA}&call=unknown", "„unknown“"),
        ("badge", f"alliance={PA}&partner=bistum-hildesheim", "„niedersachsen-packt-an/bistum"),
        ("submit", "alliance=unknown", "„unknown“"),
    ],
)
def test_unknown_slugs_are_404(
    client: FlaskClient, form: str, widget: str, query: str, message: str
) -> None:
    response = client.get(f"/{form}/{widget}?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    markup = htmllib.unescape(response.get_data(as_text=True))
    assert message in markup  # the widget's language (German by default), not the browser's
    assert response.headers["Content-Language"] == "de"
    assert "X-Frame-Options" not in response.headers
    if form == "fragment":
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "query",
    [
        "limit=%00",
        "limit=1e3",
        "accent=%23zzzzzz",
        "lang=%ff%fe",
        "alliance=%2e%2e%2f",
        "region=%00%01",
        "theme=&layout=&limit=",
        "alliance=" + "a" * 300,
    ],
)
def test_garbage_never_causes_a_500(client: FlaskClient, query: str) -> None:
    for form in FORMS:
        for widget in EXAMPLES:
            status = client.get(f"/{form}/{widget}?{query}").status_code
            assert status in (200, 400, 404), (form, widget, query, status)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("digit", ["%C2%B2", "%D9%A3", "%EF%BC%91"])  # ², ٣ (Arabic-Indic), １
@pytest.mark.parametrize(
    ("form", "widget"), [("embed", "projects"), ("fragment", "events"), ("fragment", "partners")]
)
def test_limit_takes_ascii_digits_only(
    client: FlaskClient, form: str, widget: str, digit: str
) -> None:
    status, markup = get(client, form, widget, f"limit={digit}&lang=en")
    assert status == 400
    assert "The parameter “limit” is not valid" in htmllib.unescape(markup)
    assert 'lang="en"' in markup


# every common parameter with a good value (CONTRACT: "the same in every form")
COMMON_VALUES = {
    "alliance": PA,
    "partner": "landkreis-peine",
    "region": "Landkreis Peine",
    "field": "sprachfoerderung",
    "limit": "7",
    "theme": "dark",
    "lang": "en",
    "title": "Unser Bündnis",
    "accent": "#c00000",
    "layout": "compact",
}


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_common_parameters_a_widget_does_not_use_are_accepted_and_ignored(
    client: FlaskClient, form: str, name: str
) -> None:
    found = widget_named(name)
    assert found is not None
    unused = {key: value for key, value in COMMON_VALUES.items() if key in found.ignored}
    assert set(unused) | set(found.parameters) >= set(COMMON_VALUES)
    plain = client.get(f"/{form}/{name}?{EXAMPLES[name]}")
    copied = client.get(f"/{form}/{name}?{EXAMPLES[name]}&{urlencode(unused)}")
    assert copied.status_code == 200
    assert _without_form_token(copied.data) == _without_form_token(plain.data)


def _without_form_token(body: bytes) -> bytes:
    """The page without its form's token, which is new for every visitor."""
    return re.sub(rb'name="form_token" value="[^"]*"', b"", body)


# --- the loader -----------------------------------------------------------------------------


def test_loader_is_small_plain_javascript_without_globals_or_document_write(
    client: FlaskClient,
) -> None:
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    source = response.get_data(as_text=True)
    assert "document.write(" not in source
    assert "/*FRAMED*/" not in source
    assert '"submit": {"de": "Projekt vorschlagen", "en": "Suggest a project"}' in source
    body = "\n".join(line for line in source.splitlines() if not line.startswith("//"))
    assert body.startswith("(function () {") and body.rstrip().endswith("})();")
    assert len(response.data) < 8000
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in response.headers


# --- colours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "color", ["#005ea8", "#c00000", "#ffbf47", "#777777", "#00ff00", "#ffffff", "#000000"]
)
def test_accent_pairs_keep_aa_contrast(color: str) -> None:
    background, text = readable_pair(color)
    assert contrast(background, text) >= 4.5
    css = theme_css("scope", "auto", color)
    links = re.findall(r"--_link:var\(--aw-link,(#[0-9a-f]{6})\)", css)
    assert len(links) == 2
    assert contrast(links[0], "#f3f5f7") >= 4.5 and contrast(links[1], "#20262c") >= 4.5
