"""Page types and snippets of the newsroom: sections, articles, events, authors."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import RowNumber, Substr
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
    TitleFieldPanel,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from core import privacy
from core.routing import RoutedPageMixin

from . import api_fields as api_serializers
from .blocks import BodyBlock
from .forms import NewsroomPageForm
from .ical import calendar_response
from .permissions import NewsroomPagePermissionTester
from .text import ascii_slug
from .widgets import TitleTextarea

# --- Snippets -------------------------------------------------------------------


class Author(index.Indexed, models.Model):
    # Registered as a snippet in news/wagtail_hooks.py (its chooser can create one).
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(
        _("role or organisation"),
        max_length=255,
        blank=True,
        help_text=_("For example: Phóng viên, Sở Nội vụ."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [models.UniqueConstraint(fields=["name", "role"], name="unique_author")]

    def __str__(self):
        return f"{self.name} - {self.role}" if self.role else self.name


@register_snippet
class Category(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=False)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


# --- Portals --------------------------------------------------------------------


class Portal(models.Model):
    """A district portal: a Wagtail Site with its own editors, files and workflow.

    The province portal is the default Site and has no row: its editors and moderators
    are the newsroom groups (settings.NEWSROOM_*), its files the root collection. Rows
    are made by news.portals.create_portal (`manage.py create_portal`).
    """

    site = models.OneToOneField(
        "wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="portal"
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    editors = models.ForeignKey(
        "auth.Group", verbose_name=_("editors"), on_delete=models.PROTECT, related_name="+"
    )
    moderators = models.ForeignKey(
        "auth.Group", verbose_name=_("moderators"), on_delete=models.PROTECT, related_name="+"
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=_("workflow"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("district portal")
        verbose_name_plural = _("district portals")

    def __str__(self):
        return self.name

    @classmethod
    def for_page(cls, page):
        """The district portal whose home holds `page`, or None (the province)."""
        home_path = page.path[: 2 * Page.steplen]
        return cls.objects.select_related("site").filter(site__root_page__path=home_path).first()


# --- Query sets -----------------------------------------------------------------


class ReadableQuerySetMixin:
    def published(self):
        """What a citizen may read: live and not behind a view restriction."""
        return self.live().public()

    def readable(self):
        """published(), with the restricted pages taken from core.privacy's cached list
        rather than a query per listing (for the blocks that every page repeats)."""
        return privacy.exclude_private(self.live())


class ArticlePageQuerySet(ReadableQuerySetMixin, PageQuerySet):
    def newest(self):
        return self.order_by("-published_at", "-pk")

    def for_listing(self):
        return self.select_related("lead_image", "category")

    def with_authors(self):
        return self.prefetch_related(
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            )
        )


class EventPageQuerySet(ReadableQuerySetMixin, PageQuerySet):
    def upcoming(self):
        now = timezone.now()
        return self.filter(
            models.Q(end_at__gte=now) | models.Q(end_at__isnull=True, start_at__gte=now)
        ).order_by("start_at")

    def past(self):
        now = timezone.now()
        return self.filter(
            models.Q(end_at__lt=now) | models.Q(end_at__isnull=True, start_at__lt=now)
        ).order_by("-start_at")


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)
EventPageManager = PageManager.from_queryset(EventPageQuerySet)


# --- Mixins and the base page ---------------------------------------------------


class LeadMixin(models.Model):
    """A lead (sapo) and a lead image with its caption."""

    lead = models.TextField(_("lead"), blank=True)
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=500, blank=True)

    lead_panels = [
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_caption")],
            heading=_("Lead image"),
        ),
    ]

    class Meta:
        abstract = True


class IntroMixin(models.Model):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    class Meta:
        abstract = True


class BasePage(RoutedPageMixin, Page):
    """Every page of the portal. Shared behaviour lives in small mixins."""

    content_panels = [TitleFieldPanel("title", widget=TitleTextarea)]
    base_form_class = NewsroomPageForm

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        # Wagtail fills a missing slug with Django's slugify, which drops "đ" and every
        # letter it cannot decompose ("Đông" -> "ong"); fill it first the way the demo
        # content and the importer do, de-duplicated among siblings by Wagtail.
        parent_is_known = self.path or getattr(self, "_cached_parent_obj", None)
        if not self.slug and self.title and parent_is_known:
            self.slug = self._get_autogenerated_slug(ascii_slug(self.title))
        super().full_clean(*args, **kwargs)

    def permissions_for_user(self, user):
        # Who may delete or move which page: news/permissions.py.
        return NewsroomPagePermissionTester(user, self)

    def paginate(self, request, queryset):
        """The requested page of a listing; a page number that is not one of its pages
        is a 404 (a silent page 1 would show readers and crawlers the wrong articles)."""
        paginator = Paginator(queryset, settings.NEWS_PAGE_SIZE)
        try:
            return paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage) as exc:
            raise Http404(_("There is no such page in this list.")) from exc


# --- Pages ----------------------------------------------------------------------


class HomePage(IntroMixin, BasePage):
    featured_article = models.ForeignKey(
        "news.ArticlePage",
        verbose_name=_("featured article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown large at the top of the home page. Leave blank for the newest."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        PageChooserPanel("featured_article", "news.ArticlePage"),
    ]

    class Meta:
        verbose_name = _("home page")

    def get_featured(self, latest):
        """The editors' choice while it is published, else the newest article."""
        if self.featured_article_id:
            chosen = (
                ArticlePage.objects.readable().for_listing().filter(pk=self.featured_article_id)
            ).first()
            if chosen is not None:
                return chosen
        return latest[0] if latest else None

    def get_section_blocks(self, per_section=4):
        """Each top-level news section with its newest articles: two queries in all,
        whatever the number of sections (a window function ranks within each)."""
        sections = list(NewsIndexPage.objects.readable().child_of(self).order_by("path"))
        if not sections:
            return []
        prefix = Substr("path", 1, (self.depth + 1) * Page.steplen)
        ranked = (
            ArticlePage.objects.readable()
            .descendant_of(self)
            .for_listing()
            .annotate(
                section_path=prefix,
                rank=Window(
                    RowNumber(),
                    partition_by=prefix,
                    order_by=[F("published_at").desc(nulls_last=True), F("pk").desc()],
                ),
            )
            .filter(rank__lte=per_section)
            .order_by("section_path", "rank")
        )
        by_section = {}
        for article in ranked:
            by_section.setdefault(article.section_path, []).append(article)
        return [
            {"section": section, "articles": by_section[section.path]}
            for section in sections
            if by_section.get(section.path)
        ]

    def get_stories(self):
        """The featured story, the latest headlines, the intro and the section blocks:
        the same for every reader until the next publish (news_tags.home_stories caches
        them)."""
        latest = list(ArticlePage.objects.readable().descendant_of(self).newest().for_listing()[:7])
        featured = self.get_featured(latest)
        return {
            "page": self,
            "featured_article": featured,
            "latest_articles": [a for a in latest if a != featured][:6],
            "section_blocks": self.get_section_blocks(),
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Events leave "upcoming" with the clock, not with a publish: read them live.
        context["upcoming_events"] = EventPage.objects.readable().descendant_of(self).upcoming()[:5]
        return context

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.NewsIndexPage", "news.EventIndexPage"]


class NewsIndexPageQuerySet(ReadableQuerySetMixin, PageQuerySet):
    pass


class NewsIndexPage(IntroMixin, BasePage):
    """A section such as "Tin tức - Sự kiện": newest first, paginated."""

    objects = PageManager.from_queryset(NewsIndexPageQuerySet)()

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("news section")
        verbose_name_plural = _("news sections")

    def get_articles(self):
        return ArticlePage.objects.published().child_of(self).newest().for_listing()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = self.paginate(request, self.get_articles())
        return context

    parent_page_types = ["news.HomePage", "news.NewsIndexPage"]
    subpage_types = ["news.ArticlePage", "news.NewsIndexPage"]


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(LeadMixin, BasePage):
    kicker = models.CharField(
        _("kicker"), max_length=255, blank=True, help_text=_("Optional line above the title.")
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    category = models.ForeignKey(
        "news.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    published_at = models.DateTimeField(
        _("publish date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Shown to readers and used for sorting. Leave blank to use the first publication time."
        ),
    )
    initial_view_count = models.PositiveIntegerField(
        _("starting view count"),
        default=0,
        help_text=_("Views counted before this article came to the portal."),
    )
    import_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    objects = ArticlePageManager()

    content_panels = [
        FieldPanel("kicker"),
        *BasePage.content_panels,
        *LeadMixin.lead_panels,
        FieldPanel("body"),
        InlinePanel("article_authors", label=_("Authors"), heading=_("Authors")),
        FieldPanel("category"),
        FieldPanel("tags"),
        InlinePanel("related_links", label=_("Related articles"), heading=_("Related articles")),
    ]
    promote_panels = [
        *BasePage.promote_panels,
        FieldPanel("published_at"),
        FieldPanel("initial_view_count"),
    ]

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("kicker"),
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("published_at"),
        index.FilterField("category"),
        index.RelatedFields(
            "article_authors", [index.RelatedFields("author", [index.SearchField("name")])]
        ),
    ]

    api_fields = [
        APIField("kicker"),
        APIField("lead"),
        APIField("lead_image", serializer=api_serializers.ImageField()),
        APIField("lead_image_caption"),
        APIField("published_at"),
        APIField("body", serializer=api_serializers.BodyField()),
        APIField("authors", serializer=api_serializers.AuthorsField()),
        APIField("section", serializer=api_serializers.SectionField()),
        APIField("view_count", serializer=api_serializers.ViewCountField()),
    ]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def save(self, *args, **kwargs):
        if self.live and self.published_at is None:
            self.published_at = self.first_published_at or timezone.now()
        return super().save(*args, **kwargs)

    @cached_property
    def authors(self):
        links = self.article_authors.all()
        if "article_authors" not in getattr(self, "_prefetched_objects_cache", {}):
            links = links.select_related("author")
        return [link.author for link in links]

    @cached_property
    def tag_names(self) -> list[str]:
        """The tags' names, read once per render (template and metadata share them)."""
        return [tag.name for tag in self.tags.all()]

    @property
    def listing_image(self):
        if self.lead_image_id:
            return self.lead_image
        for block in self.body:
            if block.block_type == "captioned_image" and block.value.get("image"):
                return block.value["image"]
        return None

    def get_related_articles(self, limit=4):
        """The articles the editor chose, else the newest that share this one's section
        or one of its tags; only this article's portal's: another portal's article is
        featured through an alias, never linked across hosts."""
        ids = [link.related_id for link in self.related_links.all() if link.related_id]
        articles = (
            ArticlePage.objects.readable()
            .filter(path__startswith=self.portal_path)
            .exclude(pk=self.pk)
            .for_listing()
        )
        if ids:
            return articles.filter(pk__in=ids).newest()
        parent_path = self.path[: -self.steplen]
        same_section = Q(path__startswith=parent_path, depth=self.depth)
        shared_tag = Q(
            pk__in=ArticleTag.objects.filter(
                tag__in=ArticleTag.objects.filter(content_object=self).values("tag")
            ).values("content_object")
        )
        return articles.filter(same_section | shared_tag).newest()[:limit]

    @property
    def portal_path(self) -> str:
        """The tree path of the home page (portal) this page belongs to."""
        return self.path[: 2 * Page.steplen]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.alias_of_id:
            # Another portal's article shown here: it keeps its portal's name.
            context["source_site"] = self.alias_of.get_site()
        return context

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, related_name="article_authors", on_delete=models.CASCADE)
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("author")


