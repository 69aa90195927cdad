"""What the apps' admins share: fields that take their content's direction, and the rich-text editor's CSP hash."""

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
