"""URL patterns of the policies app's Excel exports, included by ``policies/urls.py``."""

from django.urls import path

from . import views_excel

urlpatterns = [
    path("applications/export.xlsx", views_excel.application_export, name="application-export"),
    path("funds/<int:pk>/movements.xlsx", views_excel.fund_movements_export, name="fund-movements-export"),
]
