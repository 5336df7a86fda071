"""The weekly report pages (dashboard namespace)."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("dashboard/reports/", views_reports.report_list, name="reports"),
    path("dashboard/reports/generate/", views_reports.report_generate, name="report-generate"),
    path("dashboard/reports/<int:pk>/", views_reports.report_detail, name="report-detail"),
    path("dashboard/reports/<int:pk>.xlsx", views_reports.report_download, name="report-download"),
]
