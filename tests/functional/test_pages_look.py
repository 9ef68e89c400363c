"""What residents and webmasters see on the public pages: calendar subscriptions, the feeds
page, whole sentences, calls with their alliance, organisers linked, empty selections, and
snippets that send the site's origin only."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from widget_service.text import whole_sentences

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def subscription_links(html: str) -> dict[str, str]:
    block = re.search(r'<details class="subscribe">(.*?)</details>', html, flags=re.DOTALL)
    assert block, "a calendar subscription"
    return {
        htmllib.unescape(label): htmllib.unescape(href)
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block.group(1))
    }


@pytest.mark.usefixtures("demo")
def test_event_listing_offers_its_calendar_with_its_filters(client: FlaskClient) -> None:
    html = client.get(f"/p/{PA}/events?region=Landkreis+Peine").get_data(as_text=True)
    assert "Kalender abonnieren" in html
    links = subscription_links(html)
    ics = f"http://localhost/feeds/{PA}/events.ics?region=Landkreis+Peine"
    assert links["Apple Kalender, Thunderbird, Android-Apps (webcal)"] == "webcal://" + ics[7:]
    google = urlsplit(links["Google Kalender"])
    assert google.netloc == "calendar.google.com"
    assert parse_qs(google.query)["cid"] == ["webcal://" + ics[7:]]
    outlook = urlsplit(links["Outlook.com"])
    assert outlook.netloc == "outlook.live.com" and parse_qs(outlook.query)["url"] == [ics]
    assert urlsplit(links["Outlook mit Microsoft 365"]).netloc == "outlook.office.com"
    assert links["Einmal herunterladen (.ics-Datei)"] == ics
    assert client.get(ics).status_code == 200


@pytest.mark.usefixtures("demo")
def test_event_page_adds_the_event_and_subscribes_to_its_alliance(client: FlaskClient) -> None:
    html = client.get(f"/p/{HZ}/events/konferenz-zusammenhalt").get_data(as_text=True)
    assert f'href="/p/{HZ}/events/konferenz-zusammenhalt.ics"' in html
    links = subscription_links(html)
    assert links["Einmal herunterladen (.ics-Datei)"] == f"http://localhost/feeds/{HZ}/events.ics"


@pytest.mark.usefixtures("demo")
def test_organised_by_links_to_the_partner(client: FlaskClient) -> None:
    html = client.get(f"/p/{HZ}/events/konferenz-zusammenhalt").get_data(as_text=True)
    organiser = re.search(r"<dt>Veranstaltet von</dt><dd>(.*?)</dd>", html)
    assert organiser
    assert organiser.group(1).startswith(
        f'<a href="/p/{HZ}/partners/landeshauptstadt-hannover">Landeshauptstadt Hannover</a>'
    )


@pytest.mark.usefixtures("demo")
def test_feeds_page_leads_with_the_addresses_people_want_and_folds_the_rest(
    client: FlaskClient,
) -> None:
    html = client.get("/feeds").get_data(as_text=True)
    lead, rest = html.split('<details class="feed-all"', 1)
    lead = lead[lead.index('<section class="feed-lead"') :]
    addresses = re.findall(r'<input id="[^"]+" type="url" readonly value="([^"]+)">', lead)
    assert addresses == [
        "http://localhost/feeds/all/events.ics",
        "http://localhost/feeds/all/projects.rss",
        "http://localhost/feeds/all/events.rss",
    ]
    assert 'href="webcal://localhost/feeds/all/events.ics"' in lead
    # everything else is folded away until asked for
    assert rest.startswith(">")
    assert f"http://localhost/feeds/{PA}/projects.atom" in rest
    assert f"http://localhost/feeds/{HZ}/events.json" in rest


@pytest.mark.usefixtures("demo")
def test_a_chosen_alliance_leads_and_shows_its_addresses(client: FlaskClient) -> None:
    html = client.get(f"/feeds?alliance={PA}").get_data(as_text=True)
    lead = html[html.index('<section class="feed-lead"') : html.index('<details class="feed-all"')]
    assert f"http://localhost/feeds/{PA}/events.ics" in lead
    assert '<details class="feed-all" open>' in html


def test_whole_sentences_never_cut_one() -> None:
    text = "Das Bündnis e. V. steht für Zusammenhalt. Es kommen viele Menschen zusammen."
    assert whole_sentences(text, 60) == "Das Bündnis e. V. steht für Zusammenhalt."
    assert whole_sentences(text, 200) == text
    quoted = "„Niedersachsen packt an“ ist das Bündnis. Noch ein langer Satz folgt hier."
    assert whole_sentences(quoted, 50) == "„Niedersachsen packt an“ ist das Bündnis."
    assert whole_sentences("Ein einziger langer Satz ohne jedes Ende", 20) == "Ein einziger langer…"


@pytest.mark.usefixtures("demo")
def test_landing_page_descriptions_end_with_a_sentence(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for description in re.findall(
        r'<li class="card alliance-card[^"]*".*?<p[^>]*>([^<]+)</p>', html, flags=re.DOTALL
    ):
        assert description.rstrip().endswith((".", "!", "?", "“")), description


@pytest.mark.usefixtures("demo")
def test_landing_page_says_which_alliance_each_call_belongs_to(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    calls = re.findall(r'<section class="call call-\d+".*?</section>', html, flags=re.DOTALL)
    assert calls
    for call in calls:
        found = re.search(r'Ein Aufruf von <a href="/p/([a-z-]+)">([^<]+)</a>', call)
        assert found, call
    assert "ZUSAMMEN. MEHR." in text_of(html)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"/p/{PA}/projects?region=Nirgendwo", "Keine Projekte für diese Auswahl."),
        (f"/p/{PA}/events?region=Nirgendwo", "Keine Veranstaltungen für diese Auswahl."),
        (f"/p/{PA}/partners?region=Nirgendwo", "Keine Partner für diese Auswahl."),
        (f"/embed/projects?alliance={PA}&region=Nirgendwo", "Keine Projekte für diese Auswahl."),
        (
            f"/embed/events?alliance={PA}&region=Nirgendwo",
            "Keine Veranstaltungen für diese Auswahl.",
        ),
        (f"/fragment/partners?alliance={PA}&region=Nirgendwo", "Keine Partner für diese Auswahl."),
    ],
)
def test_a_selection_without_matches_says_so(client: FlaskClient, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert message in text
    assert "noch keine" not in text.lower()


def builder_snippets(client: FlaskClient, query: str) -> dict[str, str]:
    markup = client.get(f"/widgets?{query}").get_data(as_text=True)
    return {
        name: htmllib.unescape(text).strip()
        for name, text in re.findall(
            r'<textarea id="snippet-([a-z]+)"[^>]*>(.*?)</textarea>', markup, flags=re.DOTALL
        )
    }


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "query",
    [
        f"widget=projects&alliance={PA}",
        f"widget=banner&alliance={PA}&call=partner-werden",
        f"widget=badge&alliance={PA}&partner=landkreis-peine",
    ],
)
def test_snippets_send_the_sites_origin_never_the_page(client: FlaskClient, query: str) -> None:
    found = builder_snippets(client, query)
    for name in ("loader", "iframe", "image"):
        if name not in found:
            continue
        tags = re.findall(r"<(?:script|iframe|img)\b[^>]*>", found[name])
        assert tags, name
        for tag in tags:
            assert 'referrerpolicy="strict-origin"' in tag, (name, tag)


@pytest.mark.usefixtures("demo")
def test_the_partner_pages_badge_snippet_sends_the_origin_only(client: FlaskClient) -> None:
    html = htmllib.unescape(client.get(f"/p/{PA}/partners/landkreis-peine").get_data(as_text=True))
    images = re.findall(r"<img src=\"http[^>]*>", html)
    assert images and all('referrerpolicy="strict-origin"' in tag for tag in images)


@pytest.mark.usefixtures("demo")
def test_builder_privacy_note_is_the_privacy_pages_note(client: FlaskClient) -> None:
    note = builder_snippets(client, "widget=projects")["privacy"]
    assert "ohne den Pfad der Seite" in note
    privacy = htmllib.unescape(client.get("/privacy").get_data(as_text=True))
    assert note in privacy


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("query", "link"),
    [
        (f"widget=projects&alliance={PA}", "Projekte von Niedersachsen packt an"),
        (f"widget=events&alliance={PA}&language=en", "Events of Niedersachsen packt an"),
        (f"widget=banner&alliance={PA}&call=partner-werden", "Werden Sie Bündnispartner!"),
        (f"widget=projects&alliance={PA}&title=Aus+dem+Bündnis", "Aus dem Bündnis"),
    ],
)
def test_the_loaders_fallback_link_says_what_a_resident_gets(
    client: FlaskClient, query: str, link: str
) -> None:
    loader = builder_snippets(client, query)["loader"]
    found = re.search(r"<a href=\"[^\"]+\">([^<]+)</a>", loader)
    assert found and found.group(1) == link


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("theme", "canvas"),
    [
        ("dark", "html,body{background:#15191d}"),
        ("light", "html,body{background:#ffffff}"),
        ("auto", "@media (prefers-color-scheme: dark){html,body{background:#15191d}}"),
    ],
)
def test_the_iframe_document_is_painted_in_the_widgets_own_colour(
    client: FlaskClient, theme: str, canvas: str
) -> None:
    """No corner or sub-pixel strip of a light canvas shows around a dark widget, whatever
    the colour scheme of the page that frames it."""
    html = client.get(f"/embed/events?alliance={PA}&theme={theme}").get_data(as_text=True)
    assert canvas in html
    assert "background:transparent" not in html
