"""The targets import pages (dashboard namespace)."""

from django.urls import path

from . import views_targets

urlpatterns = [
    path("dashboard/targets/import/", views_targets.targets_import, name="targets-import"),
    path("dashboard/targets/template.xlsx", views_targets.targets_template, name="targets-template"),
]
