"""The site's URLs with the Excel pages inside the ``talents`` namespace, for tests run before
``talents/urls.py`` includes ``talents/urls_excel.py`` (and harmless after)."""

from django.urls import include, path

from jinjin_crm import urls as site
from talents import urls as talent_urls
from talents import urls_excel

talents = ([*urls_excel.urlpatterns, *talent_urls.urlpatterns], "talents")
urlpatterns = [
    *(pattern for pattern in site.urlpatterns if getattr(pattern, "namespace", None) != "talents"),
    path("", include(talents)),
]
