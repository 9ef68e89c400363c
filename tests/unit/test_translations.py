"""Every user-facing message has a German translation (German is the default language)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Message
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


def test_the_compiled_catalog_is_current() -> None:
    """The .mo ships in the package (installs have no build step); it must match the .po."""
    from babel.messages.mofile import read_mo

    with CATALOG.open("rb") as handle:
        source = read_po(handle, locale="de")
    with CATALOG.with_suffix(".mo").open("rb") as handle:
        compiled = read_mo(handle)

    def pairs(catalog: Iterable[Message]) -> dict[object, object]:
        def key(value: object) -> object:
            return tuple(value) if isinstance(value, list | tuple) else value

        return {key(m.id): key(m.string) for m in catalog if m.id and m.string and not m.fuzzy}

    assert pairs(compiled) == pairs(source), "run `make setup` to recompile the catalog"
