from django.urls import path

from . import urls_reports, urls_targets, views

app_name = "dashboard"
urlpatterns = [
    path("dashboard/", views.dashboard, name="home"),
    path("dashboard/ledger/", views.targets_ledger, name="ledger"),
    path("dashboard/ledger.xlsx", views.targets_ledger_export, name="ledger-export"),
    path("dashboard/ranking/", views.park_ranking, name="ranking"),
    path("dashboard/scorecard/", views.officer_scorecard, name="scorecard"),
    path("dashboard/follow-through/", views.follow_through, name="follow-through"),
    *urls_targets.urlpatterns,
    *urls_reports.urlpatterns,
]
