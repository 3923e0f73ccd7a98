"""What stats adds to django-hitcount's data model (HitCount and Hit stay the source of
per-page totals and individual hits).

- SiteCounter: "Đã truy cập" of one portal (a Wagtail Site): a starting value plus
  counted visits; the whole network's total is the sum of the rows.
- DailyPageViews: views per page per local day, kept incrementally for "Đọc nhiều nhất".
- PageViewsBlock: the same views per page summed over aligned blocks of 1, 4, 16, 64
  and 256 days, kept by triggers, so a report over any period reads few rows.
- PageGroup and GroupViewsBlock: which groups an app reports pages by (a section, an
  author), and each group's views over the same blocks, kept by triggers, so a
  period's views per group read a few hundred rows.
- DailySiteVisits: visits per portal (site key) per local day, kept by a trigger; a
  portal's views per day are its "site" group's one-day blocks (stats.reports.portals).
- SiteVisitor, ReaderMark and NewReaders: presence per portal, "already counted" marks
  and the reader cookies issued per address and minute, for the embedded default
  (without Redis); with Redis these live in Redis and the tables stay empty.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from hitcount.models import HitCount

# The site key of visits made on a host that no Wagtail Site answers (an installation
# without a default site): every other key is a Site's id.
NO_SITE = 0


class SiteCounter(models.Model):
    """The "Đã truy cập" of one portal: visits_start + visits, one row per site key.

    Keyed by the Site's id rather than a foreign key: a counter outlives its Site (the
    network's total keeps the visits of a portal that was removed), and NO_SITE needs
    no row in wagtailcore_site.
    """

    site_key = models.PositiveIntegerField(_("site"), unique=True, default=NO_SITE)
    visits_start = models.PositiveBigIntegerField(
        _("starting total of visits"),
        default=0,
        help_text=_("The total carried over from the previous portal."),
    )
    visits = models.PositiveBigIntegerField(_("visits counted here"), default=0)

    class Meta:
        verbose_name = _("site visit counter")
        verbose_name_plural = _("site visit counters")

    def __str__(self) -> str:
        return str(self.visits_start + self.visits)


class DailyPageViews(models.Model):
    hitcount = models.ForeignKey(HitCount, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily page views")
        verbose_name_plural = _("daily page views")
        constraints = [
            models.UniqueConstraint(fields=["hitcount", "day"], name="stats_daily_views_unique")
        ]
        indexes = [models.Index(fields=["day"], name="stats_daily_views_day")]

    def __str__(self) -> str:
        return f"{self.hitcount_id} {self.day}: {self.views}"


class PageViewsBlock(models.Model):
    """Views of one page over an aligned block of 1, 4, 16, 64 or 256 days, for the
    reports.

    A period is cut into the largest aligned blocks that fit (stats.reports.blocks), so
    a year over 100,000 pages sums a few hundred thousand rows instead of millions. Kept
    by database triggers on DailyPageViews (migration 0005) in the same transaction as
    every write, whichever code path makes it. The page and its type are copied from the
    counter, so a report groups by page without joining the counters; the reports read
    it through a covering index on (start, span) made by the migration.
    """

    hitcount = models.ForeignKey(
        HitCount, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    page = models.PositiveIntegerField(_("page"))
    page_type = models.PositiveIntegerField(_("page type"))
    span = models.PositiveSmallIntegerField(_("days in the block"))
    start = models.DateField(_("first day of the block"))
    views = models.PositiveBigIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views over a block of days")
        verbose_name_plural = _("page views over blocks of days")
        constraints = [
            models.UniqueConstraint(
                fields=["hitcount", "span", "start"], name="stats_page_block_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.page} {self.start}+{self.span}: {self.views}"


class PageGroup(models.Model):
    """A page's membership of a group that an app reports views by: `kind` names the
    grouping ("section", "author"), `group_key` the group (a section's page id, an
    author's id). stats knows no app's groups: the apps keep these rows current through
    stats.reports.groups.set_members, and name the groups themselves."""

    page = models.PositiveIntegerField(_("page"))
    kind = models.CharField(_("kind of group"), max_length=20)
    group_key = models.PositiveIntegerField(_("group of pages"))

    class Meta:
        verbose_name = _("page group")
        verbose_name_plural = _("page groups")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "kind", "group_key"], name="stats_page_group_unique"
            )
        ]
        # A group's pages (a portal's, for its reports) by an index-only scan.
        indexes = [
            models.Index(fields=["kind", "group_key", "page"], name="stats_page_group_members")
        ]

    def __str__(self) -> str:
        return f"{self.page} {self.kind} {self.group_key}"


class GroupViewsBlock(models.Model):
    """The views of one group's pages of one type over an aligned block of days: always
    the sum of the PageViewsBlock rows of the group's member pages (PageGroup), kept by
    a trigger on PageViewsBlock (migration 0006) and by set_members when membership
    changes, so a year's views per section or author sum a few hundred rows instead of
    grouping every page's."""

    kind = models.CharField(_("kind of group"), max_length=20)
    group_key = models.PositiveIntegerField(_("group of pages"))
    page_type = models.PositiveIntegerField(_("page type"))
    span = models.PositiveSmallIntegerField(_("days in the block"))
    start = models.DateField(_("first day of the block"))
    # Signed: a trigger adds negative differences through an upsert.
    views = models.BigIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("group views over a block of days")
        verbose_name_plural = _("group views over blocks of days")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "group_key", "page_type", "span", "start"],
                name="stats_group_block_unique",
            )
        ]
        indexes = [models.Index(fields=["kind", "start", "span"], name="stats_group_block_read")]

    def __str__(self) -> str:
        return f"{self.kind} {self.group_key} {self.start}+{self.span}: {self.views}"


