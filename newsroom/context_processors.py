from django.conf import settings
from django.utils.translation import get_language


def site(request):
    """The outlet's name in the active language, for the masthead and the page titles."""
    names = settings.NEWSROOM_SITE_NAME
    return {"outlet_name": names.get(get_language(), names[settings.LANGUAGE_CODE])}
