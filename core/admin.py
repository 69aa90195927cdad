"""What the apps' admins share: fields that take their content's direction, forms with the rich-text editor under
the CSP, and read-only logs."""

from csp.decorators import csp_update
from js_asset import Media as JsMedia

# The rich-text editor (Tiptap) injects one fixed <style> element; each form's CSP that shows it admits exactly that
# element by its hash, and nothing else inline. A new editor version with other CSS fails the browser test.
TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


class ContentDirectionMixin:
    """A field's text direction follows the language of its content, not the admin's: Arabic columns are right to
    left and English ones left to right, whatever language the interface is in (static/css/admin.css does the
    same for the rich-text editor, whose attributes stay on a hidden textarea)."""

    directions = {"ar": "rtl", "en": "ltr"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = db_field.name.rpartition("_")[2]
        if field is not None and language in self.directions:
            field.widget.attrs.update({"dir": self.directions[language], "lang": language})
        return field


class RichTextEditorAdminMixin:
    """A change form with the rich-text editor (django-prose-editor) under the site's CSP: the editor's one
    <style> element admitted by its hash, and its inline import map by this request's nonce."""

    @csp_update({"style-src": [TIPTAP_STYLE_HASH]})
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = JsMedia.from_media(context["media"]).with_nonce(request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)


class ReadOnlyAdminMixin:
    """A log shown in the admin and never written there: no adding, changing or deleting, for anyone. Its rows are
    written by the services that act and leave only through a retention command, so it can be trusted as a
    record."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
