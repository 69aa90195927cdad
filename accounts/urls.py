from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("", views.security, name="security"),
    path("app/", views.totp_add, name="totp_add"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("remove/<str:kind>/<int:pk>/", views.factor_remove, name="factor_remove"),
]
