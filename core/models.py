"""The portal's frame, per site: the banner, the date bar and the footer that Decree
42/2022/NĐ-CP asks of a government portal (owning agency, address, phone, email,
licence, the notice to cite the source). Editors fill it in under Settings; nothing
of it is written into the templates, so every deployment shows its own."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    portal_name = models.CharField(
        _("portal name"),
        max_length=255,
        blank=True,
        help_text=_("Shown in the banner, e.g. Cổng thông tin điện tử tỉnh Bắc Ninh."),
    )
    tagline = models.CharField(
        _("banner tagline"),
        max_length=255,
        blank=True,
        help_text=_("A line under the portal name in the banner, e.g. the provincial committee."),
    )
    emblem = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("emblem or logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_agency = models.CharField(_("owning agency"), max_length=255, blank=True)
    responsible_person = models.CharField(
        _("person in charge"),
        max_length=255,
        blank=True,
        help_text=_("e.g. Trưởng ban biên tập: Nguyễn Văn A."),
    )
    address = models.CharField(_("agency address"), max_length=500, blank=True)
    phone = models.CharField(_("agency phone"), max_length=100, blank=True)
    email = models.EmailField(_("agency email"), blank=True)
    licence = models.CharField(
        _("licence line"),
        max_length=500,
        blank=True,
        help_text=_("The licence line, e.g. Giấy phép số 12/GP-TTĐT cấp ngày 01/02/2024."),
    )
    source_notice = models.CharField(
        _("notice on citing the source"),
        max_length=500,
        blank=True,
        help_text=_("e.g. Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này."),
    )
    visitor_stats_network = models.BooleanField(
        _("visitor statistics of the whole province"),
        default=False,
        help_text=_(
            "Show the online readers and visits of every portal together in the visitor "
            "statistics box, instead of this portal's own."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("portal_name"), FieldPanel("tagline"), FieldPanel("emblem")],
            heading=_("Portal banner"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("owner_agency"),
                FieldPanel("responsible_person"),
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("licence"),
                FieldPanel("source_notice"),
            ],
            heading=_("Portal footer"),
        ),
        FieldPanel("visitor_stats_network", heading=_("Visitor statistics")),
    ]

    class Meta:
        verbose_name = _("portal frame")
