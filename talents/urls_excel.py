"""URL patterns of the talents app's Excel pages, included by ``talents/urls.py`` (app_name "talents")."""

from django.urls import path

from . import views_excel

urlpatterns = [
    path("talents/export.xlsx", views_excel.talent_export, name="talent-export"),
    path("talents/import/", views_excel.talent_import, name="talent-import"),
    path("talents/import/template.xlsx", views_excel.talent_import_template, name="talent-import-template"),
]
