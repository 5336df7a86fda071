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
    path("projects/", views.project_list, name="project-list"),
    path("projects/board/", views.project_board, name="project-board"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/lookup/", views.project_lookup, name="project-lookup"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/transition/", views.project_transition_view, name="project-transition"),
    path(
        "projects/<int:pk>/transition/undo/",
        views.project_transition_undo_view,
        name="project-transition-undo",
    ),
    path("projects/<int:pk>/activities/", views.project_activity_create, name="project-activity-create"),
    path("projects/<int:pk>/funds/", views.project_funds_record, name="project-funds-record"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/lookup/", views.enterprise_lookup, name="enterprise-lookup"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path(
        "enterprises/<int:pk>/activities/",
        views.enterprise_activity_create,
        name="enterprise-activity-create",
    ),
    path("demands/", views.demand_list, name="demand-list"),
    path("demands/new/", views.demand_create, name="demand-create"),
    path("demands/<int:pk>/", views.demand_detail, name="demand-detail"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="demand-edit"),
]
