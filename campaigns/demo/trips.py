"""Investment promotion trips and the demo projects they yielded (the 5.1-billion HQ among them)."""

import datetime
from decimal import Decimal

from campaigns.models import Campaign, CampaignProject, Kind
from campaigns.services import campaign_create, campaign_project_link
from jinjin_crm.core.models import User
from projects.models import InvestmentProject
from projects.models import Stage as ProjectStage

from .context import DemoContext, at
from .data import TRIPS, Trip


class Trips(DemoContext):
    SEED = 2025

    def seed_trips(self) -> int:
        """The trips of 2024 with the signed projects they brought, a recent one whose leads are still
        in negotiation, and one planned; returns how many."""
        investment = self.users.get("investment") or self.officer("officer_sf")
        linked: set[int] = set(CampaignProject.objects.values_list("project_id", flat=True))
        signed = InvestmentProject.objects.filter(signed_on__isnull=False).order_by("signed_on", "pk")
        for plan in TRIPS:
            trip = self.trip(plan, officer=investment)
            chosen = list(InvestmentProject.objects.filter(name=plan.headline).exclude(pk__in=linked))
            window = (trip.ends_on + datetime.timedelta(days=1), trip.ends_on + datetime.timedelta(days=170))
            for project in signed.filter(industry__code__in=plan.industries, signed_on__range=window):
                if len(chosen) >= plan.target_projects:
                    break
                if project.pk not in linked and project not in chosen:
                    chosen.append(project)
            self.link(trip, chosen, linked)
        recent = self.trip(
            Trip(
                "赴西安、武汉招商推介及企业走访",
                self.today - datetime.timedelta(days=200),
                4,
                "西安、武汉",
                "区政府副区长",
                (),
                4,
                Decimal("300000"),
            ),
            officer=investment,
        )
        leads = InvestmentProject.objects.filter(
            stage__in=(ProjectStage.LEAD, ProjectStage.NEGOTIATING), first_contact_on__gt=recent.ends_on
        ).exclude(pk__in=linked)
        self.link(recent, list(leads.order_by("first_contact_on", "pk")[:5]), linked)
        ahead = self.today + datetime.timedelta(days=40)
        self.trip(
            Trip(
                f"{ahead.year}年京津冀招商推介会",
                ahead,
                3,
                "北京、天津",
                "区政府区长",
                (),
                3,
                Decimal("300000"),
            ),
            officer=investment,
        )
        return len(TRIPS) + 2

    def trip(self, plan: Trip, *, officer: User) -> Campaign:
        campaign = campaign_create(
            by=officer,
            officers=[officer],
            kind=Kind.PROMOTION_TRIP,
            title=plan.title,
            starts_on=plan.starts_on,
            ends_on=plan.starts_on + datetime.timedelta(days=plan.days - 1),
            place=plan.place,
            leader=plan.leader,
            lead_officer=officer,
            target_projects=plan.target_projects,
            target_investment=plan.target_investment,
            description=f"{plan.leader}带队赴{plan.place}开展招商推介，走访意向企业，洽谈重点项目。",
        )
        created_on = min(plan.starts_on - datetime.timedelta(days=14), self.today)
        Campaign.objects.filter(pk=campaign.pk).update(
            created_at=at(created_on, 10), updated_at=at(created_on, 10)
        )
        return campaign

    def link(self, trip: Campaign, projects: list[InvestmentProject], linked: set[int]) -> None:
        for project in projects:
            link = campaign_project_link(
                campaign=trip, project=project, by=trip.lead_officer, notes="推介会现场洽谈对接的项目。"
            )
            linked.add(project.pk)
            CampaignProject.objects.filter(pk=link.pk).update(
                linked_at=at(min(trip.ends_on + datetime.timedelta(days=3), self.today), 16)
            )
