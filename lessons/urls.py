from django.urls import path

from . import views

app_name = "lessons"

# Included at /lessons/ before the lesson pages (pages:lesson_detail, /lessons/<slug>/), so
# these addresses are never read as a lesson's slug.
urlpatterns = [
    path("glossary/", views.glossary, name="glossary"),
    path("notes-shown/", views.notes_preference, name="notes_preference"),
]
