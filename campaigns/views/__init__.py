"""Officers' pages of the campaigns app. Thin: reads through the FilterSets and selectors, writes through
the services, whose errors are shown on the form field they name. They share the helpers of every
app's pages (``jinjin_crm.core.pages``) and partials (``templates/ui/``), so they look and behave like
the projects and talents pages.

Modules: ``campaigns`` (list, month calendar, funnel overview, detail, create/edit), ``contacts`` (the
detail page's writes: a person met, an outcome, a trip's projects), ``universities``, ``placements``
(科技副总 by batch, the detail and its actions, create, batches), ``lookups`` (the pickers'
suggestions), ``common`` (funnel rows and charts). The URLconf uses the names re-exported here.
"""

from .campaigns import (
    campaign_calendar,
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_funnel,
    campaign_list,
)
from .contacts import campaign_project_link, campaign_project_unlink, contact_create, contact_outcome
from .lookups import expert_lookup, project_lookup
from .placements import (
    batch_create,
    placement_create,
    placement_detail,
    placement_end,
    placement_evaluate,
    placement_extend,
    placement_list,
    placement_outcome_create,
    placement_task_edit,
)
from .talent_section import project_origin, talent_campaigns
from .universities import (
    partnership_create,
    university_create,
    university_detail,
    university_edit,
    university_list,
)

__all__ = [
    "batch_create",
    "campaign_calendar",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_funnel",
    "campaign_list",
    "campaign_project_link",
    "campaign_project_unlink",
    "contact_create",
    "contact_outcome",
    "expert_lookup",
    "partnership_create",
    "placement_create",
    "placement_detail",
    "placement_end",
    "placement_evaluate",
    "placement_extend",
    "placement_list",
    "placement_outcome_create",
    "placement_task_edit",
    "project_lookup",
    "project_origin",
    "talent_campaigns",
    "university_create",
    "university_detail",
    "university_edit",
    "university_list",
]