class ArticleRelatedLink(Orderable):
    page = ParentalKey(ArticlePage, related_name="related_links", on_delete=models.CASCADE)
    related = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("related", "news.ArticlePage")]


class EventIndexPage(RoutablePageMixin, IntroMixin, BasePage):
    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("event section")

    def get_events(self):
        return EventPage.objects.published().child_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = self.get_events()
        context["upcoming_events"] = events.upcoming()
        context["past_events"] = self.paginate(request, events.past())
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("ical/", name="calendar")
    def calendar(self, request) -> HttpResponse:
        return calendar_response(self.get_events().order_by("start_at"), request, self.slug)

    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.EventPage"]


class EventPage(RoutablePageMixin, LeadMixin, BasePage):
    start_at = models.DateTimeField(_("starts"))
    end_at = models.DateTimeField(_("ends"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("location"), max_length=255, blank=True)
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    objects = EventPageManager()

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("start_at"),
                FieldPanel("end_at"),
                FieldPanel("all_day"),
                FieldPanel("location"),
                FieldPanel("organiser"),
            ],
            heading=_("When and where"),
        ),
        *LeadMixin.lead_panels,
        FieldPanel("body"),
    ]

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("location"),
        index.SearchField("organiser"),
        index.FilterField("start_at"),
    ]

    api_fields = [
        APIField("start_at"),
        APIField("end_at"),
        APIField("all_day"),
        APIField("location"),
        APIField("organiser"),
        APIField("lead"),
        APIField("lead_image", serializer=api_serializers.ImageField()),
        APIField("lead_image_caption"),
        APIField("body", serializer=api_serializers.BodyField()),
        APIField("section", serializer=api_serializers.SectionField()),
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.end_at and self.start_at and self.end_at < self.start_at:
            raise ValidationError({"end_at": _("The end must not be before the start.")})

    @path("")
    def index(self, request):
        return self.render(request)

    @path("ical/", name="calendar")
    def calendar(self, request) -> HttpResponse:
        return calendar_response([self], request, self.slug)

    parent_page_types = ["news.EventIndexPage"]
    subpage_types = []
