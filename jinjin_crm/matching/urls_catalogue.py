"""Catalogue pages."""

from django.urls import path

from . import views_catalogue as views

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/export.xlsx", views.catalogue_export, name="catalogue-export"),
    path("catalogue/compile/", views.catalogue_compile_now, name="catalogue-compile"),
    path("catalogue/versions/", views.catalogue_versions, name="catalogue-versions"),
    path("catalogue/versions/<int:number>/", views.catalogue_version, name="catalogue-version"),
]
