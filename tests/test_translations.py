"""The English catalogue is complete: every German source text has a translation."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"


def po_entries():
    """(msgid, msgstrs, flags) of each entry, read with the standard library only."""
    entries, current, field = [], None, None
    for line in [*PO_FILE.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {"msgid": "", "msgstr": {}, "flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            field = "msgid"
            current["msgid"] = line[7:-1]
        elif line.startswith("msgid_plural "):
            field = None
        elif line.startswith("msgstr"):
            field = line.split(" ", 1)[0]
            current["msgstr"][field] = line.split(" ", 1)[1][1:-1]
        elif line.startswith('"') and field:
            if field == "msgid":
                current["msgid"] += line[1:-1]
            else:
                current["msgstr"][field] += line[1:-1]
    return [entry for entry in entries if entry["msgid"]]


def test_every_entry_of_the_catalogue_is_read():
    # The test below passes on whatever entries it is given: each one must be among them.
    header = 1  # msgid "" with the catalogue's metadata
    assert len(po_entries()) == PO_FILE.read_text(encoding="utf-8").count("\nmsgid ") - header


# The names xgettext (behind makemessages) looks for; a text marked under another alias
# (``gettext_lazy as _lazy``) never reaches the catalogue and stays German in English.
XGETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
# What makemessages leaves out (Makefile's MESSAGES_ARGS).
NOT_IN_THE_CATALOGUE = {".venv", "node_modules", "var", "tests", "bench"}
TRANSLATION_IMPORT = re.compile(r"from django\.utils\.translation import (.+)")


def test_every_marked_text_reaches_the_catalogue():
    aliases = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if path.relative_to(settings.BASE_DIR).parts[0] in NOT_IN_THE_CATALOGUE:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            match = TRANSLATION_IMPORT.match(line.split("#")[0].strip())
            for name in match.group(1).split(",") if match else ():
                imported, _, alias = name.strip().partition(" as ")
                marks = imported.endswith("gettext") or imported.endswith("gettext_lazy")
                if marks and (alias or imported) not in XGETTEXT_NAMES:
                    aliases.append(f"{path.name}: {name.strip()}")
    assert aliases == []


def test_every_english_entry_is_translated():
    untranslated = [
        entry["msgid"]
        for entry in po_entries()
        if not all(entry["msgstr"].values()) or "fuzzy" in entry["flags"]
    ]
    assert untranslated == []


def test_the_site_title_is_translated():
    with translation.override("en"):
        assert translation.gettext("Rahmenvereinbarungen Inklusion") == (
            "Inclusion framework agreements"
        )


def test_the_login_page_is_english_for_an_english_cookie(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Anmelden" not in html
