from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Mailing, Subscriber

ADDRESS_PERMISSION = "newsletters.view_subscriber_address"


def masked(email: str) -> str:
    """«a…@example.org»: enough to tell two subscribers apart, not to write to either."""
    name, _at, domain = email.partition("@")
    return f"{name[:1]}…@{domain}"


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Read-only: subscribers manage their subscriptions themselves (signed links). Their addresses are shown only
    to holders of view_subscriber_address (the editor-in-chief); others see them masked, cannot search by them,
    and have no bulk action."""

    list_display = ["address", "language", "digest", "alerts", "status", "consent_version", "created_at"]
    list_filter = ["status", "language", "digest", "alerts"]
    fields = ["address", "language", "digest", "alerts", "status", "consent_at", "consent_version", "confirmed_at"]

    @admin.display(description=_("e-mail address"))
    def address(self, subscriber):
        return subscriber.email

    @admin.display(description=_("e-mail address"))
    def masked_address(self, subscriber):
        return masked(subscriber.email)

    def _address_field(self, request):
        return "address" if request.user.has_perm(ADDRESS_PERMISSION) else "masked_address"

    def get_list_display(self, request):
        return [self._address_field(request), *self.list_display[1:]]

    def get_fields(self, request, obj=None):
        return [self._address_field(request), *self.fields[1:]]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_search_fields(self, request):
        return ["email"] if request.user.has_perm(ADDRESS_PERMISSION) else []

    def lookup_allowed(self, lookup, value, request=None):
        # The admin lets any field of the model be filtered through the address (?email__startswith=sa): a guessing
        # game that reads every address back one letter at a time. Not for those who may not see them.
        field = lookup.split("__", 1)[0]
        if field in ("email", "key") and not (request and request.user.has_perm(ADDRESS_PERMISSION)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_actions(self, request):
        return super().get_actions(request) if request.user.has_perm(ADDRESS_PERMISSION) else {}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "language", "subject", "sent", "created_at"]
    list_filter = ["kind", "language"]
    fields = ["key", "kind", "language", "subject", "text", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sent_count=Count("deliveries"))

    @admin.display(description=_("deliveries"), ordering="sent_count")
    def sent(self, mailing):
        return mailing.sent_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
