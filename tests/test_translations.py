"""Every addon ships a complete zh_CN translation of its exported terms."""

import re
from pathlib import Path

import polib
import pytest

ADDONS = sorted(
    p.parent
    for p in (Path(__file__).parent.parent / "addons").glob("*/__manifest__.py")
)


@pytest.mark.parametrize("addon", ADDONS, ids=[a.name for a in ADDONS])
def test_zh_cn_translates_every_term(addon):
    pot = polib.pofile(str(addon / "i18n" / f"{addon.name}.pot"))
    po = polib.pofile(str(addon / "i18n" / "zh_CN.po"))
    translated = {entry.msgid: entry.msgstr for entry in po if not entry.obsolete}
    missing = [
        e.msgid for e in pot if not translated.get(e.msgid) or "fuzzy" in e.flags
    ]
    assert not missing, (
        f"{len(missing)} terms of {addon.name} lack a zh_CN translation: {missing[:5]}"
    )
    assert po.metadata.get("Language") == "zh_CN"


PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]")


@pytest.mark.parametrize("addon", ADDONS, ids=[a.name for a in ADDONS])
def test_zh_cn_keeps_the_placeholders(addon):
    """A translation that drops or renames a %(name)s breaks the message."""
    po = polib.pofile(str(addon / "i18n" / "zh_CN.po"))
    broken = [
        e.msgid
        for e in po
        if e.msgstr
        and sorted(PLACEHOLDER.findall(e.msgid))
        != sorted(PLACEHOLDER.findall(e.msgstr))
    ]
    assert not broken, f"{addon.name}: placeholders differ in {broken[:5]}"
