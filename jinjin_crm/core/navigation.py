"""The sections of the site, in the order the sidebar shows them.

A section whose URL does not exist yet is shown greyed out as "coming soon"; it lights up by
itself when the app that serves it adds the URL name.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    group: str
    staff_only: bool = False


SECTIONS = (
    Section(_("Worklist"), "home", _("Daily work")),
    Section(_("Project ledger"), "projects:project-list", _("Investment")),
    Section(_("Pipeline board"), "projects:project-board", _("Investment")),
    Section(_("Enterprises"), "projects:enterprise-list", _("Investment")),
    Section(_("Talent demands"), "projects:demand-list", _("Investment")),
    Section(_("Talents"), "talents:talent-list", _("Talent recruitment")),
    Section(_("Innovation teams"), "talents:team-list", _("Talent recruitment")),
    Section(_("Demand catalogue"), "matching:catalogue", _("Talent recruitment")),
    Section(_("Matches"), "matching:match-list", _("Talent recruitment")),
    Section(_("Campaigns"), "campaigns:campaign-list", _("Campaigns")),
    Section(_("Universities"), "campaigns:university-list", _("Campaigns")),
    Section(_("Tech vice-presidents"), "campaigns:placement-list", _("Campaigns")),
    Section(_("Policies"), "policies:policy-list", _("Policies")),
    Section(_("Applications"), "policies:application-list", _("Policies")),
    Section(_("Funds"), "policies:fund-list", _("Policies")),
    Section(_("Service requests"), "policies:service-board", _("Policies")),
    Section(_("Eligibility calculator"), "policies:calculator", _("Policies")),
    Section(_("Dashboard"), "dashboard:home", _("Leadership")),
    Section(_("Background jobs"), "jobs", _("System")),
    Section(_("API documentation"), "api:docs", _("System")),
    Section(_("Administration"), "admin:index", _("System"), staff_only=True),
)


def sections_for(user, current_path: str) -> list[dict]:
    """The sidebar for ``user``; the one section whose URL is the longest prefix of the page is active."""
    items = []
    for section in SECTIONS:
        if section.staff_only and not user.is_staff:
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            url = None
        items.append({"label": section.label, "group": section.group, "url": url, "active": False})
    matching = [
        item
        for item in items
        if item["url"]
        and (current_path == item["url"] or (item["url"] != "/" and current_path.startswith(item["url"])))
    ]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return items
