from django.urls import path, register_converter

from . import feeds, views
from .converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("news/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail_short"),
    path("news/<int:pk>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("feed/", feeds.ArticleFeed(), name="feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("section/<uslug:slug>/", views.SectionView.as_view(), name="section_detail"),
    path("section/<uslug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("tag/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("author/<uslug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag_detail"),
    path("author/<uslug:slug>/", views.AuthorView.as_view(), name="author_detail"),
]
