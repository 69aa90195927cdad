from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import SLUG_MAX_LENGTH, Author
from core.admin import ContentDirectionMixin, ReadOnlyAdminMixin
from core.arabic import unicode_slug

from .models import SecurityEvent
from .services.second_factors import second_factors_reset

User = get_user_model()


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail: read-only, for everyone who may see it."""

    list_display = ["created_at", "username", "kind", "actor", "detail", "address"]
    # A nullable foreign key: the change list's own select_related() does not follow it (one query per row).
    list_select_related = ["actor"]
    list_filter = ["kind"]
    search_fields = ["username", "actor__username"]
    date_hierarchy = "created_at"


admin.site.unregister(User)


class AuthorProfileForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = ["name_ar", "name_en", "role_ar", "role_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The database refuses an author without an Arabic name: say so on the form, not with an error page.
        self.fields["name_ar"].required = True

    def clean_name_ar(self):
        """The profile's address is made from its Arabic name (unique): a name another author has is refused here,
        where the admin can say so, rather than by the database."""
        name = self.cleaned_data["name_ar"]
        slug = self.instance.slug or unicode_slug(name, SLUG_MAX_LENGTH)
        if Author.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _(
                    "Another author goes by this name. Add what tells them apart (a second name, a place), or link "
                    "this account to that author's profile under Authors."
                ),
                code="name_taken",
            )
        return name


class AuthorProfileInline(ContentDirectionMixin, admin.StackedInline):
    """Every staff account is offered a byline: what they write is published under it (publishing needs one)."""

    model = Author
    form = AuthorProfileForm
    fk_name = "user"
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = _("author profile (byline)")
    verbose_name_plural = _("author profile (byline)")


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ["reset_second_factors"]
    inlines = [AuthorProfileInline]

    def get_inlines(self, request, obj):
        # Offered on the account's own page, once it exists (the add form stays Django's two steps).
        return self.inlines if obj is not None and obj.is_staff else []

    @admin.action(description=_("Reset second factors (lost phone or key)"), permissions=["reset_second_factors"])
    def reset_second_factors(self, request, queryset):
        # Only a superuser resets a superuser's factors: a delegated resetter whose password was phished must not
        # open the way to an administrator's account.
        people = [person for person in queryset if request.user.is_superuser or not person.is_superuser]
        if len(people) < len(queryset):
            self.message_user(
                request, _("Only a superuser may reset a superuser's second factors: those were left."), messages.ERROR
            )
        for person in people:
            second_factors_reset(user=person, by=request.user, request=request)
        self.message_user(
            request,
            ngettext(
                "Second factors reset for %(count)d account: it enrols a new one at its next sign-in.",
                "Second factors reset for %(count)d accounts: each enrols a new one at its next sign-in.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )

    def has_reset_second_factors_permission(self, request):
        return request.user.has_perm("accounts.reset_second_factors")
