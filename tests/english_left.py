"""Finds English left on an admin page: text equal to a Django or Wagtail msgid.

The msgids come from the catalogues Django loads for the installed apps (their `en`
.po files list every msgid, translated or not). A page's text nodes and the attributes
a person reads or hears (placeholder, title, aria-label, alt, value of buttons) are
compared with them, whole: a msgid with placeholders or markup matches any filling.
A Vietnamese page has none of them left, but for the few words Vietnamese writes the
same way (brand names, abbreviations), listed in SAME_IN_VIETNAMESE.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import django
import polib
from bs4 import BeautifulSoup, Comment
from django.apps import apps

# Words the Vietnamese admin writes as in English.
SAME_IN_VIETNAMESE = {
    "Wagtail", "Email", "email", "URL", "ID", "OK", "Ok", "Slug", "slug", "RSS", "HTML",
    "Facebook", "Zalo", "PDF", "CSV", "XLSX", "JSON", "GIF", "JPEG", "PNG", "WebP", "AVIF",
    "SVG", "iCal", "API", "Admin", "admin", "Alt", "Tag", "Tags", "tag", "tags",
}  # fmt: skip
JSON_TEXT_KEYS = {
    "label", "title", "text", "heading", "help_text", "helpText", "placeholder", "caption",
    "description", "message", "labelText", "ariaLabel", "addText",
}  # fmt: skip
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-w-tooltip-content-value")
_PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]|\{[a-z_]+\}|<[^>]+>")


def locale_dirs():
    yield Path(django.__file__).parent / "conf" / "locale"
    for config in apps.get_app_configs():
        if config.name.startswith(("django.", "wagtail")):
            yield Path(config.path) / "locale"


@functools.cache
def catalogue_msgids() -> tuple[frozenset[str], dict[str, re.Pattern]]:
    """Plain msgids, and patterns for those with placeholders or markup."""
    plain, patterns = set(), {}
    for directory in locale_dirs():
        for domain in ("django", "djangojs"):
            po_file = directory / "en" / "LC_MESSAGES" / f"{domain}.po"
            if not po_file.exists():
                continue
            for entry in polib.pofile(str(po_file)):
                for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                    msgid = " ".join(msgid.split())
                    words = _PLACEHOLDER.sub("", msgid)
                    if not re.search(r"[A-Za-z]{3}", words) or msgid in SAME_IN_VIETNAMESE:
                        continue
                    if _PLACEHOLDER.search(msgid):
                        # The msgid's own spaces stay: "%(num)s min" must not match "admin".
                        parts = [
                            r"\s+".join(map(re.escape, piece.split(" ")))
                            for piece in _PLACEHOLDER.split(msgid)
                        ]
                        # Markup in a msgid splits the text into nodes: each long piece.
                        if "<" in msgid:
                            for piece in _PLACEHOLDER.split(msgid):
                                piece = piece.strip(" .,:")
                                if len(piece) > 12:
                                    plain.add(piece)
                            continue
                        patterns[msgid] = re.compile("(.+?)".join(parts))
                    else:
                        plain.add(msgid)
    return frozenset(plain), patterns


def _json_texts(value, key=None):
    """Strings the admin's scripts show, from the JSON data blocks they read (the
    sidebar's menu, the editor's panels and blocks)."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _json_texts(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(item, key)
    elif isinstance(value, str) and key in JSON_TEXT_KEYS:
        yield value


def visible_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    texts = []
    for script in soup.find_all("script", type="application/json"):
        try:
            data = json.loads(script.string or "null")
        except ValueError:
            continue
        texts.extend(" ".join(text.split()) for text in _json_texts(data) if text.strip())
    for tag in soup(["script", "style", "noscript", "svg"]):
        tag.decompose()
    body = soup.body or soup
    for node in body.find_all(string=True):
        if isinstance(node, Comment):
            continue
        text = " ".join(node.split())
        if text:
            texts.append(text)
    for tag in body.find_all(True):
        for attribute in READ_ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str) and value.strip():
                texts.append(" ".join(value.split()))
        if tag.name == "input" and tag.get("type") in {"submit", "button"} and tag.get("value"):
            texts.append(" ".join(tag["value"].split()))
    return texts


def english_left(html: str) -> dict[str, str]:
    """The texts of the page that are a Django or Wagtail msgid, untranslated, each
    with the msgid it is."""
    plain, patterns = catalogue_msgids()
    found = {}
    for text in visible_texts(html):
        bare = text.strip(" .,:*()")
        if bare in SAME_IN_VIETNAMESE or not re.search(r"[A-Za-z]{2}", bare):
            continue
        if text in plain or bare in plain:
            found[text] = text if text in plain else bare
            continue
        # Templates capitalise a msgid ("just now" shows as "Just now", capfirst).
        lowered = bare[:1].lower() + bare[1:]
        if lowered in plain:
            found[text] = lowered
            continue
        for msgid, pattern in patterns.items():
            if pattern.fullmatch(text):
                found[text] = msgid
                break
    return found
