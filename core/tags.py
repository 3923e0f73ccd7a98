"""How a tag field's text becomes tags: taggit's parser, with a comma always meaning
"next tag".

The admin's tag widget sends the tags as one comma-separated string. Taggit splits a
string without a comma on spaces, so a lone multi-word tag ("Yên Phong") became two
tags unless the widget wrapped it in quotes, which editors then saw on the tag. With
this parser (`TAGGIT_TAGS_FROM_STRING`) the widget can show and send tags as typed:
a string without a comma is one tag; quotes and commas still work as in taggit.
"""

from taggit.utils import _parse_tags


def parse_tags(tagstring):
    if tagstring and "," not in tagstring and '"' not in tagstring:
        # A trailing comma puts taggit in its comma-delimited mode.
        tagstring += ","
    return _parse_tags(tagstring)
