from django.urls import path

from . import urls_excel, views

app_name = "policies"
urlpatterns = [
    # Excel exports.
    *urls_excel.urlpatterns,
    # Pages.
    path("policies/", views.policy_list, name="policy-list"),
    path("policies/calculator/", views.calculator, name="calculator"),
    path("policies/<int:pk>/", views.policy_detail, name="policy-detail"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_create, name="application-create"),
    path("applications/approve/", views.application_approve_many_view, name="application-approve-many"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application-action"),
    path("funds/", views.fund_list, name="fund-list"),
    path("funds/<int:pk>/", views.fund_detail, name="fund-detail"),
    path("service-requests/", views.service_board, name="service-board"),
    path("service-requests/new/", views.service_request_create, name="service-request-create"),
    path(
        "service-requests/<int:pk>/<slug:step>/", views.service_request_action, name="service-request-action"
    ),
    path("talents/<int:pk>/entitlements/", views.talent_entitlements, name="talent-entitlements"),
    path(
        "talents/<int:pk>/entitlements/apply/",
        views.talent_entitlement_apply,
        name="talent-entitlement-apply",
    ),
]
