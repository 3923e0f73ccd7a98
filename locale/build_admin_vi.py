"""Build locale/admin/vi/LC_MESSAGES/{django,djangojs}.po and .mo from locale/admin/vi.tsv.

Used by `make messages`; needs polib (a dev tool). Wagtail's and Django's own `vi`
catalogues leave much of the editors' path in English; locale/admin supplies those
msgids (and replaces a few wrong ones), first in LOCALE_PATHS. Every entry of the
installed Django and Wagtail catalogues (their `en` .po files list all msgids, with
contexts and plurals) whose msgid or msgid_plural has a line in vi.tsv is written with
that translation; the JavaScript domain (djangojs) is read by Wagtail's JavaScript
catalogue from LOCALE_PATHS only.
"""

from pathlib import Path

import django
import polib
import wagtail

HERE = Path(__file__).resolve().parent
TSV = HERE / "admin" / "vi.tsv"
OUT = HERE / "admin" / "vi" / "LC_MESSAGES"
PACKAGES = [Path(django.__file__).parent, Path(wagtail.__file__).parent]


def table() -> dict[str, str]:
    rows = {}
    for line in TSV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            msgid, msgstr = line.split("\t")
            rows[msgid] = msgstr
    return rows


def source_catalogues(domain: str):
    for package in PACKAGES:
        yield from sorted(package.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"))


def main() -> None:
    rows = table()
    used = set()
    OUT.mkdir(parents=True, exist_ok=True)
    for domain in ("django", "djangojs"):
        po = polib.POFile()
        po.metadata = {
            "Project-Id-Version": "portal admin (Django and Wagtail msgids)",
            "Language": "vi",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
        seen = set()
        for catalogue in source_catalogues(domain):
            for entry in polib.pofile(str(catalogue)):
                key = next((k for k in (entry.msgid_plural, entry.msgid) if k in rows), None)
                if key is None or (entry.msgctxt, entry.msgid) in seen:
                    continue
                seen.add((entry.msgctxt, entry.msgid))
                used.add(key)
                new = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid)
                if entry.msgid_plural:
                    new.msgid_plural = entry.msgid_plural
                    new.msgstr_plural = {0: rows[key]}
                else:
                    new.msgstr = rows[key]
                po.append(new)
        po.save(str(OUT / f"{domain}.po"))
        po.save_as_mofile(str(OUT / f"{domain}.mo"))
    unknown = sorted(set(rows) - used)
    if unknown:
        raise SystemExit("not a Django or Wagtail msgid: " + "; ".join(unknown))


if __name__ == "__main__":
    main()
