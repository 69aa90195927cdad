from django.urls import path

from . import views

app_name = "newsletters"
urlpatterns = [
    path("newsletters/", views.subscribe, name="subscribe"),
    path("newsletters/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletters/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
