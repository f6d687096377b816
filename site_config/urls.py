from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Stalin’s USSR: teachers’ admin"
admin.site.site_title = "Stalin’s USSR admin"
admin.site.index_title = "Classes, people and lessons"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/", include("accounts.urls")),
    path("lessons/", include("lessons.urls")),
    path("", include("classroom.urls")),
    path("discussions/", include("discussions.urls")),
    path("admin/", admin.site.urls),
]
