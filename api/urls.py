from django.urls import path, re_path

from .views import api, unknown_address

urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<address>.*)$", unknown_address),
]
