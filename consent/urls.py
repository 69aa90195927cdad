from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("cookies/", views.consent_settings, name="settings"),
]
