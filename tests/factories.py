"""Plain builders for test data: each returns a saved object with sensible defaults that a test can override."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section

_sequence = count(1)


def make_section(**fields):
    number = next(_sequence)
    fields.setdefault("name_ar", f"قسم {number}")
    fields.setdefault("name_en", f"Section {number}")
    return Section.objects.create(**fields)


def make_author(**fields):
    number = next(_sequence)
    fields.setdefault("name_ar", f"كاتب رقم {number}")
    fields.setdefault("name_en", f"Writer {number}")
    return Author.objects.create(**fields)


def default_author():
    """The byline of articles a test gives none: every article the desk publishes has one (article_publish)."""
    return Author.objects.get_or_create(name_ar="فريق التحرير", defaults={"name_en": "Newsroom staff"})[0]


def make_article(*, authors=None, **fields):
    """A published article (an hour old) unless `status`/`published_at` say otherwise; with `headline_en`, an
    English translation too. By the newsroom's staff unless `authors` names others (or none: `authors=()`)."""
    if authors is None:
        authors = [default_author()]
    number = next(_sequence)
    fields.setdefault("headline_ar", f"خبر عاجل رقم {number} من دير الزور")
    fields.setdefault("standfirst_ar", "موجز الخبر في جملة واحدة.")
    fields.setdefault("body_ar", "<p>نص الخبر.</p>")
    if "headline_en" in fields:
        fields.setdefault("body_en", "<p>The story.</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    return article


def make_staff(username, group=None, *, password=None, **fields):
    """A staff account (`is_staff`, unless `fields` say otherwise) in the editorial `group` ("reporter", "editor",
    "moderator"), or in none. Without a `password` it has none that works: tests sign it in with sign_in()."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    fields.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(username, f"{username}@example.org", password, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def sign_in(client, user):
    """Sign `user` in as the admin would after both steps: the password (force_login) and a second factor (an
    authenticator app confirmed for them, recorded in the session the way django-otp records a verified device)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test app", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device):
    """The code `device`'s authenticator app shows now."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def run_jobs():
    """Run every job that waits to run now, in this process, as a worker (`manage.py run_jobs`) would; the jobs
    they enqueue too. Returns how many ran. (A worker recycles its database connection between jobs, as Django does
    between requests; here that would close the test's own transaction, so it is left alone. tests/test_job_worker.py
    runs real worker processes.)"""
    from unittest import mock

    from django_tasks.signals import task_finished

    from core.management.commands.run_jobs import Worker

    finished = []

    def count(sender, task_result, **kwargs):
        finished.append(task_result.id)

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])  # fmt: skip
    task_finished.connect(count, dispatch_uid="tests.run_jobs")
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            worker.run()
    finally:
        task_finished.disconnect(dispatch_uid="tests.run_jobs")
    return len(finished)


def article_form_data(form, article, **fields):
    """What the article's admin form posts as it was loaded (bylines and corrections left as they are), with
    `fields` over it."""
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}
    data |= {"section": article.section_id, "tags": "", "loaded_version": form["loaded_version"].value()}
    data |= {"bylines-TOTAL_FORMS": 0, "bylines-INITIAL_FORMS": 0, "corrections-TOTAL_FORMS": 0}
    return data | {"corrections-INITIAL_FORMS": 0, **fields}
