"""Demo content: both alliances, their partners, fields, calls, projects and events.

Event dates are relative to the day the demo is loaded, so it never looks stale; loading
it again updates the same records (by slug) instead of adding new ones. The partners are
public bodies and organisations of Lower Saxony; the projects and events are illustrative.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .timeutil import BERLIN

HZ = "niedersachsen-haelt-zusammen"
PA = "niedersachsen-packt-an"


def _at(day: dt.date, offset_days: int, hour: int, minute: int = 0) -> str:
    moment = dt.datetime.combine(day + dt.timedelta(days=offset_days), dt.time(hour, minute))
    return moment.replace(tzinfo=BERLIN).isoformat()


ALLIANCES: list[dict[str, Any]] = [
    {
        "slug": HZ,
        "name": "Niedersachsen hält zusammen",
        "description": (
            "Das Bündnis „Niedersachsen hält zusammen“ steht für Zusammenhalt während und nach "
            "der Corona-Pandemie. Auf seiner Plattform kommen Menschen in virtuellen Konferenzen, "
            "Vorträgen und Diskussionen zusammen – und stellen sich gemeinsam gegen "
            "Verschwörungserzählungen und Populismus."
        ),
        "website": "https://www.niedersachsen-haelt-zusammen.de",
        "color": "#c00000",
        "contact_email": "kontakt@niedersachsen-haelt-zusammen.de",
        "fields": [
            {
                "slug": "demokratie-staerken",
                "label": {"de": "Demokratie stärken", "en": "Strengthening democracy"},
            },
            {
                "slug": "gesundheit-und-solidaritaet",
                "label": {"de": "Gesundheit und Solidarität", "en": "Health and solidarity"},
            },
            {
                "slug": "medienkompetenz",
                "label": {"de": "Medienkompetenz", "en": "Media literacy"},
            },
            {
                "slug": "begegnung-und-kultur",
                "label": {"de": "Begegnung und Kultur", "en": "Encounter and culture"},
            },
        ],
    },
    {
        "slug": PA,
        "name": "Niedersachsen packt an",
        "description": (
            "„Niedersachsen packt an“ ist das Bündnis für die Integration geflüchteter Menschen. "
            "Kommunen, Kirchen, Gewerkschaften, Verbände und Unternehmen arbeiten in fünf "
            "Handlungsfeldern zusammen: Sprachförderung, Arbeitsmarktintegration, Freiwilliges "
            "Engagement, Wohnen und Leben sowie Politische und gesellschaftliche Teilhabe."
        ),
        "website": "https://www.niedersachsen-packt-an.de",
        "color": "#00589c",
        "contact_email": "buendnis@niedersachsen-packt-an.de",
        "fields": [
            {
                "slug": "sprachfoerderung",
                "label": {"de": "Sprachförderung", "en": "Language support"},
            },
            {
                "slug": "arbeitsmarktintegration",
                "label": {"de": "Arbeitsmarktintegration", "en": "Labour market integration"},
            },
            {
                "slug": "freiwilliges-engagement",
                "label": {"de": "Freiwilliges Engagement", "en": "Volunteering"},
            },
            {
                "slug": "wohnen-und-leben",
                "label": {"de": "Wohnen und Leben", "en": "Housing and daily life"},
            },
            {
                "slug": "teilhabe",
                "label": {
                    "de": "Politische und gesellschaftliche Teilhabe",
                    "en": "Political and social participation",
                },
            },
        ],
    },
]

PARTNERS: list[dict[str, Any]] = [
    {
        "slug": "stadt-sehnde",
        "name": "Stadtverwaltung Sehnde",
        "kind": "municipality",
        "place": "Sehnde",
        "region": "Region Hannover",
        "website": "https://www.sehnde.de",
    },
    {
        "slug": "landkreis-peine",
        "name": "Landkreis Peine",
        "kind": "district",
        "place": "Peine",
        "region": "Landkreis Peine",
        "website": "https://www.landkreis-peine.de",
    },
    {
        "slug": "stadt-peine",
        "name": "Stadt Peine",
        "kind": "municipality",
        "place": "Peine",
        "region": "Landkreis Peine",
        "website": "https://www.peine.de",
    },
    {
        "slug": "gemeinde-lengede",
        "name": "Gemeinde Lengede",
        "kind": "municipality",
        "place": "Lengede",
        "region": "Landkreis Peine",
        "website": "https://www.lengede.de",
    },
    {
        "slug": "gemeinde-edemissen",
        "name": "Gemeinde Edemissen",
        "kind": "municipality",
        "place": "Edemissen",
        "region": "Landkreis Peine",
        "website": "https://www.edemissen.de",
    },
    {
        "slug": "landeshauptstadt-hannover",
        "name": "Landeshauptstadt Hannover",
        "kind": "municipality",
        "place": "Hannover",
        "region": "Region Hannover",
        "website": "https://www.hannover.de",
    },
    {
        "slug": "stadt-hildesheim",
        "name": "Stadt Hildesheim",
        "kind": "municipality",
        "place": "Hildesheim",
        "region": "Landkreis Hildesheim",
        "website": "https://www.hildesheim.de",
    },
    {
        "slug": "landeskirche-hannovers",
        "name": "Evangelisch-lutherische Landeskirche Hannovers",
        "kind": "church",
        "place": "Hannover",
        "region": "Region Hannover",
        "website": "https://www.landeskirche-hannovers.de",
    },
    {
        "slug": "bistum-hildesheim",
        "name": "Bistum Hildesheim",
        "kind": "church",
        "place": "Hildesheim",
        "region": "Landkreis Hildesheim",
        "website": "https://www.bistum-hildesheim.de",
    },
    {
        "slug": "dgb-niedersachsen",
        "name": "DGB Niedersachsen – Bremen – Sachsen-Anhalt",
        "kind": "union",
        "place": "Hannover",
        "region": "Region Hannover",
        "website": "https://niedersachsen.dgb.de",
    },
    {
        "slug": "landessportbund-niedersachsen",
        "name": "LandesSportBund Niedersachsen e. V.",
        "kind": "association",
        "place": "Hannover",
        "region": "Region Hannover",
        "website": "https://www.lsb-niedersachsen.de",
    },
    {
        "slug": "freiwilligenagentur-peine",
        "name": "Freiwilligenagentur Peine",
        "kind": "association",
        "place": "Peine",
        "region": "Landkreis Peine",
    },
    {
        "slug": "sprachcafe-sehnde",
        "name": "Initiative Sprachcafé Sehnde",
        "kind": "initiative",
        "place": "Sehnde",
        "region": "Region Hannover",
    },
    {
        "slug": "handwerk-peine",
        "name": "Kreishandwerkerschaft Peine",
        "kind": "association",
        "place": "Peine",
        "region": "Landkreis Peine",
    },
    {
        "slug": "logistik-lehrte",
        "name": "Logistikzentrum Lehrte GmbH",
        "kind": "company",
        "place": "Lehrte",
        "region": "Region Hannover",
    },
    {
        "slug": "volkshochschule-hildesheim",
        "name": "Volkshochschule Hildesheim",
        "kind": "association",
        "place": "Hildesheim",
        "region": "Landkreis Hildesheim",
    },
]

MEMBERSHIPS: list[dict[str, Any]] = [
    {
        "alliance": PA,
        "partner": "landkreis-peine",
        "since": "2020-10-07",
        "resolution": "Kreistag, Beschlussvorlage 2020/740, 07.10.2020",
    },
    {
        "alliance": HZ,
        "partner": "landkreis-peine",
        "since": "2020-10-07",
        "resolution": "Kreistag, Beschlussvorlage 2020/740, 07.10.2020",
    },
    {
        "alliance": PA,
        "partner": "stadt-sehnde",
        "since": "2020-11-02",
        "resolution": "Rat der Stadt Sehnde, 29.10.2020",
    },
    {"alliance": HZ, "partner": "stadt-sehnde", "since": "2021-01-15"},
    {"alliance": PA, "partner": "stadt-peine", "since": "2020-12-10"},
    {"alliance": PA, "partner": "gemeinde-lengede", "since": "2021-03-01"},
    {
        "alliance": PA,
        "partner": "gemeinde-edemissen",
        "since": "2021-02-01",
        "until": "2024-12-31",
        "resolution": "Gemeinderat Edemissen, 14.01.2021",
    },
    {"alliance": HZ, "partner": "landeshauptstadt-hannover", "since": "2020-11-20"},
    {"alliance": PA, "partner": "landeshauptstadt-hannover", "since": "2020-11-20"},
    {"alliance": HZ, "partner": "stadt-hildesheim", "since": "2021-04-12"},
    {"alliance": HZ, "partner": "landeskirche-hannovers", "since": "2020-11-01"},
    {"alliance": PA, "partner": "landeskirche-hannovers", "since": "2020-11-01"},
    {"alliance": HZ, "partner": "bistum-hildesheim", "since": "2020-11-01"},
    {"alliance": HZ, "partner": "dgb-niedersachsen", "since": "2020-11-05"},
    {"alliance": PA, "partner": "dgb-niedersachsen", "since": "2020-11-05"},
    {"alliance": HZ, "partner": "landessportbund-niedersachsen", "since": "2021-02-18"},
    {"alliance": PA, "partner": "freiwilligenagentur-peine", "since": "2021-05-03"},
    {"alliance": PA, "partner": "sprachcafe-sehnde", "since": "2021-06-21"},
    {"alliance": PA, "partner": "handwerk-peine", "since": "2021-09-01"},
    {"alliance": PA, "partner": "logistik-lehrte", "since": "2022-02-14"},
    {"alliance": HZ, "partner": "volkshochschule-hildesheim", "since": "2021-03-22"},
]

PROJECTS: list[dict[str, Any]] = [
    {
        "alliance": PA,
        "slug": "sprachcafe-sehnde",
        "title": "Sprachcafé im Rathaus Sehnde",
        "summary": "Jeden Donnerstag üben Neuangekommene und Ehrenamtliche gemeinsam Deutsch – "
        "bei Kaffee, Kuchen und Gesprächen über den Alltag.",
        "body": "<p>Seit 2021 öffnet das Rathaus Sehnde donnerstags seine Türen für das "
        "Sprachcafé. Ehrenamtliche der Initiative begleiten kleine Gesprächsrunden.</p>"
        "<ul><li>ohne Anmeldung</li><li>Kinderbetreuung vor Ort</li></ul>",
        "fields": ["sprachfoerderung", "freiwilliges-engagement"],
        "partner": "sprachcafe-sehnde",
        "link": "https://www.sehnde.de",
        "days_ago": 12,
    },
    {
        "alliance": PA,
        "slug": "ausbildungslotsen-peine",
        "title": "Ausbildungslotsen im Landkreis Peine",
        "summary": "Lotsinnen und Lotsen begleiten junge Geflüchtete von der ersten Bewerbung "
        "bis zum Abschluss der Ausbildung im Handwerk.",
        "body": "<p>Gemeinsam mit der Kreishandwerkerschaft vermittelt der Landkreis Peine "
        "Praktika und Ausbildungsplätze. <strong>42 Ausbildungsverträge</strong> sind so "
        "seit 2021 entstanden.</p>",
        "fields": ["arbeitsmarktintegration"],
        "partner": "landkreis-peine",
        "days_ago": 20,
    },
    {
        "alliance": PA,
        "slug": "wohnpatenschaften-peine",
        "title": "Wohnpatenschaften in Peine",
        "summary": "Patinnen und Paten helfen bei der Wohnungssuche, beim Mietvertrag und beim "
        "Ankommen in der Nachbarschaft.",
        "body": "<p>Die Freiwilligenagentur bringt Vermieterinnen, Paten und Familien zusammen. "
        "Wer mitmachen will, meldet sich bei der Agentur.</p>",
        "fields": ["wohnen-und-leben", "freiwilliges-engagement"],
        "partner": "freiwilligenagentur-peine",
        "days_ago": 33,
    },
    {
        "alliance": PA,
        "slug": "jobstart-logistik",
        "title": "Jobstart Logistik: Qualifizierung mit Sprachkurs",
        "summary": "Ein Lehrter Logistikunternehmen verbindet den Staplerschein mit "
        "berufsbezogenem Deutschunterricht.",
        "body": "<p>Zwölf Wochen, vier Tage im Lager, ein Tag im Kursraum: Das Programm endet mit "
        "Prüfung und Übernahmeangebot.</p>",
        "fields": ["arbeitsmarktintegration", "sprachfoerderung"],
        "partner": "logistik-lehrte",
        "days_ago": 41,
    },
    {
        "alliance": PA,
        "slug": "integrationsrat-hannover",
        "title": "Mitreden im Integrationsbeirat",
        "summary": "Die Landeshauptstadt Hannover lädt Zugewanderte ein, im Integrationsbeirat "
        "ihres Stadtbezirks mitzuarbeiten.",
        "body": "<p>Die Beiräte beraten den Rat zu allen Fragen des Zusammenlebens. "
        "Informationsabende finden in allen Stadtbezirken statt.</p>",
        "fields": ["teilhabe"],
        "partner": "landeshauptstadt-hannover",
        "days_ago": 55,
    },
    {
        "alliance": PA,
        "slug": "fussball-verbindet-lengede",
        "title": "Fußball verbindet in Lengede",
        "summary": "Eine offene Trainingsgruppe bringt Jugendliche aus sieben Nationen auf den "
        "Platz – und in den Verein.",
        "body": "<p>Aus dem Training ist eine eigene Jugendmannschaft geworden, die in der "
        "Kreisliga spielt.</p>",
        "fields": ["freiwilliges-engagement", "teilhabe"],
        "partner": "gemeinde-lengede",
        "days_ago": 70,
    },
    {
        "alliance": PA,
        "slug": "kirchenasyl-beratung",
        "title": "Beratungsnetz der Kirchengemeinden",
        "summary": "Kirchengemeinden der Landeskirche bieten offene Sprechstunden zu Behörden, "
        "Schule und Gesundheit an.",
        "body": "<p>Mehr als 60 Gemeinden beteiligen sich mit ehrenamtlichen Beraterinnen und "
        "Beratern.</p>",
        "fields": ["wohnen-und-leben"],
        "partner": "landeskirche-hannovers",
        "days_ago": 95,
    },
    {
        "alliance": HZ,
        "slug": "digitale-nachbarschaft-sehnde",
        "title": "Digitale Nachbarschaft Sehnde",
        "summary": "Während der Pandemie entstanden: ein Einkaufs- und Besuchsdienst, der "
        "heute Seniorinnen und Senioren ins Netz begleitet.",
        "body": "<p>Junge Freiwillige zeigen Älteren, wie Videoanrufe, Online-Termine und "
        "digitale Rezepte funktionieren.</p>",
        "fields": ["gesundheit-und-solidaritaet", "begegnung-und-kultur"],
        "partner": "stadt-sehnde",
        "days_ago": 8,
    },
    {
        "alliance": HZ,
        "slug": "faktencheck-werkstatt",
        "title": "Faktencheck-Werkstatt der Volkshochschule",
        "summary": "Wie erkenne ich Falschmeldungen? Ein Kurs für Erwachsene gegen "
        "Verschwörungserzählungen im Netz.",
        "body": "<p>In vier Abenden lernen die Teilnehmenden, Quellen zu prüfen, Bilder "
        "rückwärts zu suchen und Gespräche in der Familie zu führen.</p>",
        "fields": ["medienkompetenz", "demokratie-staerken"],
        "partner": "volkshochschule-hildesheim",
        "days_ago": 15,
    },
    {
        "alliance": HZ,
        "slug": "zusammenhalt-im-sport",
        "title": "Zusammenhalt im Sport: Vereine öffnen sich",
        "summary": "Der LandesSportBund unterstützt Vereine, die nach der Pandemie neue "
        "Mitglieder gewinnen und Ehrenamtliche zurückholen.",
        "body": "<p>Ein Förderprogramm und Beratung vor Ort helfen Vereinen, wieder "
        "zusammenzufinden.</p>",
        "fields": ["gesundheit-und-solidaritaet", "begegnung-und-kultur"],
        "partner": "landessportbund-niedersachsen",
        "days_ago": 27,
    },
    {
        "alliance": HZ,
        "slug": "demokratiewerkstatt-peine",
        "title": "Demokratiewerkstatt im Landkreis Peine",
        "summary": "Schülerinnen und Schüler diskutieren mit Kreistagsmitgliedern über "
        "Populismus, Hass im Netz und Kommunalpolitik.",
        "body": "<p>Die Werkstatt tourt durch alle Schulen des Landkreises. <em>Zusammen mehr "
        "erreichen</em> ist ihr Motto.</p>",
        "fields": ["demokratie-staerken"],
        "partner": "landkreis-peine",
        "days_ago": 48,
    },
    {
        "alliance": HZ,
        "slug": "gewerkschaften-gegen-hetze",
        "title": "Betriebsräte gegen Hetze am Arbeitsplatz",
        "summary": "Der DGB schult Betriebs- und Personalräte im Umgang mit "
        "Verschwörungserzählungen und rechtspopulistischen Parolen.",
        "body": "<p>Die Schulungen finden online statt und sind für Mitglieder kostenfrei.</p>",
        "fields": ["demokratie-staerken", "medienkompetenz"],
        "partner": "dgb-niedersachsen",
        "days_ago": 63,
    },
    {
        "alliance": HZ,
        "slug": "kirchen-offene-tueren",
        "title": "Offene Kirchen: Orte zum Reden",
        "summary": "Das Bistum Hildesheim öffnet Kirchen als Orte für Gespräche über Sorgen, "
        "Einsamkeit und Zusammenhalt.",
        "body": "<p>Seelsorgerinnen und Seelsorger sind zu festen Zeiten ansprechbar.</p>",
        "fields": ["gesundheit-und-solidaritaet"],
        "partner": "bistum-hildesheim",
        "days_ago": 88,
    },
]

# ``in_days`` from today, starting at ``hour``:``minute`` Berlin time, ``length`` minutes long
EVENTS: list[dict[str, Any]] = [
    {
        "alliance": HZ,
        "slug": "konferenz-zusammenhalt",
        "title": "Virtuelle Konferenz: Zusammenhalt nach der Pandemie",
        "description": "<p>Bürgermeisterinnen, Wissenschaft und Ehrenamt ziehen Bilanz: Was hat "
        "uns durch die Krise getragen – und was bleibt?</p>",
        "in_days": 3,
        "hour": 18,
        "length": 120,
        "online": "https://konferenz.niedersachsen-haelt-zusammen.de/zusammenhalt",
        "fields": ["gesundheit-und-solidaritaet", "demokratie-staerken"],
        "partner": "landeshauptstadt-hannover",
    },
    {
        "alliance": HZ,
        "slug": "vortrag-verschwoerungserzaehlungen",
        "title": "Vortrag: Wie Verschwörungserzählungen wirken",
        "description": "<p>Ein Abend mit anschließender Diskussion: Warum verfangen einfache "
        "Antworten, und wie spreche ich Betroffene an?</p>",
        "in_days": 8,
        "hour": 19,
        "length": 90,
        "location": "Volkshochschule Hildesheim, Pfaffenstieg 4–5, 31134 Hildesheim",
        "online": "https://vhs-hildesheim.example/live",
        "fields": ["medienkompetenz"],
        "partner": "volkshochschule-hildesheim",
    },
    {
        "alliance": HZ,
        "slug": "diskussion-populismus",
        "title": "Diskussion: Populismus in der Kommunalpolitik",
        "description": "<p>Kreistagsmitglieder aller demokratischen Fraktionen im Gespräch "
        "mit Bürgerinnen und Bürgern.</p>",
        "in_days": 15,
        "hour": 18,
        "minute": 30,
        "length": 120,
        "location": "Kreishaus Peine, Burgstraße 1, 31224 Peine",
        "fields": ["demokratie-staerken"],
        "partner": "landkreis-peine",
    },
    {
        "alliance": HZ,
        "slug": "digitalsprechstunde-senioren",
        "title": "Digitalsprechstunde für Seniorinnen und Senioren",
        "description": "<p>Fragen zu Smartphone, Videoanruf und Online-Terminen – "
        "ohne Anmeldung.</p>",
        "in_days": 22,
        "hour": 15,
        "length": 120,
        "location": "Rathaus Sehnde, Nordstraße 21, 31319 Sehnde",
        "fields": ["begegnung-und-kultur"],
        "partner": "stadt-sehnde",
    },
    {
        "alliance": HZ,
        "slug": "gespraech-kirche-und-gesellschaft",
        "title": "Gespräch: Kirche, Gesellschaft und Zusammenhalt",
        "description": "<p>Die Veranstaltung muss leider entfallen. Ein neuer Termin folgt.</p>",
        "in_days": 11,
        "hour": 19,
        "length": 90,
        "online": "https://konferenz.niedersachsen-haelt-zusammen.de/kirche",
        "partner": "bistum-hildesheim",
        "status": "cancelled",
    },
    {
        "alliance": PA,
        "slug": "fachtag-sprachfoerderung",
        "title": "Online-Fachtag Sprachförderung",
        "description": "<p>Praxisbeispiele aus Kommunen: vom Sprachcafé bis zum "
        "berufsbezogenen Deutschkurs.</p>",
        "in_days": 5,
        "hour": 10,
        "length": 360,
        "online": "https://konferenz.niedersachsen-packt-an.de/fachtag-sprache",
        "fields": ["sprachfoerderung"],
        "partner": "sprachcafe-sehnde",
    },
    {
        "alliance": PA,
        "slug": "ausbildungsboerse-peine",
        "title": "Ausbildungsbörse für Geflüchtete",
        "description": "<p>Betriebe aus Handwerk und Logistik stellen Ausbildungsplätze vor; "
        "Dolmetscherinnen sind vor Ort.</p>",
        "in_days": 12,
        "hour": 14,
        "length": 240,
        "location": "Forum Peine, Winkel 30, 31224 Peine",
        "fields": ["arbeitsmarktintegration"],
        "partner": "handwerk-peine",
    },
    {
        "alliance": PA,
        "slug": "ehrenamtsabend-sehnde",
        "title": "Dankeschön-Abend für Ehrenamtliche",
        "description": "<p>Der Bürgermeister lädt alle Ehrenamtlichen der Integrationsarbeit "
        "zu einem gemeinsamen Abend ein.</p>",
        "in_days": 19,
        "hour": 18,
        "length": 180,
        "location": "Rathaus Sehnde, Nordstraße 21, 31319 Sehnde",
        "fields": ["freiwilliges-engagement"],
        "partner": "stadt-sehnde",
    },
    {
        "alliance": PA,
        "slug": "infoabend-integrationsbeirat",
        "title": "Infoabend: Mitarbeit im Integrationsbeirat",
        "description": "<p>Wie arbeitet ein Integrationsbeirat, und wie kann ich mich zur Wahl "
        "stellen?</p>",
        "in_days": 30,
        "hour": 18,
        "length": 90,
        "online": "https://konferenz.niedersachsen-packt-an.de/beirat",
        "fields": ["teilhabe"],
        "partner": "landeshauptstadt-hannover",
    },
    {
        "alliance": PA,
        "slug": "buendnistreffen-rueckblick",
        "title": "Bündnistreffen: Rückblick auf das Jahr",
        "description": "<p>Die Partner des Bündnisses tauschen sich über ihre Projekte aus.</p>",
        "in_days": -9,
        "hour": 17,
        "length": 120,
        "online": "https://konferenz.niedersachsen-packt-an.de/treffen",
        "partner": "landkreis-peine",
    },
]

CALLS: list[dict[str, Any]] = [
    {
        # the campaign of "Niedersachsen packt an": success stories of integration, told as
        # short videos and spread through banners, newsletters, magazines, social media,
        # flyers and posters
        "alliance": PA,
        "slug": "zusammen-mehr",
        "title": "ZUSAMMEN. MEHR.",
        "tagline": "Integration ist gut für uns alle.",
        "text": "Erzählen Sie Ihre Erfolgsgeschichte der Integration – in einem kurzen Video "
        "oder in wenigen Sätzen. Wir machen sie sichtbar: auf Bannern, in Newslettern und "
        "Magazinen, in den sozialen Medien, auf Flyern und Plakaten.",
        "button": "Geschichte erzählen",
        "link": "https://www.niedersachsen-packt-an.de/zusammen-mehr",
        "starts": "2020-11-01",
        "ends": None,
    },
    {
        "alliance": PA,
        "slug": "partner-werden",
        "title": "Werden Sie Bündnispartner!",
        "tagline": "Kommunen, Vereine und Unternehmen packen gemeinsam an.",
        "text": "Ein Beschluss Ihres Rates oder Vorstands genügt: Machen Sie Ihr Engagement für "
        "die Integration Geflüchteter sichtbar.",
        "button": "Jetzt mitmachen",
        "link": "https://www.niedersachsen-packt-an.de/mitmachen",
        "starts": "2020-10-01",
        "ends": None,
    },
    {
        "alliance": PA,
        "slug": "projekt-vorschlagen",
        "title": "Projekt vorschlagen",
        "tagline": "Sie kennen ein Integrationsprojekt, das mehr Menschen kennen sollten?",
        "text": "Schlagen Sie es vor – wir stellen es auf der Bündnisseite vor.",
        "button": "Vorschlag einreichen",
        "link": "https://www.niedersachsen-packt-an.de/vorschlagen",
        "starts": "2021-01-01",
        "ends": None,
        "background": "#1d5e2f",
        "foreground": "#ffffff",
    },
    {
        "alliance": HZ,
        "slug": "zusammenhalt-zeigen",
        "title": "Zusammenhalt zeigen",
        "tagline": "Gemeinsam gegen Verschwörungserzählungen und Populismus.",
        "text": "Laden Sie zu einer Begegnung, einem Vortrag oder einer Diskussion ein – das "
        "Bündnis macht Ihre Veranstaltung sichtbar.",
        "button": "Veranstaltung melden",
        "link": "https://www.niedersachsen-haelt-zusammen.de/mitmachen",
        "starts": "2021-05-01",
        "ends": None,
    },
    {
        "alliance": HZ,
        "slug": "impfaktion-2021",
        "title": "Gemeinsam durch den Winter",
        "tagline": "Die Impfaktion des Bündnisses im Winter 2021/22.",
        "text": "Diese Aktion ist beendet. Danke an alle, die mitgemacht haben!",
        "button": "Mehr erfahren",
        "link": "https://www.niedersachsen-haelt-zusammen.de",
        "starts": "2021-11-01",
        "ends": "2022-03-31",
    },
]


def demo_document(today: dt.date) -> dict[str, Any]:
    """The demo content as an import document, with dates relative to ``today``."""
    projects = []
    for item in PROJECTS:
        project = {key: value for key, value in item.items() if key != "days_ago"}
        project["status"] = "published"
        project["published"] = _at(today, -item["days_ago"], 10)
        projects.append(project)
    events = []
    for item in EVENTS:
        event = {
            key: value
            for key, value in item.items()
            if key not in ("in_days", "hour", "minute", "length")
        }
        starts = _at(today, item["in_days"], item["hour"], item.get("minute", 0))
        ends = dt.datetime.fromisoformat(starts) + dt.timedelta(minutes=item["length"])
        event["starts"] = starts
        event["ends"] = ends.isoformat()
        event.setdefault("status", "published")
        event["published"] = _at(today, min(item["in_days"], 0) - 14, 9)
        events.append(event)
    return {
        "alliances": ALLIANCES,
        "partners": PARTNERS,
        "memberships": [{"until": None, **membership} for membership in MEMBERSHIPS],
        "projects": projects,
        "events": events,
        "calls": CALLS,
    }
