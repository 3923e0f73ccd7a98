"""The query string of /search/ as a Django form, tolerant of any input.

A field whose value is unusable is left out of the search and its error is shown to the
reader as a message (in Vietnamese); the other fields still apply. The page itself never
fails: any query string returns results or a message.
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page, Site

from core import privacy
from core.pagecache import cached_until_publish
from news.models import Author, EventIndexPage, NewsIndexPage

from .items import ARTICLE, EVENT
from .query import NEWEST, RELEVANCE, SearchParams
from .text import MAX_QUERY_CHARS, parse_query

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
MIN_YEAR, MAX_YEAR = 1900, 2100
# The order the readers' messages come in.
FIELD_ORDER = ("q", "site", "from", "to", "section", "author", "type", "sort", "page")
# The "site" choice of the province portal that searches every portal ("Toàn tỉnh").
ALL_SITES = "all"


CHOICES_SECONDS = 3600


@dataclass(frozen=True)
class Option:
    """A portal or a section the form offers."""

    pk: int
    label: str


def _load_choices() -> dict:
    portals = list(
        Site.objects.select_related("root_page").order_by(
            "-is_default_site", "site_name", "hostname"
        )
    )
    found = privacy.exclude_private(Page.objects.live().type(NewsIndexPage, EventIndexPage))
    public = list(found.order_by("path").values_list("pk", "title", "path"))
    return {
        "portals": [Option(site.pk, site.site_name or site.hostname) for site in portals],
        "sections": {
            None: [Option(pk, title) for pk, title, _path in public],
            **{
                site.pk: [
                    Option(pk, title)
                    for pk, title, path in public
                    if path.startswith(site.root_page.path)
                ]
                for site in portals
            },
        },
    }


def choices() -> dict:
    """The portals and, for each (None: all of them), the sections a reader may filter
    by: live and public (no view restriction on the section or above it), like the pages
    the index holds. Read on every search, so kept in the shared cache until the next
    change of a page, a Site or a view restriction (core.pagecache's generation, which
    each of them bumps once it commits): a section made private leaves the list at once."""
    return cached_until_publish("search:form-choices", _load_choices, CHOICES_SECONDS)


def sections(offered: dict, site: Site | Option | None) -> list[Option]:
    """The sections ``offered`` (``choices()``) of ``site``, or of every portal."""
    return offered["sections"].get(site.pk if site is not None else None, [])


def site_choices(offered: dict, site: Site | None) -> list[tuple[str, str]]:
    """What the portal selector offers: a district searches itself only; the province
    (the default site) also every portal at once and each district by its id."""
    options = [("", _("This portal"))]
    if site is not None and site.is_default_site:
        options.append((ALL_SITES, _("Whole province")))
        options += [
            (str(portal.pk), portal.label) for portal in offered["portals"] if portal.pk != site.pk
        ]
    return options


def authors():
    return Author.objects.order_by("name")


class QueryField(forms.CharField):
    """Any text is a query: characters that are not letters or digits separate words, the
    NUL character too (Django refuses it in a plain CharField)."""

    def to_python(self, value):
        return super().to_python((value or "").replace("\x00", " "))


class DayField(forms.DateField):
    """A calendar day in the reader's formats, within years a newsroom's archive can hold."""

    input_formats = DATE_FORMATS

    def to_python(self, value):
        try:
            day = super().to_python(value)
        except ValidationError:
            day = False
        if day is False or (day is not None and not MIN_YEAR <= day.year <= MAX_YEAR):
            raise ValidationError(
                _("“%(value)s” is not a valid date (use dd/mm/yyyy); it was ignored."),
                code="invalid",
                params={"value": str(value).strip()[:40]},
            )
        return day


def refused(what, value) -> ValidationError:
    return ValidationError(
        _("Unknown %(what)s “%(value)s”; that filter was ignored."),
        code="invalid_choice",
        params={"what": what, "value": str(value).strip()[:40]},
    )


class FilterChoiceField(forms.ModelChoiceField):
    """One of the listed rows by id; anything else is named in the message and ignored."""

    def __init__(self, what, queryset, **kwargs):
        self.what = what
        super().__init__(queryset, required=False, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise refused(self.what, value) from None


class ListedChoiceField(forms.Field):
    """The id of one of ``listed`` (set per request), as an int; anything else is named in
    the message and ignored, as with FilterChoiceField."""

    def __init__(self, what, **kwargs):
        self.what = what
        self.listed: list = []
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.isdigit() and int(text) in {item.pk for item in self.listed}:
            return int(text)
        raise refused(self.what, value)


class PageField(forms.IntegerField):
    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            raise ValidationError(
                _("There is no page “%(page)s”; showing the first page."),
                code="invalid",
                params={"page": str(value).strip()[:20]},
            ) from None


@dataclass
class Parsed:
    params: SearchParams
    values: dict  # what the form shows and the paging links carry
    messages: list[str] = field(default_factory=list)


class SearchForm(forms.Form):
    q = QueryField(required=False, strip=False)
    section = ListedChoiceField(gettext_lazy("section"))  # per request: sections()
    author = FilterChoiceField(gettext_lazy("author"), authors())
    type = forms.ChoiceField(
        required=False,
        choices=[("", ""), (ARTICLE, ARTICLE), (EVENT, EVENT)],
        error_messages={
            "invalid_choice": gettext_lazy("Unknown type; showing articles and events.")
        },
    )
    sort = forms.ChoiceField(required=False, choices=[(RELEVANCE, RELEVANCE), (NEWEST, NEWEST)])
    site = forms.ChoiceField(
        required=False,
        choices=[],  # per request: site_choices()
        error_messages={
            "invalid_choice": gettext_lazy("Unknown portal; searching this portal only.")
        },
    )
    page = PageField(required=False, min_value=1)
    # Unknown sort orders are not worth a message: the default order is used.
    silent = ("sort",)

    def __init__(self, data, site: Site | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.site = site
        self.offered = choices()
        self.fields["site"].choices = site_choices(self.offered, site)
        # The sections offered are those of the portal searched.
        searched = self.searched_site(self.data.get("site"))
        self.fields["section"].listed = sections(self.offered, searched)
        # "from" and "to" are Python keywords, so not class attributes.
        self.fields["from"] = DayField(required=False)
        self.fields["to"] = DayField(required=False)
        self.order_fields(FIELD_ORDER)
        self.notes: list[str] = []

    def searched_site(self, choice) -> Site | Option | None:
        """The one portal a choice of the selector searches; None for every portal."""
        valid = {value for value, _label in self.fields["site"].choices}
        choice = choice if isinstance(choice, str) and choice in valid else ""
        if choice == ALL_SITES:
            return None
        if choice:
            return next(p for p in self.offered["portals"] if str(p.pk) == choice)
        return self.site

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            data["from"], data["to"] = end, start
            self.notes.append(_("The start date was after the end date; they were swapped."))
        return data

    def parsed(self) -> Parsed:
        self.is_valid()  # the valid fields apply, the others become messages
        data = self.cleaned_data
        raw_q = data.get("q") or ""
        query = parse_query(raw_q)
        messages = []
        if query.truncated:
            messages.append(
                _(
                    "Your query was too long; only its first %(count)d characters or words "
                    "were used."
                )
                % {"count": MAX_QUERY_CHARS}
            )
        elif raw_q.strip() and not query:
            messages.append(_("Your query has no letters or digits to search for."))
        for name in FIELD_ORDER:
            if name in self.errors and name not in self.silent:
                messages.extend(self.errors[name])
        messages.extend(self.notes)
        start, end = data.get("from"), data.get("to")
        section, author = data.get("section"), data.get("author")
        searched = self.searched_site(data.get("site") or "")
        params = SearchParams(
            query=query,
            site_id=searched.pk if searched is not None else None,
            date_from=start,
            date_to=end,
            section_id=section,
            author_id=author.pk if author else None,
            kind=data.get("type") or None,
            sort=data.get("sort") or RELEVANCE,
            page=data.get("page") or 1,
            page_size=settings.SEARCH_PAGE_SIZE,
        )
        values = {
            "q": raw_q[:MAX_QUERY_CHARS],
            # Shown and carried as readers write dates: dd/mm/yyyy.
            "from": start.strftime("%d/%m/%Y") if start else "",
            "to": end.strftime("%d/%m/%Y") if end else "",
            "section": params.section_id,
            "author": params.author_id,
            "type": params.kind or "",
            "sort": params.sort,
            "site": data.get("site") or "",
        }
        return Parsed(params, values, messages)
