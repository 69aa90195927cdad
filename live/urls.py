from django.urls import path

from . import views

app_name = "live"
urlpatterns = [
    path("live/<int:pk>/poll.json", views.poll, name="poll"),
    path("live/<int:pk>/feed/", views.LiveEntriesFeed(), name="feed"),
    path("live/entries/<int:pk>/", views.entry_permalink, name="entry"),
]
