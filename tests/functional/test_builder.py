"""The widget builder's choices: they follow the chosen alliance, a badge asks for its partner,
every snippet works at once, oEmbed gives what the preview shows, the messages stand beside
their fields, and the options every widget has (heading, padding)."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import quote, urlsplit

import pytest
from flask.testing import FlaskClient

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
WIDGETS = ["projects", "events", "partners", "banner", "badge", "submit"]


def snippets(markup: str) -> dict[str, str]:
    return {
        name: htmllib.unescape(text).strip()
        for name, text in re.findall(
            r'<textarea id="snippet-([a-z]+)"[^>]*>(.*?)</textarea>', markup, flags=re.DOTALL
        )
    }


def options(markup: str, field: str) -> list[str]:
    """The values a select of the form offers (without the empty first one)."""
    select = re.search(rf'<select id="b-{field}".*?</select>', markup, flags=re.DOTALL)
    assert select, field
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(0)) if value]


def selected(markup: str, field: str) -> str | None:
    select = re.search(rf'<select id="b-{field}".*?</select>', markup, flags=re.DOTALL)
    assert select, field
    found = re.search(r'<option value="([^"]*)"[^>]* selected>', select.group(0))
    return found.group(1) if found else None


def field_error(markup: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="b-{field}-error"( hidden)?>(.*?)</p>', markup)
    assert found, field
    return "" if found.group(1) else htmllib.unescape(found.group(2))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def preview_of(markup: str) -> str:
    found = re.search(r'<iframe class="preview" src="([^"]+)"', markup)
    assert found, markup
    return htmllib.unescape(found.group(1))


@pytest.mark.usefixtures("demo")
def test_the_lists_follow_the_chosen_alliance(client: FlaskClient) -> None:
    packt = client.get(f"/widgets?widget=banner&alliance={PA}").get_data(as_text=True)
    halt = client.get(f"/widgets?widget=banner&alliance={HZ}").get_data(as_text=True)
    assert set(options(packt, "call")) == {"partner-werden", "projekt-vorschlagen", "zusammen-mehr"}
    assert options(halt, "call") == ["zusammenhalt-zeigen"]
    # one alliance only for a banner: "all" is not offered
    assert options(packt, "alliance") == [HZ, PA]
    projects = client.get(f"/widgets?widget=projects&alliance={HZ}").get_data(as_text=True)
    assert "demokratie-staerken" in options(projects, "field")
    assert "sprachfoerderung" not in options(projects, "field")
    assert "bistum-hildesheim" in options(projects, "partner")
    assert "gemeinde-lengede" not in options(projects, "partner")  # a partner of the other
    assert options(projects, "alliance")[0] == "all"
    every = client.get("/widgets?widget=projects").get_data(as_text=True)
    assert {"demokratie-staerken", "sprachfoerderung"} <= set(options(every, "field"))
    assert {"bistum-hildesheim", "gemeinde-lengede"} <= set(options(every, "partner"))


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("query", "kept", "dropped"),
    [
        # a call, a field or a partner of the alliance chosen before the change
        (f"widget=banner&alliance={HZ}&call=zusammen-mehr", "call", "zusammen-mehr"),
        (f"widget=projects&alliance={PA}&field=medienkompetenz", "field", "medienkompetenz"),
        (f"widget=events&alliance={PA}&partner=bistum-hildesheim", "partner", "bistum-hildesheim"),
    ],
)
def test_a_choice_of_another_alliance_gives_no_failing_snippet(
    client: FlaskClient, query: str, kept: str, dropped: str
) -> None:
    response = client.get(f"/widgets?{query}")
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert selected(markup, kept) != dropped
    found = snippets(markup)
    assert dropped not in found["loader"] and dropped not in found["fragment"]
    assert client.get(path_of(found["fragment"])).status_code == 200


@pytest.mark.usefixtures("demo")
def test_an_ended_call_of_the_alliance_stays_chosen(client: FlaskClient) -> None:
    response = client.get(f"/widgets?widget=banner&alliance={HZ}&call=impfaktion-2021")
    assert response.status_code == 200
    assert 'data-call="impfaktion-2021"' in snippets(response.get_data(as_text=True))["loader"]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("alliance", [PA, HZ, "all"])
@pytest.mark.parametrize("name", WIDGETS)
def test_every_snippet_the_builder_gives_works_at_once(
    client: FlaskClient, name: str, alliance: str
) -> None:
    query = f"widget={name}&alliance={alliance}"
    if name == "badge":
        query += "&partner=landkreis-peine"  # a partner of both
    response = client.get(f"/widgets?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    markup = response.get_data(as_text=True)
    found = snippets(markup)
    for address in (found["fragment"], found["oembed"], preview_of(markup)):
        answer = client.get(path_of(address))
        assert answer.status_code == 200, (address, answer.get_data(as_text=True))


@pytest.mark.usefixtures("demo")
def test_a_badge_asks_for_its_partner_instead_of_taking_the_first(client: FlaskClient) -> None:
    response = client.get(f"/widgets?widget=badge&alliance={PA}")
    assert response.status_code == 400
    markup = response.get_data(as_text=True)
    assert "snippet-loader" not in markup and "snippet-image" not in markup
    message = field_error(markup, "partner")
    assert message.startswith("Wählen Sie einen Partner")
    assert selected(markup, "partner") is None
    assert re.search(r'<option value="">Bitte wählen</option>', markup)
    select = re.search(r'<select id="b-partner"[^>]*>', markup)
    assert select and 'aria-invalid="true"' in select.group(0)
    assert "b-partner-error" in select.group(0)  # aria-describedby
    # in English on English pages
    english = client.get(f"/widgets?widget=badge&alliance={PA}&lang=en").get_data(as_text=True)
    assert field_error(english, "partner").startswith("Choose a partner")
    chosen = client.get(f"/widgets?widget=badge&alliance={PA}&partner=stadt-peine")
    assert chosen.status_code == 200
    assert 'data-partner="stadt-peine"' in snippets(chosen.get_data(as_text=True))["loader"]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("widget=projects&limit=99", "limit", "„limit“ ist ungültig"),
        ("widget=projects&accent=rot", "accent", "„accent“ ist ungültig"),
        ("widget=projects&alliance=unbekannt", "alliance", "„unbekannt“ gibt es nicht"),
        ("widget=uhr", "widget", "„widget“ ist ungültig"),
    ],
)
def test_a_bad_value_is_explained_beside_its_field(
    client: FlaskClient, query: str, field: str, message: str
) -> None:
    response = client.get(f"/widgets?{query}")
    assert response.status_code in (400, 404)
    markup = response.get_data(as_text=True)
    assert message in field_error(markup, field)
    others = re.findall(r'<p class="field-error" id="b-([a-z]+)-error">', markup)
    assert others == [field]  # only that one


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "query",
    [
        f"widget=projects&alliance={PA}&limit=3&layout=list&theme=dark&accent=%23aa3300"
        "&title=Aus+dem+B%C3%BCndnis&heading=none&padding=none&region=Landkreis+Peine",
        "widget=projects&kind=story&language=en",
        f"widget=events&alliance={HZ}&limit=2&layout=compact&theme=auto&title=Termine",
        f"widget=partners&alliance={PA}&layout=cards&limit=12&kind=municipality",
        f"widget=banner&alliance={PA}&call=zusammen-mehr&size=728x90&count=yes&accent=%23112233",
        f"widget=badge&alliance={HZ}&partner=stadt-sehnde&style=flat&theme=dark&language=en",
        f"widget=submit&alliance={PA}&title=Ihre+Idee&theme=dark&padding=none",
    ],
)
def test_the_oembed_answer_shows_what_the_preview_shows(client: FlaskClient, query: str) -> None:
    response = client.get(f"/widgets?{query}")
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    oembed = client.get(path_of(snippets(markup)["oembed"]))
    assert oembed.status_code == 200
    answered = re.search(r'<iframe src="([^"]+)"', oembed.get_json()["html"])
    assert answered
    assert htmllib.unescape(answered.group(1)) == preview_of(markup)


@pytest.mark.usefixtures("demo")
def test_oembed_takes_a_call_page_and_the_widget_options(client: FlaskClient) -> None:
    page = quote(f"http://localhost/p/{PA}/calls/zusammen-mehr", safe="")
    body = client.get(f"/oembed?url={page}&format=json").get_json()
    assert body["title"] == "ZUSAMMEN. MEHR."
    assert "/embed/banner?alliance=" in body["html"] and "call=zusammen-mehr" in body["html"]
    # what the page says wins over an option that says otherwise
    body = client.get(f"/oembed?url={page}&format=json&call=partner-werden&size=160x600").get_json()
    assert "call=zusammen-mehr" in body["html"] and "size=160x600" in body["html"]
    # a bad option is a bad request, as on the widget itself
    bad = client.get(f"/oembed?url={page}&format=json&theme=purple")
    assert bad.status_code == 400 and "theme" in bad.get_json()["error"]["message"]
    unknown = client.get(f"/oembed?url={page}&format=json&widget=clock")
    assert unknown.status_code == 404
    # the call's page announces it
    markup = client.get(f"/p/{PA}/calls/zusammen-mehr").get_data(as_text=True)
    discovery = r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"'
    found = re.search(discovery, markup)
    assert found
    announced = client.get(path_of(htmllib.unescape(found.group(1)))).get_json()
    assert "/embed/banner?" in announced["html"] and "call=zusammen-mehr" in announced["html"]


@pytest.mark.usefixtures("demo")
def test_the_widgets_are_listed_in_a_sensible_order_with_their_names(client: FlaskClient) -> None:
    markup = client.get("/widgets").get_data(as_text=True)
    select = re.search(r'<select id="b-widget".*?</select>', markup, flags=re.DOTALL)
    assert select
    labels = re.findall(r'<option value="[a-z]+"[^>]*>([^<]+)</option>', select.group(0))
    assert labels == [
        "Projekte",
        "Veranstaltungen",
        "Bündnispartner",
        "Aufruf-Banner",
        "Mitgliedssiegel",
        "Projekt vorschlagen",
    ]
    english = client.get("/widgets?lang=en").get_data(as_text=True)
    select = re.search(r'<select id="b-widget".*?</select>', english, flags=re.DOTALL)
    assert select and ">Membership badge</option>" in select.group(0)
    # the fields: what to show first, then how it looks
    banner = client.get(f"/widgets?widget=banner&alliance={PA}").get_data(as_text=True)
    shown = re.findall(r'<div class="field" id="f-([a-z]+)" data-widgets="[^"]*">', banner)
    assert shown == [
        *("alliance", "call", "size", "count", "theme", "lang", "title", "accent"),
        *("heading", "padding"),
    ]


@pytest.mark.usefixtures("demo")
def test_the_accent_colour_has_a_colour_picker_beside_its_text_field(client: FlaskClient) -> None:
    markup = client.get("/widgets?widget=projects&accent=%23aa3300").get_data(as_text=True)
    text = re.search(r'<input id="b-accent" name="accent" type="text"[^>]*>', markup)
    picker = re.search(r'<input id="b-accent-picker" type="color"[^>]*>', markup)
    assert text and 'value="#aa3300"' in text.group(0)
    assert picker and 'value="#aa3300"' in picker.group(0)
    assert "name=" not in picker.group(0)  # the text field alone is sent
    assert "hidden" in picker.group(0)  # shown by builder.js, which keeps both in step
    # empty, the picker shows the colour the widget takes: the alliance's
    markup = client.get(f"/widgets?widget=projects&alliance={PA}").get_data(as_text=True)
    picker = re.search(r'<input id="b-accent-picker" type="color"[^>]*>', markup)
    assert picker and 'value="#00589c"' in picker.group(0)


@pytest.mark.usefixtures("demo")
def test_the_snippets_come_before_the_preview_and_one_live_region_reports(
    client: FlaskClient,
) -> None:
    markup = client.get(f"/widgets?widget=events&alliance={PA}").get_data(as_text=True)
    assert markup.index('id="snippet-oembed"') < markup.index('<iframe class="preview"')
    assert markup.count('aria-live="polite"') == 1
    assert re.search(r'<p id="builder-status" class="visually-hidden" role="status"', markup)
    assert 'data-announce="Vorschau aktualisiert: Veranstaltungen"' in markup


# --- heading and padding: declared once, in every form ------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("name", WIDGETS)
def test_every_widget_takes_heading_and_padding(client: FlaskClient, name: str) -> None:
    needs = {"badge": "&partner=stadt-sehnde", "banner": "&call=zusammen-mehr"}
    query = f"alliance={PA}" + needs.get(name, "")
    plain = client.get(f"/fragment/{name}?{query}").get_data(as_text=True)
    bare = client.get(f"/fragment/{name}?{query}&heading=none&padding=none")
    assert bare.status_code == 200
    markup = bare.get_data(as_text=True)
    root = r'<div class="aw [^"]*"'
    assert "aw-flush" in re.match(root, markup).group(0)  # type: ignore[union-attr]
    assert "aw-flush" not in re.match(root, plain).group(0)  # type: ignore[union-attr]
    if name in ("projects", "events", "partners", "submit"):
        assert 'class="aw-title"' in plain and 'class="aw-title"' not in markup
    if name in ("projects", "events"):
        # the items move up one level: the host page's heading stands above them
        assert '<h3 class="aw-item-title">' in plain
        assert '<h2 class="aw-item-title">' in markup
    document = client.get(f"/embed/{name}?{query}&heading=none").get_data(as_text=True)
    assert 'class="aw-title"' not in document
    builder = client.get(f"/widgets?widget={name}&{query}&heading=none&padding=none")
    found = snippets(builder.get_data(as_text=True))
    assert 'data-heading="none" data-padding="none"' in found["loader"]
    assert "heading=none&padding=none" in found["fragment"]
    bad = client.get(f"/fragment/{name}?{query}&padding=wide")
    assert bad.status_code == 400 and "„padding“ ist ungültig" in bad.get_data(as_text=True)
