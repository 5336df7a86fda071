"""The catalogue's filters, by code, shared by the page, the export and the API."""

from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.filters import FilterSet, code_choices
from jinjin_crm.core.models import Degree, Discipline, IndustryChain, Park

from ..models import CatalogueEntry


class CatalogueEntryFilter(FilterSet):
    """``?park=SF&industry=NEV&discipline=0812&degree=MASTER`` (each may repeat)."""

    park = code_choices(Park, "park", label=_("park"))
    industry = code_choices(IndustryChain, "industry", label=_("industry chain"))
    discipline = code_choices(Discipline, "discipline", label=_("discipline"))
    degree = code_choices(Degree, "min_degree", label=_("minimum degree"))

    class Meta:
        model = CatalogueEntry
        fields = []
