"""The site's root URLs: every app's pages, included by name, and the admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Stalin’s USSR: teachers’ admin"
admin.site.site_title = "Stalin’s USSR admin"
admin.site.index_title = "Classes, people and lessons"

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("privacy/", include("privacy.urls")),
    # The lesson machinery's own pages (e.g. the glossary) before the lesson pages' <slug>.
    path("lessons/", include("lessons.urls")),
    path("", include("pages.urls")),
    path("", include("classroom.urls")),
    path("discussions/", include("discussions.urls")),
    path("annotations/", include("annotations.urls")),
    path("admin/", admin.site.urls),
]
