from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from jinjin_crm.core.sections import section_register

        section_register("talents.talent", "campaigns/_talent_campaigns_section.html", order=20)
        section_register("projects.investmentproject", "campaigns/_project_origin_section.html", order=20)
