from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("lessons/", views.lesson_index, name="lesson_index"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson_detail"),
]
