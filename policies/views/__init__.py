"""Officers' pages of the policies app. Thin: reads through the selectors and FilterSets, writes
through the services, whose errors are shown on the form field they name. They share the helpers of
every app's pages (``jinjin_crm.core.pages``) and partials (``templates/ui/``).

Modules: ``library`` (the policy library, a policy's page, the eligibility calculator),
``applications`` (the queue with bulk approval, an application's page and its steps, filing one),
``entitlements`` (the talent page's panel), ``funds``, ``service_requests`` (the board and its steps),
``common`` (a benefit's terms in words, timeline labels). The URLconf uses the names re-exported here.
"""

from .applications import (
    application_action,
    application_approve_many_view,
    application_create,
    application_detail,
    application_list,
)
from .entitlements import talent_entitlement_apply, talent_entitlements
from .funds import fund_detail, fund_list
from .library import calculator, policy_detail, policy_list
from .service_requests import service_board, service_request_action, service_request_create

__all__ = [
    "application_action",
    "application_approve_many_view",
    "application_create",
    "application_detail",
    "application_list",
    "calculator",
    "fund_detail",
    "fund_list",
    "policy_detail",
    "policy_list",
    "service_board",
    "service_request_action",
    "service_request_create",
    "talent_entitlement_apply",
    "talent_entitlements",
]
