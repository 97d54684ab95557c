"""French and English are both complete, and the compiled catalogues match their sources."""
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalogue_is_complete_and_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, (
                f"{language}: django.mo is older than django.po; run `make messages`"
            )
