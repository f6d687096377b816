from django.urls import path

from . import views

app_name = "annotations"

urlpatterns = [
    path("lessons/<slug:slug>/classes/<int:class_pk>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("evidence/", views.evidence, name="evidence"),
    path("evidence.md", views.evidence_markdown, name="evidence_markdown"),
]
