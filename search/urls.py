from django.urls import path

from .views import search_view, suggest_view

app_name = "search"
urlpatterns = [
    path("", search_view, name="search"),
    path("suggest/", suggest_view, name="suggest"),
]
