"""`{% picture %}`: Wagtail's tag (same arguments, same markup), its markup remembered
per process by news/renditions.py. Load it instead of wagtailimages_tags."""

from django import template
from django.utils.functional import cached_property
from wagtail.images.models import Picture
from wagtail.images.templatetags import wagtailimages_tags

from news.renditions import picture_html

register = template.Library()


class RememberedPictureNode(wagtailimages_tags.PictureNode):
    @cached_property
    def specs(self) -> tuple[str, ...]:
        return tuple(f.spec for f in self.get_filters())

    def render(self, context):
        if self.output_var_name:
            return super().render(context)
        image = self.validate_image(context)
        if not image:
            return ""
        specs = self.specs
        attrs = {key: value.resolve(context) for key, value in self.attrs.items()}
        return picture_html(
            image, specs, attrs, lambda renditions: Picture(renditions, attrs).__html__()
        )


@register.tag
def picture(parser, token):
    node = wagtailimages_tags.image(parser, token)
    return RememberedPictureNode(
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )
