from django.urls import path

from . import urls_excel, views

app_name = "campaigns"
urlpatterns = [
    # Excel: the sign-in sheet import (preview and confirm), its blank template, exports.
    *urls_excel.urlpatterns,
    # Pages.
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/calendar/", views.campaign_calendar, name="campaign-calendar"),
    path("campaigns/funnel/", views.campaign_funnel, name="campaign-funnel"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/projects/lookup/", views.project_lookup, name="project-lookup"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/contacts/", views.contact_create, name="contact-create"),
    path("campaigns/contacts/<int:pk>/outcome/", views.contact_outcome, name="contact-outcome"),
    path("campaigns/<int:pk>/projects/", views.campaign_project_link, name="campaign-project-link"),
    path(
        "campaigns/<int:pk>/projects/<int:link_pk>/unlink/",
        views.campaign_project_unlink,
        name="campaign-project-unlink",
    ),
    path("talents/<int:pk>/campaigns/", views.talent_campaigns, name="talent-campaigns"),
    path("projects/<int:pk>/campaign/", views.project_origin, name="project-origin"),
    path("universities/", views.university_list, name="university-list"),
    path("universities/new/", views.university_create, name="university-create"),
    path("universities/<int:pk>/", views.university_detail, name="university-detail"),
    path("universities/<int:pk>/edit/", views.university_edit, name="university-edit"),
    path("universities/<int:pk>/partnerships/", views.partnership_create, name="partnership-create"),
    path("placements/", views.placement_list, name="placement-list"),
    path("placements/new/", views.placement_create, name="placement-create"),
    path("placements/batches/new/", views.batch_create, name="batch-create"),
    path("placements/experts/lookup/", views.expert_lookup, name="expert-lookup"),
    path("placements/<int:pk>/", views.placement_detail, name="placement-detail"),
    path("placements/<int:pk>/outcomes/", views.placement_outcome_create, name="placement-outcome-create"),
    path("placements/<int:pk>/extend/", views.placement_extend, name="placement-extend"),
    path("placements/<int:pk>/end/", views.placement_end, name="placement-end"),
    path("placements/<int:pk>/evaluate/", views.placement_evaluate, name="placement-evaluate"),
    path("placements/<int:pk>/task/", views.placement_task_edit, name="placement-task-edit"),
]
