import functools
import operator
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import connection, models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from core.addresses import cached_reverse
from core.arabic import index_document, normalize_arabic, search_terms, tag_key, unicode_slug
from core.fields import user_reference

from .inline_photos import stored_body, validate_alt_text
from .sanitize import clean_body, sanitize_saved_translations

SLUG_MAX_LENGTH = 80
# What lists of articles never show: left out of their queries (a body is most of an article row).
LONG_TEXT_FIELDS = ("body", "body_ar", "body_en", "search_text", "search_index")
SEARCH_MAX_WORDS = 8
# Search ranks the newest this many matches (the page then says «more than» this many).
SEARCH_CANDIDATES = 500

# What the rich-text editor offers for an article body; articles/sanitize.py keeps exactly the markup these produce
# (inline photos only from our own renditions). Links open in the same tab, to web and mail addresses only.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Image": True,
    "Caption": True,
}


def required_in_arabic(field, *, name, message):
    """A database CHECK that the Arabic column of translated `field` is filled. A CHECK passes when its condition
    is NULL, so it states both halves: not NULL and not empty."""
    column = f"{field}_ar"
    return models.CheckConstraint(
        condition=Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""}), name=name, violation_error_message=message
    )


def slug_from_arabic_field():
    """The unique Unicode slug SlugFromArabicMixin fills from a name: may be left empty in a form."""
    return models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Made from the Arabic name when left empty."),
    )


class SlugFromArabicMixin:
    """Fills an empty `slug` from the Arabic text of `slug_source`, in clean() (model validation checks the
    constraints before save() runs, and an editor may leave the slug empty) and in save().

    Kept out of the migrations' model bases on purpose: a historical model must not run it."""

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


class NameMatchingQuerySet(models.QuerySet):
    """Tags and authors by name, forgiving a slip of the keyboard on PostgreSQL (trigram similarity over the
    normalised name) and matching the normalised name exactly as a substring on SQLite."""

    name_field = ""

    def matching_key(self, query):
        return normalize_arabic(query)

    def matching(self, query, *, limit=6):
        normal = self.matching_key(query)
        if not normal:
            return self.none()
        if connection.vendor == "postgresql":
            return (
                self.annotate(similarity=TrigramWordSimilarity(normal, self.name_field))
                .filter(similarity__gte=0.5)
                .order_by("-similarity")[:limit]
            )
        return self.filter(**{f"{self.name_field}__contains": normal})[:limit]


class TagQuerySet(NameMatchingQuerySet):
    name_field = "normalized"

    def matching_key(self, query):
        return tag_key(query)


class AuthorQuerySet(NameMatchingQuerySet):
    name_field = "search_name"


class OriginalsStorage(LazyObject):
    """Where uploaded originals live: settings.STORAGES["originals"], a storage the web server does not publish.
    Looked up lazily, like Django's default_storage, so a settings change (in tests) takes effect."""

    def _setup(self):
        self._wrapped = storages["originals"]


originals_storage = OriginalsStorage()


def get_originals_storage():
    # A module-level callable, so migrations refer to it instead of serialising a storage.
    return originals_storage


