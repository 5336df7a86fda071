from django.urls import path

from . import views, views_excel

app_name = "projects"
urlpatterns = [
    # Excel: export of the filtered ledger, imports with preview and confirm, blank templates.
    path("projects/export.xlsx", views_excel.project_export, name="project-export"),
    path("projects/import/", views_excel.project_import, name="project-import"),
    path("enterprises/import/", views_excel.enterprise_import, name="enterprise-import"),
    path("import/template/<str:kind>.xlsx", views_excel.import_template, name="import-template"),
    # Pages.
]
