from django.urls import path  # noqa: F401  (the lesson-layer pages are added here)

app_name = "lessons"

urlpatterns: list = []
