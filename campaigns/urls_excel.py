"""URL patterns of the campaigns app's Excel pages, included by ``campaigns/urls.py``."""

from django.urls import path

from . import views_excel

urlpatterns = [
    path("campaigns/export.xlsx", views_excel.campaign_export, name="campaign-export"),
    path("campaigns/<int:pk>/contacts.xlsx", views_excel.contact_export, name="contact-export"),
    path("campaigns/<int:pk>/import/", views_excel.contact_import, name="contact-import"),
    path(
        "campaigns/import/template.xlsx", views_excel.contact_import_template, name="contact-import-template"
    ),
    path("placements/export.xlsx", views_excel.placement_export, name="placement-export"),
]
