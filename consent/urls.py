from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("privacy/", views.policy_detail, name="policy"),
    path("cookies/", views.consent_settings, name="settings"),
]
