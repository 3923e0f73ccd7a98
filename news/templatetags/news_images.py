"""`{% picture %}`: Wagtail's tag (same arguments, same markup), with the renditions
remembered per process by news/renditions.py. Load it instead of wagtailimages_tags."""

from django import template
from wagtail.images.models import Picture
from wagtail.images.templatetags import wagtailimages_tags

from news.renditions import renditions_for

register = template.Library()


class RememberedPictureNode(wagtailimages_tags.PictureNode):
    def render(self, context):
        if self.output_var_name:
            return super().render(context)
        image = self.validate_image(context)
        if not image:
            return ""
        specs = tuple(f.spec for f in self.get_filters())
        attrs = {key: value.resolve(context) for key, value in self.attrs.items()}
        return Picture(renditions_for(image, specs), attrs).__html__()


@register.tag
def picture(parser, token):
    node = wagtailimages_tags.image(parser, token)
    return RememberedPictureNode(
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )
