from django.urls import path

from . import views

app_name = "classroom"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("classes/join/", views.join, name="join"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("lessons/<slug:slug>/finished/", views.lesson_finished, name="lesson_finished"),
]