class Image(models.Model):
    """
    A photo: the original (metadata stripped, kept privately) and its renditions, made at upload time.

    Create and replace photos through `articles.services.images.image_store()`, which validates and re-encodes them.
    """

    original = models.ImageField(
        _("original"), storage=get_originals_storage, width_field="width", height_field="height", editable=False
    )
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    alt = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=150, blank=True, help_text=_("Who took the photo."))
    uploaded_by = user_reference(_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    search_text = models.TextField(
        _("search text"),
        editable=False,
        default="",
        help_text=_("Alternative text, caption and credit in both languages, normalised for matching."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            required_in_arabic(
                "alt", name="image_alt_ar_not_empty", message=_("A photo needs Arabic alternative text.")
            ),
        ]

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        texts = (
            getattr(self, f"{name}_{code}") or "" for name in ("alt", "caption", "credit") for code in ("ar", "en")
        )
        self.search_text = normalize_arabic(" ".join(texts))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def rendition(self, width, image_format="jpeg"):
        """The widest rendition of `image_format` not wider than `width` (the narrowest if none is)."""
        candidates = sorted(
            (r for r in self.renditions.all() if r.format == image_format), key=lambda rendition: rendition.width
        )
        fitting = [r for r in candidates if r.width <= width]
        return fitting[-1] if fitting else (candidates[0] if candidates else None)


class RenditionFormat(models.TextChoices):
    WEBP = "webp", "WebP"
    JPEG = "jpeg", "JPEG"


class Rendition(models.Model):
    """One resized copy of a photo, in one format, as readers download it."""

    Format = RenditionFormat

    image = models.ForeignKey(Image, verbose_name=_("photo"), on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    format = models.CharField(_("format"), max_length=8, choices=Format)
    file = models.FileField(_("file"))

    class Meta:
        ordering = ["image", "width", "format"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(fields=["image", "width", "format"], name="rendition_unique_size_format"),
            models.CheckConstraint(condition=Q(format__in=RenditionFormat.values), name="rendition_format_valid"),
        ]

    def __str__(self):
        return f"{self.image_id} {self.width}w {self.format}"


class Section(SlugFromArabicMixin, models.Model):
    """A desk of the newsroom (politics, field reports…), shown in the masthead's navigation."""

    name = models.CharField(pgettext_lazy("section", "name"), max_length=100)
    slug = slug_from_arabic_field()
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

    def get_absolute_url(self):
        return cached_reverse("articles:section_detail", kwargs={"slug": self.slug})


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
    slug = slug_from_arabic_field()
    role = models.CharField(_("role"), max_length=150, blank=True, help_text=_("For example: field correspondent."))
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        Image, verbose_name=_("photo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_name = models.CharField(_("matching name"), max_length=320, editable=False, default="")

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name_ar", "id"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            required_in_arabic("name", name="author_name_ar_not_empty", message=_("An author needs an Arabic name.")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = normalize_arabic(f"{self.name_ar or self.name} {self.name_en or ''}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return cached_reverse("articles:author_detail", kwargs={"slug": self.slug})


class TagManager(models.Manager.from_queryset(TagQuerySet)):
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

    def get_absolute_url(self):
        return cached_reverse("articles:tag_detail", kwargs={"slug": self.slug})

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude)
        twin = Tag.objects.filter(normalized=tag_key(self.name)).exclude(pk=self.pk).first()
        if twin is not None:
            raise ValidationError(
                {"name": _("This is another spelling of the tag “%(tag)s”.") % {"tag": twin.name}},
                code="tag_spelling_variant",
            )

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
        indexes = [
            # A tag's articles, newest first: tag pages and the related articles' candidates.
            models.Index(fields=["tag", "-content_object"], name="tagged_article_tag_newest"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique"),
        ]


class AuthorLinkKind(models.TextChoices):
    WEBSITE = "website", _("Website")
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    TELEGRAM = "telegram", "Telegram"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"


class AuthorLink(models.Model):
    """A place to find an author elsewhere: their site or a social network profile."""

    Kind = AuthorLinkKind

    author = models.ForeignKey(Author, verbose_name=_("author"), on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    url = models.URLField(_("address"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AuthorLinkKind.values),
                name="author_link_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="https://") | Q(url__startswith="http://"), name="author_link_url_is_web"
            ),
        ]

    def __str__(self):
        return self.url


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


# The statuses in which readers may see an article, once its publication time has come: a scheduled article
# appears on time even if the `publish_scheduled` command has not run yet. A list, as the partial index's
# condition has always been written (a tuple would read to the migrations as a changed condition).
READER_STATUSES = [ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED]


def reader_visible_sql(alias, *, language=None, now=None):
    """
    The rule of `Article.objects.published(now).translated(language)` for hand-written SQL: a condition on the
    article table (or alias) `alias`, and its parameters. The time is Python's, a parameter, never the database's
    `now()`: the ORM and the SQL then agree to the microsecond, also under a frozen clock in tests.

    Table, alias and column names come from our own code and the settings' language codes, never from a request.
    """
    condition = f"{alias}.status IN ({', '.join(['%s'] * len(READER_STATUSES))}) AND {alias}.published_at <= %s"
    params = [*(status.value for status in READER_STATUSES), now or timezone.now()]
    if language is not None and language != settings.LANGUAGE_CODE:
        if language not in dict(settings.LANGUAGES):
            raise ValueError(f"Unknown language: {language}")
        # As translated(): `> ''` is what the ORM's `__gt=""` writes, false for NULL and for empty text.
        condition += f" AND {alias}.headline_{language} > '' AND {alias}.body_{language} > ''"
    return condition, params


def _written_by(user):
    return Q(created_by=user) | Q(bylines__author__user=user)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What readers may see: published or scheduled, once the publication time (`now` by default) has come.
        Instance twin: `Article.is_visible()`; hand-written SQL: `reader_visible_sql()`."""
        return self.filter(status__in=READER_STATUSES, published_at__lte=now or timezone.now())

    def visible_to(self, user):
        """The articles `user` may open in the editors' desk and preview: all for editors, their own for
        reporters. Instance twin: `Article.is_visible_to()`."""
        if user.has_perm("articles.edit_any_article"):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(_written_by(user)).distinct()

    def editable_by(self, user):
        """The articles `user` may change: all for editors, their own drafts for reporters. Instance twin:
        `Article.may_be_edited_by()`."""
        if user.has_perm("articles.edit_any_article"):
            return self
        if not user.has_perm("articles.change_article"):
            return self.none()
        return self.filter(_written_by(user), status=ArticleStatus.DRAFT).distinct()

    def translated(self, language):
        """Articles that exist in `language`: every article in Arabic (the original, required), and in another
        language those with a headline and a body in it. Instance twin: `Article.is_translated()`."""
        if language == settings.LANGUAGE_CODE:
            return self
        return self.filter(**{f"headline_{language}__gt": "", f"body_{language}__gt": ""})

    def search(self, query):
        """
        Articles matching every word of `query`, best first, whatever its spelling: each word matches by its
        light stem, or as the start of an indexed word. PostgreSQL ranks with full-text search over a GIN index,
        SQLite with its FTS5 index (bm25).
        """
        terms = search_terms(query)[:SEARCH_MAX_WORDS]
        if not terms:
            return self.none()
        if connection.vendor == "postgresql":
            # search_vector is a stored generated column that only PostgreSQL has (migration 0011).
            tsquery = " & ".join(f"({stem} | {bare}:*)" for stem, bare in terms)
            # The reader's words travel as a query parameter; the SQL text holds only our table's name.
            table = self.model._meta.db_table
            rank = RawSQL(f"ts_rank({table}.search_vector, to_tsquery('simple', %s))", [tsquery])  # noqa: S611
            # Ranked among the newest SEARCH_CANDIDATES matches only: a word in half the archive costs what a rare
            # one does (the newest-first index is walked until enough match), and a newsroom's readers want the
            # recent reports first anyway.
            visible, visible_params = reader_visible_sql(table)
            newest_sql = (
                f"SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple', %s) AND {visible}"  # noqa: S608
                " ORDER BY published_at DESC LIMIT %s"
            )
            newest = RawSQL(newest_sql, [tsquery, *visible_params, SEARCH_CANDIDATES])  # noqa: S611
            return self.filter(pk__in=newest).annotate(rank=rank).order_by("-rank", "-published_at", "-id")
        # SQLite: the FTS5 index that articles/sqlite_search.py keeps, ranked by bm25 (lower is better). The
        # reader's words travel as query parameters.
        fts_query = " AND ".join(f'("{stem}" OR "{bare}"*)' for stem, bare in terms)
        found = RawSQL("SELECT rowid FROM article_search_fts WHERE article_search_fts MATCH %s", [fts_query])
        bm25 = (
            "SELECT bm25(article_search_fts) FROM article_search_fts "
            "WHERE article_search_fts MATCH %s AND article_search_fts.rowid = articles_article.id"
        )
        rank = RawSQL(bm25, [fts_query])  # noqa: S611
        return self.filter(pk__in=found).annotate(rank=rank).order_by("rank", "-published_at", "-id")

    def showing_photo(self, image):
        """Articles that show `image`: as their featured photo, or inside a body by reference. The reference starts
        its tag, as articles/inline_photos.py writes it (text saying `<img` is escaped); only articles saved since
        the photo was uploaded can hold one, which keeps the text search to a few rows."""
        reference = f'<img data-photo="{image.pk}"'
        inside = functools.reduce(
            operator.or_, (Q(**{f"body_{code}__contains": reference}) for code, _name in settings.LANGUAGES)
        )
        return self.filter(Q(featured_image=image) | (Q(updated_at__gte=image.created_at) & inside))

    def for_page(self):
        """The article page's row: the article with its section and featured photo. The page's other parts
        (bylines, tags, corrections, renditions) come in one more query: `articles.loading.attach_page_parts()`."""
        return self.select_related("section", "featured_image")

    def for_listing(self):
        """Everything a list of articles shows, fetched up front: section and bylines, in a fixed query count;
        not the bodies, which lists never show."""
        return (
            self.select_related("section", "featured_image")
            .prefetch_related(models.Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")))
            .defer(*LONG_TEXT_FIELDS)
        )

    def with_card_photos(self):
        """The renditions of the photos the cards show (one query, and none when no card has a photo)."""
        return self.prefetch_related("featured_image__renditions")

    def most_read(self, since, *, limit=5):
        """The `limit` articles of this queryset whose pages readers were served most often in the hours after
        `since` (ArticleReads), most read first, each with its `read_count`: one query. Chain it after the rules that
        say which articles may be listed (`published().translated(language)`).

        Among the articles read in the window only, each summed by its own rows (the index of the unique hour per
        article): a join grouped by article would group by every column of the article on SQLite, bodies included."""
        in_window = ArticleReads.objects.filter(hour__gt=since).order_by()
        per_article = in_window.filter(article_id=OuterRef("pk")).values("article_id")
        total = per_article.annotate(total=Sum("reads")).values("total")
        return (
            self.filter(pk__in=in_window.values("article_id"))
            .annotate(read_count=Subquery(total))
            .order_by("-read_count", "-published_at", "-id")[:limit]
        )


class Article(SlugFromArabicMixin, models.Model):
    Status = ArticleStatus

    headline = models.CharField(_("headline"), max_length=200)
    standfirst = models.TextField(_("standfirst"), blank=True, help_text=_("One or two sentences under the headline."))
    body = ProseEditorField(
        _("body"),
        blank=True,
        extensions=BODY_EXTENSIONS,
        sanitize=clean_body,
        # Every photo inside the text says what it shows: the editor's photo dialog asks for it, this refuses a text
        # without it whatever sent it.
        validators=[validate_alt_text],
        help_text=_(
            "To embed a YouTube or Vimeo video, put its address alone in a paragraph: readers see the player once "
            "they allow external media, and a placeholder with a link until then."
        ),
    )
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
    featured_image = models.ForeignKey(
        Image,
        verbose_name=_("featured photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="featured_in",
    )
    tags = TaggableManager(
        verbose_name=_("tags"),
        through=TaggedArticle,
        manager=ArticleTagManager,
        blank=True,
        help_text=_("Places, people and organisations, separated by commas."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    created_by = user_reference(_("created by"), editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_text = models.TextField(
        _("search text"),
        editable=False,
        default="",
        help_text=_("Headline, standfirst and body in both languages, normalised for matching."),
    )
    search_index = models.TextField(
        _("search index"),
        editable=False,
        default="",
        help_text=_("The stems every word of the article is found by (core.arabic.index_document)."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up with every save: two editors cannot overwrite each other."),
    )
    # Live coverage (the live app's services set both): an article with a start and no end is being covered live.
    live_started_at = models.DateTimeField(_("live coverage started"), null=True, blank=True, editable=False)
    live_ended_at = models.DateTimeField(_("live coverage ended"), null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    slug_source = "headline"

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        permissions = [
            ("edit_any_article", _("Can edit any article, not only their own")),
            ("publish_article", _("Can publish, schedule and unpublish articles")),
        ]
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
            models.CheckConstraint(
                condition=Q(live_ended_at__isnull=True)
                | (Q(live_started_at__isnull=False) & Q(live_ended_at__gte=F("live_started_at"))),
                name="article_live_ends_after_start",
                violation_error_message=_("Live coverage ends after it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published_idx"),
            # Section pages and the related articles' «newest of the section».
            models.Index(fields=["section", "-published_at"], name="article_section_published_idx"),
            # What readers see, newest first: the home page's list and search's newest matches walk it.
            models.Index(
                fields=["-published_at"],
                condition=Q(status__in=READER_STATUSES),
                name="article_visible_newest_idx",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Before the search text is made from it: what readers can find is what they can see.
        # Sanitised, and its photos stored by reference (articles/inline_photos.py).
        sanitize_saved_translations(self, "body", stored_body, kwargs.get("update_fields"))
        for field, value in self.search_columns().items():
            setattr(self, field, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "search_index"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return cached_reverse("articles:article_detail", kwargs={"pk": self.pk, "slug": self.slug})

    def search_columns(self) -> dict:
        """What search reads, made from the text in both languages: the normalised text, and the stems every word
        is found by, padded with spaces so " word " matches a whole token wherever it stands (SQLite searches with
        LIKE)."""
        text = " ".join(
            strip_tags(getattr(self, f"{name}_{language}") or "")
            for language in ("ar", "en")
            for name in ("headline", "standfirst", "body")
        )
        return {"search_text": normalize_arabic(text), "search_index": f" {index_document(text)} "}

    def is_visible(self, now=None):
        """Whether readers may see the article at `now` (by default, now): the instance twin of
        `ArticleQuerySet.published()`."""
        return (
            self.status in READER_STATUSES
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    def is_translated(self, language):
        """The instance-level twin of `ArticleQuerySet.translated()`."""
        if language == settings.LANGUAGE_CODE:
            return True
        return bool(getattr(self, f"headline_{language}") and getattr(self, f"body_{language}"))

    @property
    def is_live(self):
        """Whether the article is being covered live now: started, not ended. Its page asks for new entries."""
        return self.live_started_at is not None and self.live_ended_at is None

    @property
    def has_live_coverage(self):
        """Whether the article is, or was, covered live: its page shows the entries."""
        return self.live_started_at is not None

    @property
    def was_updated(self):
        """Whether the article changed after it was published (a few minutes' grace for last touches)."""
        return bool(self.published_at and self.updated_at > self.published_at + timedelta(minutes=10))

    def is_by(self, user):
        """Whether `user` created this article or is in its byline."""
        if not user.is_authenticated:
            return False
        return self.created_by_id == user.pk or self.bylines.filter(author__user=user).exists()

    def is_visible_to(self, user):
        """Whether `user` may open the article in the editors' desk and preview it: the instance twin of
        `ArticleQuerySet.visible_to()`."""
        return user.has_perm("articles.edit_any_article") or self.is_by(user)

    def may_be_edited_by(self, user, *, status=None):
        """Whether `user` may change the article: the instance twin of `ArticleQuerySet.editable_by()`. With
        `status`, as if the article were in it: a reporter submits, and withdraws from review, the article they
        may edit as a draft (the workflow, not this rule, says which statuses may follow)."""
        if user.has_perm("articles.edit_any_article"):
            return True
        return (
            (status or self.status) == ArticleStatus.DRAFT
            and user.has_perm("articles.change_article")
            and self.is_by(user)
        )

    def byline_authors(self):
        """The authors in byline order (uses the bylines `for_listing()` prefetches, or the article page's parts,
        articles/loading.py)."""
        return [byline.author for byline in self.bylines.all()]


# The editorial workflow: which status may follow which. Services change status only along these edges, and
# the transition log's CHECK constraint refuses any other pair.
TRANSITIONS = {
    (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW),
    (ArticleStatus.IN_REVIEW, ArticleStatus.DRAFT),
    (ArticleStatus.DRAFT, ArticleStatus.PUBLISHED),
    (ArticleStatus.DRAFT, ArticleStatus.SCHEDULED),
    (ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED),
    (ArticleStatus.IN_REVIEW, ArticleStatus.SCHEDULED),
    (ArticleStatus.SCHEDULED, ArticleStatus.PUBLISHED),
    (ArticleStatus.SCHEDULED, ArticleStatus.SCHEDULED),  # rescheduled for another time
    (ArticleStatus.SCHEDULED, ArticleStatus.UNPUBLISHED),
    (ArticleStatus.PUBLISHED, ArticleStatus.UNPUBLISHED),
    (ArticleStatus.UNPUBLISHED, ArticleStatus.PUBLISHED),
    (ArticleStatus.UNPUBLISHED, ArticleStatus.SCHEDULED),
    (ArticleStatus.UNPUBLISHED, ArticleStatus.DRAFT),
}


class ArticleTransition(models.Model):
    """One step of an article through the workflow: who moved it, from where to where, and when."""

    article = models.ForeignKey(
        "Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ArticleStatus)
    to_status = models.CharField(_("to"), max_length=16, choices=ArticleStatus)
    by = user_reference(_("by"), help_text=_("Empty when the system made the change (a scheduled article coming due)."))
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the editor asked for when returning the article to its writer.")
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        constraints = [
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (Q(from_status=source, to_status=target) for source, target in sorted(TRANSITIONS)),
                ),
                name="article_transition_allowed",
                violation_error_message=_("This change of status is not part of the workflow."),
            ),
        ]
        indexes = [models.Index(fields=["article", "-at"], name="article_transition_idx")]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ArticleRevision(models.Model):
    """The article as it was after one save: its text in both languages, section, slug, photo, tags and byline."""

    article = models.ForeignKey(
        "Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    content = models.JSONField(_("content"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_revision_number_unique"),
        ]

    def __str__(self):
        return f"#{self.number}"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    UPDATE = "update", _("Update")


class Correction(models.Model):
    """A public note on a published article: a correction of a mistake, or an update as the story develops."""

    Kind = CorrectionKind

    article = models.ForeignKey(
        "Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = user_reference(_("written by"), editable=False)

    class Meta:
        ordering = ["published_at", "id"]
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CorrectionKind.values), name="correction_kind_valid"),
            required_in_arabic("text", name="correction_text_ar_not_empty", message=_("A note needs Arabic text.")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


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


class ArrangementQuerySet(models.QuerySet):
    def for_page(self, section):
        """The arrangements of one page: a section's (`section`, a Section or its id), or the home page's (None)."""
        return self.filter(section__isnull=True) if section is None else self.filter(section=section)

    def in_force(self, now=None):
        """The arrangement each page shows at `now` (by default, now): the latest of those that have taken effect,
        one per page, whatever else the queryset was filtered by. Instance twin: `Arrangement.is_in_force()`."""
        latest = (
            Arrangement.objects.filter(takes_effect_at__lte=now or timezone.now())
            .annotate(
                newest_first=Window(
                    RowNumber(), partition_by=F("section_id"), order_by=[F("takes_effect_at").desc(), F("pk").desc()]
                )
            )
            .filter(newest_first=1)
            .values("pk")
        )
        return self.filter(pk__in=latest)

    def scheduled(self, now=None):
        """Arrangements waiting for their time to take over their page."""
        return self.filter(takes_effect_at__gt=now or timezone.now())


class Arrangement(models.Model):
    """
    What an editor chose for the home page (`section` empty) or a section's page: the lead story, a few featured
    stories, optionally a live page and a package of related stories, and on the home page the order of the
    section blocks. It takes over its page at `takes_effect_at` and holds it until a later one takes effect.

    Only what an editor chose is kept: a slot left empty, or whose article readers can no longer see, is filled
    with the newest article when the page is drawn (articles/fronts.py).
    """

    section = models.ForeignKey(
        Section,
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="arrangements",
        help_text=_("The home page, or a section's page."),
    )
    takes_effect_at = models.DateTimeField(
        _("takes effect at"),
        default=timezone.now,
        help_text=_("The arrangement replaces the page's current one at this time; now by default."),
    )
    lead = models.ForeignKey(
        Article,
        verbose_name=_("lead story"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"status__in": READER_STATUSES},
        help_text=_("Empty: the newest article leads."),
    )
    live_page = models.ForeignKey(
        Article,
        verbose_name=_("live page"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"status__in": READER_STATUSES, "live_started_at__isnull": False, "live_ended_at": None},
        help_text=_("A story covered live, shown with its latest updates while its coverage lasts."),
    )
    package_title = models.CharField(
        _("package title"),
        max_length=120,
        blank=True,
        help_text=_("A heading over the package of related stories, for example: «Floods in Deir ez-Zor»."),
    )
    note = models.CharField(
        _("note for the desk"), max_length=200, blank=True, help_text=_("For example: evening edition.")
    )
    created_by = user_reference(_("created by"), editable=False)
    updated_by = user_reference(_("last changed by"), editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["-takes_effect_at", "-id"]
        verbose_name = _("page arrangement")
        verbose_name_plural = _("page arrangements")
        constraints = [
            # One arrangement per page and moment: which one shows is never a tie.
            models.UniqueConstraint(fields=["section", "takes_effect_at"], name="arrangement_one_per_section_moment"),
            models.UniqueConstraint(
                fields=["takes_effect_at"], condition=Q(section__isnull=True), name="arrangement_one_per_home_moment"
            ),
        ]
        indexes = [models.Index(fields=["section", "-takes_effect_at"], name="arrangement_page_latest_idx")]

    def __str__(self):
        page = self.section.name if self.section_id else _("Home page")
        return f"{page} ({timezone.localtime(self.takes_effect_at):%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        """The page it arranges."""
        return self.section.get_absolute_url() if self.section_id else cached_reverse("home")

    def is_in_force(self, now=None):
        """Whether this is the arrangement its page shows at `now`: the instance twin of `in_force()`."""
        now = now or timezone.now()
        if self.takes_effect_at > now:
            return False
        later = Q(takes_effect_at__gt=self.takes_effect_at) | Q(takes_effect_at=self.takes_effect_at, pk__gt=self.pk)
        return not Arrangement.objects.for_page(self.section_id).filter(later, takes_effect_at__lte=now).exists()


class StoryPlace(models.TextChoices):
    FEATURED = "featured", _("Featured")
    PACKAGE = "package", _("Package")


class ArrangedStory(models.Model):
    """An article an arrangement places: in a featured slot, or in its package of related stories, in order."""

    Place = StoryPlace

    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="stories"
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"status__in": READER_STATUSES},
    )
    place = models.CharField(_("place"), max_length=10, choices=StoryPlace, default=StoryPlace.FEATURED)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower numbers come first."))

    class Meta:
        ordering = ["place", "position", "id"]
        verbose_name = _("arranged story")
        verbose_name_plural = _("arranged stories")
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "article"], name="arranged_story_once_per_arrangement"),
            models.CheckConstraint(condition=Q(place__in=StoryPlace.values), name="arranged_story_place_valid"),
        ]

    def __str__(self):
        return str(self.article)


class ArrangedSection(models.Model):
    """The place of a section's block on the home page, in an arrangement of the home page."""

    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="section_order"
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower numbers come first."))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("section block")
        verbose_name_plural = _("order of the section blocks")
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "section"], name="arranged_section_once_per_arrangement"),
        ]

    def __str__(self):
        return str(self.section)


def next_arrangement_time():
    """When the next scheduled arrangement takes over its page (a POSIX time), or None: the page cache asks."""
    due = Arrangement.objects.scheduled().order_by("takes_effect_at").values_list("takes_effect_at", flat=True).first()
    return due.timestamp() if due else None


class ArticleReads(models.Model):
    """How many times an article's page was served to readers in one hour (UTC): the only thing most-read counts.
    No reader, address, browser or cookie is behind a number (core/reads.py says what is left out)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="hourly_reads"
    )
    hour = models.DateTimeField(_("hour"), help_text=_("The start of the hour, in UTC."))
    reads = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        ordering = ["-hour", "article_id"]
        verbose_name = _("hourly reads")
        verbose_name_plural = _("hourly reads")
        constraints = [
            # What the counts' upsert conflicts on (articles/services/reads.py).
            models.UniqueConstraint(fields=["article", "hour"], name="article_reads_unique_hour"),
        ]
        indexes = [
            # The rankings' windows and the retention's deletion read by hour.
            models.Index(fields=["hour"], name="article_reads_hour_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} {self.hour:%Y-%m-%d %H}:00 {self.reads}"


def next_scheduled_time():
    """When the next scheduled article comes due (a POSIX time), or None: the page cache asks (core/pagecache.py)."""
    # The scheduled articles that `published()` does not show yet: the first of them to come due.
    due = (
        Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return due.timestamp() if due else None
