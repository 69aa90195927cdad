from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from newsroom.arabic import tag_key, unicode_slug

SLUG_MAX_LENGTH = 80


def required_in_arabic(field, *, name, message):
    """A database CHECK that the Arabic column of translated `field` is filled. A CHECK passes when its condition
    is NULL, so it states both halves: not NULL and not empty."""
    column = f"{field}_ar"
    return models.CheckConstraint(
        condition=Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""}), name=name, violation_error_message=message
    )


class SlugFromArabicMixin:
    """Fills an empty `slug` from the Arabic text of `slug_source`, in clean() (model validation checks the
    constraints before save() runs, and an editor may leave the slug empty) and in save()."""

    slug_source = "name"

    def clean(self):
        super().clean()
        self.fill_slug()

    def save(self, *args, **kwargs):
        self.fill_slug()
        super().save(*args, **kwargs)

    def fill_slug(self):
        text = getattr(self, f"{self.slug_source}_ar") or getattr(self, self.slug_source)
        if not self.slug and text:
            self.slug = unicode_slug(text, SLUG_MAX_LENGTH)


class Section(SlugFromArabicMixin, models.Model):
    """A desk of the newsroom (politics, field reports…), shown in the masthead's navigation."""

    name = models.CharField(pgettext_lazy("section", "name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Made from the Arabic name when left empty."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower numbers come first."))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            required_in_arabic("name", name="section_name_ar_not_empty", message=_("A section needs an Arabic name.")),
        ]

    def __str__(self):
        return self.name


class Author(SlugFromArabicMixin, models.Model):
    """A byline: a staff member with a login, or a contributor without one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Made from the Arabic name when left empty."),
    )
    role = models.CharField(_("role"), max_length=150, blank=True, help_text=_("For example: field correspondent."))
    bio = models.TextField(_("biography"), blank=True)

    class Meta:
        ordering = ["name_ar", "id"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            required_in_arabic("name", name="author_name_ar_not_empty", message=_("An author needs an Arabic name.")),
        ]

    def __str__(self):
        return self.name


class TagManager(models.Manager):
    def for_name(self, name):
        """The tag for `name`, created if none exists: spelling variants of one name («الباغوز», «باغوز»,
        «البَاغُوز») all find the same tag, through `tag_key()`. The first spelling entered is the one shown."""
        name = " ".join(name.split())
        tag, _created = self.get_or_create(normalized=tag_key(name), defaults={"name": name})
        return tag


class Tag(TagBase):
    """A place, actor or topic. Tags are shared by all articles and match across Arabic spelling variants."""

    normalized = models.CharField(_("matching key"), max_length=100, unique=True, editable=False)

    objects = TagManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.CheckConstraint(condition=~Q(normalized=""), name="tag_normalized_not_empty"),
        ]

    def save(self, *args, **kwargs):
        self.normalized = tag_key(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        slug = unicode_slug(tag, SLUG_MAX_LENGTH)
        return f"{slug}-{i}" if i is not None else slug


class ArticleTagManager(_TaggableManager):
    """taggit's manager, resolving tag names through `Tag.objects.for_name()` so variants merge."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        resolved = [Tag.objects.for_name(tag) if isinstance(tag, str) else tag for tag in tags if tag_key(str(tag))]
        return super()._to_tag_model_instances(resolved, tag_kwargs)


class TaggedArticle(TaggedItemBase):
    """The link between an article and a tag, with a real foreign key (not taggit's generic relation)."""

    content_object = models.ForeignKey("Article", verbose_name=_("article"), on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique"),
        ]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and not dated in the future."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def translated(self, language):
        """Articles that exist in `language`: every article in Arabic (the original, required), and in another
        language those with a headline and a body in it."""
        if language == settings.LANGUAGE_CODE:
            return self
        return self.filter(**{f"headline_{language}__gt": "", f"body_{language}__gt": ""})

    def for_listing(self):
        """Everything a list of articles shows, fetched up front: section and bylines, in a fixed query count."""
        return self.select_related("section").prefetch_related(
            models.Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        )


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Article(SlugFromArabicMixin, models.Model):
    Status = ArticleStatus

    headline = models.CharField(_("headline"), max_length=200)
    standfirst = models.TextField(_("standfirst"), blank=True, help_text=_("One or two sentences under the headline."))
    body = models.TextField(_("body"), blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        allow_unicode=True,
        blank=True,
        help_text=_("Made from the Arabic headline when left empty."),
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="ArticleAuthor", related_name="articles", blank=True
    )
    dateline = models.CharField(_("dateline"), max_length=100, blank=True, help_text=_("Where the report was filed."))
    tags = TaggableManager(
        verbose_name=_("tags"),
        through=TaggedArticle,
        manager=ArticleTagManager,
        blank=True,
        help_text=_("Places, people and organisations, separated by commas."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    slug_source = "headline"

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="article_status_valid",
                violation_error_message=_("Unknown article status."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ArticleStatus.SCHEDULED, ArticleStatus.PUBLISHED])
                | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message=_("A published or scheduled article needs a publication time."),
            ),
            required_in_arabic(
                "headline", name="article_headline_ar_not_empty", message=_("An article needs an Arabic headline.")
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="article_slug_not_empty",
                violation_error_message=_("An article needs a slug."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published_idx"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("articles:article_detail", kwargs={"pk": self.pk, "slug": self.slug})

    def is_translated(self, language):
        """The instance-level twin of `ArticleQuerySet.translated()`."""
        if language == settings.LANGUAGE_CODE:
            return True
        return bool(getattr(self, f"headline_{language}") and getattr(self, f"body_{language}"))

    def byline_authors(self):
        """The authors in byline order (uses the prefetch made by `for_listing()`)."""
        return [byline.author for byline in self.bylines.all()]


class ArticleAuthor(models.Model):
    """One name in an article's byline, in order."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author_per_article"),
        ]

    def __str__(self):
        return str(self.author)
