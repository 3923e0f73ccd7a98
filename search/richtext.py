"""Rich text as the plain text the index holds.

Wagtail's ``get_text_for_indexing`` (what a RichTextBlock's ``get_searchable_content``
returns) is the reference: the same text, up to whitespace, is what this module returns.
It runs Django's ``strip_tags``, an ``HTMLParser`` in pure Python, and costs more than the
rest of reading an article for a rebuild (docs/search.md has the figures), so the rebuild
uses the two regular expressions below instead. ``search/tests/test_richtext.py`` holds
them to the library's output on generated articles, the fixture article and the markup
Wagtail's editor writes.
"""

import html
import re

# Where Wagtail's function leaves a space: after a block's end tag, <br/> and <hr/>.
BLOCK_END_RE = re.compile(r"</(?:p|h\d|li|blockquote)>|<(?:br|hr)\s*/>", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]*>")


def text_for_indexing(value: str) -> str:
    """The text of a rich text value (``get_text_for_indexing``'s, blocks apart by a line
    break where it leaves a space)."""
    marked = BLOCK_END_RE.sub("\\g<0>\n", value or "")
    return html.unescape(TAG_RE.sub("", marked)).strip()
