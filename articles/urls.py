from django.urls import path, register_converter

from . import views
from .converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("news/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail_short"),
    path("news/<int:pk>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("section/<uslug:slug>/", views.SectionView.as_view(), name="section_detail"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag_detail"),
    path("author/<uslug:slug>/", views.AuthorView.as_view(), name="author_detail"),
]
