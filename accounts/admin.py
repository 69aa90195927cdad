from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin

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


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ["reset_second_factors"]

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
