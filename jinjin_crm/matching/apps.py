from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "jinjin_crm.matching"
    label = "matching"
    verbose_name = _("Demand catalogue and matching")
