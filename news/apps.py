from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rich_text, signals  # noqa: F401 - rich-text entity handlers; workflow

        register_file_policies()


def register_file_policies():
    """Photos and documents a reader sees change only with the collection's change right."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import register_permission_policy

    from .permissions import InUseFilesPermissionPolicy

    for model, auth_model in (
        (get_image_model(), "wagtailimages.Image"),
        (get_document_model(), "wagtaildocs.Document"),
    ):
        policy = InUseFilesPermissionPolicy(
            model, auth_model=auth_model, owner_field_name="uploaded_by_user"
        )
        # exact_class: ours wins over the one wagtail.images / wagtail.documents register.
        register_permission_policy(model, policy, exact_class=True)
