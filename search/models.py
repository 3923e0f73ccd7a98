"""The database engine's index: one row per searchable page.

Always kept up to date, also when Elasticsearch is the engine: it is the fallback.
The full-text index beside it depends on the database: an FTS5 table ``search_fts``
on SQLite, the two tsvector columns below (GIN-indexed) on PostgreSQL.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class SearchEntry(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, db_index=True)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=1000)
    date = models.DateTimeField(null=True, db_index=True)
    section_id = models.IntegerField(null=True, db_index=True)
    section_title = models.CharField(max_length=255, blank=True)
    author_names = models.TextField(blank=True)  # one name per line, in byline order
    authors = models.ManyToManyField("news.Author", blank=True, related_name="+")
    tags = models.TextField(blank=True)
    view_count = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)  # lead, body, captions: the snippet source
    title_exact = models.TextField(blank=True)
    text_exact = models.TextField(blank=True)
    title_folded = models.TextField(blank=True)
    text_folded = models.TextField(blank=True)
    exact_vector = SearchVectorField(null=True)
    folded_vector = SearchVectorField(null=True)
    # Title (A) and lead (B) alone: small enough to stay in the row, so PostgreSQL can
    # order a large match set by them without reading the big vectors (see database.py).
    head_exact_vector = SearchVectorField(null=True)
    head_folded_vector = SearchVectorField(null=True)
    stamp = models.CharField(max_length=300, blank=True)  # detects stale rows
    site_id = models.IntegerField(null=True, db_index=True)  # the portal the page is on

    def __str__(self):
        return self.title


class Acronym(models.Model):
    """An acronym and what it stands for, beside the shipped dictionary
    (``search/data/acronyms.tsv``): searches apply it both ways from the next query on."""

    acronym = models.CharField(_("acronym"), max_length=40, help_text=_("For example: UBND."))
    expansion = models.CharField(
        _("expansion"), max_length=255, help_text=_("For example: Ủy ban nhân dân.")
    )

    panels = [FieldPanel("acronym"), FieldPanel("expansion")]

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("acronym")
        verbose_name_plural = _("acronyms")
        constraints = [
            models.UniqueConstraint(fields=["acronym", "expansion"], name="unique_acronym")
        ]

    def __str__(self):
        return f"{self.acronym}: {self.expansion}"


class SearchTerm(models.Model):
    """The index's vocabulary: every syllable (exact form) of the indexed pages, for
    "Có phải bạn muốn tìm: …". Filled when entries are written, emptied by a rebuild."""

    word = models.CharField(max_length=40, primary_key=True)
    folded = models.CharField(max_length=40, db_index=True)

    def __str__(self):
        return self.word
