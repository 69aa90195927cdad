"""What the API answers, as pydantic schemas: ninja validates every answer against them and describes them in the
OpenAPI document. Texts are in the language of the address (/api/v1/ Arabic, /en/api/v1/ English); every `url` is
absolute."""

from datetime import datetime

from ninja import Schema


class Index(Schema):
    openapi: str


class Error(Schema):
    code: str
    detail: str


class Rendition(Schema):
    url: str
    width: int
    height: int
    format: str


class Photo(Schema):
    id: int
    alt: str
    caption: str
    credit: str
    width: int
    height: int
    renditions: list[Rendition]


class Section(Schema):
    id: int
    name: str
    slug: str
    url: str


class Tag(Schema):
    id: int
    name: str
    slug: str
    url: str


class AuthorLink(Schema):
    kind: str
    url: str


class Author(Schema):
    id: int
    name: str
    slug: str
    role: str
    bio: str
    url: str
    photo: Photo | None
    links: list[AuthorLink]


class Byline(Schema):
    id: int
    name: str
    slug: str
    url: str


class Correction(Schema):
    kind: str
    text: str
    published_at: datetime


class ArticleCard(Schema):
    id: int
    headline: str
    standfirst: str
    url: str
    section: Section
    bylines: list[Byline]
    photo: Photo | None
    published_at: datetime
    live: bool


class Article(ArticleCard):
    updated_at: datetime
    dateline: str
    body: str
    tags: list[Tag]
    corrections: list[Correction]
    languages: list[str]


class ArticlePage(Schema):
    items: list[ArticleCard]
    next: str | None


class SectionList(Schema):
    items: list[Section]


class TagPage(Schema):
    items: list[Tag]
    next: str | None


class AuthorPage(Schema):
    items: list[Author]
    next: str | None


class LiveEntry(Schema):
    id: int
    sequence: int
    url: str
    withdrawn: bool
    language: str
    title: str
    body: str
    quote: str
    quote_by: str
    photo: Photo | None
    key_point: bool
    pinned: bool
    published_at: datetime
    corrected_at: datetime | None
    correction: str


class LiveEntryPage(Schema):
    article: int
    live: bool
    items: list[LiveEntry]
    next: str | None


class Alert(Schema):
    id: int
    text: str
    url: str | None
    expires_at: datetime


class CurrentAlert(Schema):
    alert: Alert | None
