from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("", views.lesson_index, name="index"),
    path("<slug:slug>/", views.lesson_detail, name="detail"),
]
