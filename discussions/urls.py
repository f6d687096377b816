from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("<int:class_pk>/prompts/<int:prompt_pk>/", views.thread, name="thread"),
    path("<int:class_pk>/prompts/<int:prompt_pk>/post/", views.post_create, name="post_create"),
    path("posts/<int:pk>/reply/", views.reply, name="reply"),
    path("posts/<int:pk>/edit/", views.edit, name="edit"),
    path("posts/<int:pk>/delete/", views.delete, name="delete"),
    path("posts/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("assignments/<int:pk>/responses/", views.assignment_responses, name="responses"),
    path(
        "assignments/<int:pk>/responses.csv",
        views.assignment_responses_csv,
        name="responses_csv",
    ),
    path(
        "assignments/<int:pk>/students/<int:student_id>/prompts/<int:prompt_pk>/feedback/",
        views.feedback,
        name="feedback",
    ),
    path(
        "assignments/<int:pk>/feedback/return-all/",
        views.feedback_return_all,
        name="feedback_return_all",
    ),
]