class SiteVisitor(models.Model):
    """A reader's last request on one portal, for "Trực tuyến" and visit detection
    (embedded default). A reader of two portals has a row on each: one reader and one
    visit of each; the network's "Trực tuyến" counts distinct readers."""

    site_key = models.PositiveIntegerField(_("site"))
    reader = models.CharField(max_length=40)
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        constraints = [
            models.UniqueConstraint(fields=["site_key", "reader"], name="stats_site_visitor_unique")
        ]
        indexes = [models.Index(fields=["site_key", "last_seen"], name="stats_site_visitor_seen")]

    def __str__(self) -> str:
        return f"{self.site_key} {self.reader}"


class ReaderMark(models.Model):
    """When a reader's view of a page was last counted (embedded default)."""

    hitcount = models.ForeignKey(HitCount, on_delete=models.CASCADE, related_name="+")
    reader = models.CharField(max_length=40)
    counted_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("reader mark")
        verbose_name_plural = _("reader marks")
        constraints = [
            models.UniqueConstraint(fields=["hitcount", "reader"], name="stats_reader_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reader} {self.hitcount_id}"


class NewReaders(models.Model):
    """Reader cookies issued to one client address in one minute (embedded default; with
    Redis the same counts live in Redis): bounds STATS_NEW_READERS_PER_MINUTE."""

    address = models.CharField(max_length=45)
    minute = models.BigIntegerField(db_index=True)  # minutes since the Unix epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("new readers of an address")
        verbose_name_plural = _("new readers of an address")
        constraints = [
            models.UniqueConstraint(fields=["address", "minute"], name="stats_new_readers_unique")
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.minute}: {self.count}"


class DailySiteStats(models.Model):
    """Views and visits of the whole site per local day, for the reports' charts.

    Kept by database triggers (migration 0003): every change of a DailyPageViews row adds
    its difference to the day's views, every increment of SiteCounter.visits adds to the
    current day's visits, in the same transaction as the write, whichever code path makes
    it. Deleting page rows (a page deleted, old rows cleaned up) leaves the history here.
    """

    day = models.DateField(_("day"), primary_key=True)
    views = models.PositiveBigIntegerField(_("views"), default=0)
    visits = models.PositiveBigIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("daily site statistics")
        verbose_name_plural = _("daily site statistics")
        # The name is what the group editor shows; it is stored, not translated.
        permissions = [("view_statistics", "Xem thống kê")]

    def __str__(self) -> str:
        return f"{self.day}: {self.views} / {self.visits}"


class DailySiteVisits(models.Model):
    """Visits of one portal (site key, as SiteCounter) per local day, for a portal's
    reports. Kept by a database trigger (migration 0008) beside DailySiteStats: every
    increment of a SiteCounter's visits adds to its portal's current day, in the same
    transaction. Days counted before portals were counted apart are the default site's.
    """

    site_key = models.PositiveIntegerField(_("site"))
    day = models.DateField(_("day"))
    visits = models.PositiveBigIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("daily visits of a portal")
        verbose_name_plural = _("daily visits of portals")
        constraints = [
            models.UniqueConstraint(fields=["site_key", "day"], name="stats_site_visits_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site_key} {self.day}: {self.visits}"


class JournalMark(models.Model):
    """The last journal entry (stats.services.journal) of one app process whose view or
    visit is in the database, written in the same transaction as the entries: a journal
    replayed after its process died skips what the process had already written."""

    journal = models.CharField(max_length=200, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("journal mark")
        verbose_name_plural = _("journal marks")

    def __str__(self) -> str:
        return f"{self.journal}: {self.last_seq}"
