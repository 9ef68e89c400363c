"""Every user-facing message has a German translation (German is the default language)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "widget_service"
CATALOG = PACKAGE / "translations" / "de" / "LC_MESSAGES" / "messages.po"
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/widgets/**.html", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_code_has_a_german_translation() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    translated = {
        (message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id and message.string and all(message.string) and not message.fuzzy
    }
    missing = sorted(_source_messages() - translated)
    assert missing == [], "untranslated (run `make extract`, then translate): " + repr(missing)


def test_translations_keep_their_placeholders() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    for message in catalog:
        if not message.id or not message.python_format:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        placeholders = {part.split(")")[0] for part in source.split("%(")[1:]}
        assert placeholders <= {part.split(")")[0] for part in target.split("%(")[1:]}, source
