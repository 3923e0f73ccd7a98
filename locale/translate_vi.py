"""Fill Vietnamese translations into locale/vi/LC_MESSAGES/django.po from vi.tsv.

Used by `make messages`; needs the polib package (a dev tool, not a runtime dependency).
vi.tsv holds one `msgid<TAB>msgstr` per line, so translations survive re-extraction.
"""

from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
PO = HERE / "vi" / "LC_MESSAGES" / "django.po"


def main() -> None:
    table = {}
    for line in (HERE / "vi.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            msgid, msgstr = line.split("\t")
            table[msgid] = msgstr
    po = polib.pofile(str(PO))
    po.metadata["Language"] = "vi"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    missing = []
    for entry in po:
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr:
            missing.append(entry.msgid)
    po.save(str(PO))
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    if missing:
        raise SystemExit("untranslated: " + "; ".join(missing))


if __name__ == "__main__":
    main()
