from django.urls import path

from . import views

app_name = "classroom"

urlpatterns = [
    path("classes/join/", views.join, name="join"),
    path("lessons/<slug:slug>/finished/", views.lesson_finished, name="lesson_finished"),
    path("lessons/<slug:slug>/checks/<slug:key>/", views.check_answer_view, name="check_answer"),
]
