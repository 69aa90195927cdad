from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("comments/post/<int:article_id>/", views.comment_post, name="comment_post"),
    path("comments/token/", views.form_token_view, name="form_token"),
    path("comments/my-data/", views.privacy_request, name="privacy_request"),
    path("comments/my-data/<str:token>/", views.privacy_confirm, name="privacy_confirm"),
]
