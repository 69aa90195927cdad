"""Hostile input of any shape gives the comment form an error, never an exception (property-based)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.forms import CommentForm
from comments.models import Comment
from tests.factories import make_article

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "name": ANY_TEXT,
        "email": ANY_TEXT,
        "body": st.text(max_size=4000),
        "consent": st.sampled_from(["on", "", "yes", "0", "\x00"]),
        "parent": ANY_TEXT,
        "token": ANY_TEXT,
        "website": ANY_TEXT,
    },
)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=FIELDS)
def test_the_form_never_raises(data):
    article = make_article()
    form = CommentForm(data, article=article)
    form.is_valid()  # must not raise
    assert form.errors or form.cleaned_data


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=FIELDS)
def test_the_post_never_answers_500(client, data):
    article = make_article()
    response = client.post(f"/comments/post/{article.pk}/", data)
    assert response.status_code in (302, 400, 429)
    if response.status_code != 302:
        assert not Comment.objects.filter(article=article).exists()
