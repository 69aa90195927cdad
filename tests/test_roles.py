"""The newsroom's roles through the admin, as each would use it: reporter, editor, moderator and the
editor-in-chief (chief), who may do what editors and moderators do and also write the privacy policy."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

PAGES = {
    "articles": "admin:articles_article_changelist",
    "write an article": "admin:articles_article_add",
    "comments": "admin:comments_comment_changelist",
    "the privacy policy": "admin:consent_policyversion_changelist",
    "a new policy version": "admin:consent_policyversion_add",
    "urgent alerts": "admin:live_urgentalert_add",
    "live pages": "admin:live_livepage_changelist",
}
ALLOWED = {
    "reporter": {"articles", "write an article", "live pages"},
    "editor": {"articles", "write an article", "urgent alerts", "live pages"},
    "moderator": {"comments", "the privacy policy"},
    "chief": set(PAGES),
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_reaches_what_it_may_and_nothing_else(role):
    client = Client()
    sign_in(client, make_staff(f"role-{role}", role))
    for name, page in PAGES.items():
        status = client.get(reverse(page)).status_code
        assert status == (200 if name in ALLOWED[role] else 403), (role, name, status)


def test_the_chief_publishes_a_new_policy_version(privacy_policy):
    from consent.models import PolicyVersion

    client = Client()
    sign_in(client, make_staff("role-chief-policy", "chief"))
    before = PolicyVersion.objects.count()
    response = client.post(
        reverse("admin:consent_policyversion_add"),
        {"title_ar": "سياسة الخصوصية", "title_en": "", "body_ar": "<p>نص جديد للسياسة.</p>", "body_en": "",
         "effective_at_0": "2030-01-01", "effective_at_1": "00:00:00"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PolicyVersion.objects.count() == before + 1
