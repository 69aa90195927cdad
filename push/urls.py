from django.urls import path

from . import views

app_name = "push"

urlpatterns = [
    path("alerts/push/subscribe", views.subscription_create, name="subscription_create"),
    path("alerts/push/unsubscribe", views.subscription_delete, name="subscription_delete"),
]
