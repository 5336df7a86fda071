"""科技副总: 65 university experts placed in enterprises in 4 batches, with task books, outcomes dated
within their terms, evaluations of completed terms, extensions and one early end."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext
from stdnum.cn import uscc

from campaigns.models import OutcomeKind, Placement, PlacementBatch, PlacementOutcome
from campaigns.services import (
    placement_batch_create,
    placement_create,
    placement_end,
    placement_evaluate,
    placement_extend,
    placement_outcome_record,
)
from jinjin_crm.core.demo import progress
from jinjin_crm.core.models import IndustryChain, Park
from projects.models import Enterprise
from projects.services import enterprise_create
from talents.demo import TalentPlan, talents_write
from talents.models import ConsentMethod, Mode, Source, Stage, Talent

from .context import DemoContext, add_months, at, weighted
from .data import (
    BATCHES,
    CITY,
    EVALUATIONS,
    EXPERT_UNIVERSITIES,
    GOALS,
    GRADES,
    HOSTS,
    INDUSTRY_WORK,
    PARK_OFFICER,
    Date,
)


class Placements(DemoContext):
    SEED = 2026

    def hosts(self) -> list[Enterprise]:
        """The enterprises that host experts: the projects demo's and a few small firms of each park."""
        parks = {park.code: park for park in Park.objects.all()}
        industries = {chain.code: chain for chain in IndustryChain.objects.all()}
        for sequence, (name, park, industry) in enumerate(HOSTS):
            if Enterprise.objects.filter(name=name).exists():
                continue
            body = f"91500116MA{700000 + sequence:07d}"
            enterprise_create(
                name=name,
                credit_code=body + uscc.calc_check_digit(body),
                park=parks[park],
                industry=industries[industry],
                is_key=False,
                contact_name=self.rng.choice("张王李刘陈杨") + self.rng.choice(("经理", "主任", "总工")),
            )
        return list(
            Enterprise.objects.filter(industry__code__in=INDUSTRY_WORK)
            .select_related("park", "industry")
            .order_by("pk")
        )

    def expert(
        self, *, university: str, enterprise: Enterprise, batch: int, announced: Date, starts: Date
    ) -> TalentPlan:
        """A professor or research fellow, introduced flexibly: entered a month before the batch is
        announced, signed when it is, onboarded when the term starts (written in bulk per batch)."""
        rng, fake = self.rng, self.fake
        codes, fields = INDUSTRY_WORK[enterprise.industry.code]
        gender = "M" if rng.random() < 0.8 else "F"
        birth_year = rng.randint(1963, 1986)
        name = self.unique_name(gender=gender, birth_year=birth_year, university=university)
        title = "研究员" if "研究院" in university else rng.choice(("教授", "教授", "教授", "副教授"))
        tier = weighted(rng, ((None, 70), ("E", 20), ("D", 10)))[0]
        officer = self.officer(PARK_OFFICER[enterprise.park.code])
        facts = {
            "name": name,
            "gender": gender,
            "birth_year": birth_year,
            "phone": self.phone(),
            "email": fake.email(),
            "highest_degree": self.degrees["DOCTOR"],
            "university": university,
            "research_keywords": ",".join(rng.sample(fields, k=2)),
            "title": title,
            "tier": self.tiers.get(tier) if tier else None,
            "employer": university,
            "location": CITY.get(university, ""),
            "source": Source.OTHER,
            "source_detail": f"科技副总选聘（第{batch}批）",
            "mode": Mode.FLEXIBLE,
            "consent_method": ConsentMethod.WRITTEN,
        }
        entered = at(announced - datetime.timedelta(days=30), 10)
        moves = [
            (Stage.CONTACTED, entered, ""),
            (Stage.INTENT, entered, ""),
            (Stage.SIGNED, at(announced, 10), ""),
        ]
        if starts <= self.today:
            moves.append((Stage.ONBOARDED, at(starts, 10), ""))
        return TalentPlan(
            facts=facts,
            disciplines=[self.disciplines[code] for code in codes],
            officer=officer,
            created=entered,
            moves=moves,
            note="科技副总选聘",
        )

    def seed_placements(self) -> tuple[int, int]:
        """The 4 batches and their 65 placements; returns (placements, batches)."""
        rng = self.rng
        hosts = self.hosts()
        universities = [name for name, count in EXPERT_UNIVERSITIES for _ in range(count)]
        rng.shuffle(universities)
        placements: list[Placement] = []
        batches = 0
        total = sum(batch[4] for batch in BATCHES)
        counter = progress(gettext("technology vice-president placements"), total)
        for number, announced, starts, months, count, notes in BATCHES:
            batch = PlacementBatch.objects.filter(number=number).first() or placement_batch_create(
                number=number, announced_on=announced, notes=notes
            )
            batches += 1
            ends = add_months(starts, months) - datetime.timedelta(days=1)
            order = hosts[:]
            rng.shuffle(order)
            chosen = [order[index % len(order)] for index in range(count)]
            plans = [
                self.expert(
                    university=universities.pop(),
                    enterprise=host,
                    batch=number,
                    announced=announced,
                    starts=starts,
                )
                for host in chosen
            ]
            for host, expert in zip(chosen, talents_write(plans), strict=True):
                placement = placement_create(
                    expert=expert,
                    host_enterprise=host,
                    batch=batch,
                    term_start=starts,
                    term_end=ends,
                    by=self.officer(PARK_OFFICER[host.park.code]),
                    task_book=self.task_book(expert, host),
                    goals=GOALS,
                )
                placements.append(placement)
                counter.advance()
            Placement.objects.filter(batch=batch).update(created_at=at(announced, 10))
        counter.finish()
        self.terms(placements)
        for placement in placements:
            self.outcomes(placement)
            self.evaluate(placement)
        return len(placements), batches

    def task_book(self, expert: Talent, host: Enterprise) -> str:
        fields = expert.keyword_list
        return (
            f"1. 围绕{host.name}在{fields[0]}方面的技术需求，牵头开展关键技术攻关；\n"
            f"2. 协助企业建设研发团队，推动{fields[-1]}相关成果在企业转化；\n"
            "3. 协助企业申报高新技术企业、市级企业技术中心和科技项目；\n"
            "4. 每月到企业工作不少于4天，每年为企业技术人员开展培训不少于2次。"
        )

    def terms(self, placements: list[Placement]) -> None:
        """Extensions (a few of the first batches for a year, a few recent terms until a few weeks
        from now, so they show as ending soon) and one term ended early."""
        by_batch: dict[int, list[Placement]] = defaultdict(list)
        for placement in placements:
            by_batch[placement.batch.number].append(placement)
        for placement in by_batch[1][:3] + by_batch[2][:2]:
            placement_extend(
                placement=placement, term_end=add_months(placement.term_end, 12), by=placement.created_by
            )
        for weeks, placement in zip((3, 5, 7), by_batch[3][:3], strict=False):
            term_end = self.today + datetime.timedelta(weeks=weeks)
            if term_end > placement.term_end:
                placement_extend(placement=placement, term_end=term_end, by=placement.created_by)
        early = by_batch[4][-1] if by_batch[4] else None
        ended_on = Date(2025, 9, 30)
        if early and early.term_start <= ended_on <= min(early.term_end, self.today):
            placement_end(
                placement=early,
                on=ended_on,
                reason="专家承担国家重点研发计划项目，经本人申请、派出单位同意，提前结束任期。",
                by=early.created_by,
            )
        for placement in placements:
            placement.refresh_from_db()

    def outcomes(self, placement: Placement) -> None:
        """Patents, joint projects, transfers and revenue, more the longer the expert has served."""
        rng = self.rng
        first = placement.term_start + datetime.timedelta(days=45)
        last = min(placement.last_day, self.today)
        if last <= first:
            return
        span = (last - first).days
        years = span / 365
        fields = placement.expert.keyword_list
        made = []

        def day() -> Date:
            return first + datetime.timedelta(days=rng.randrange(span + 1))

        for _ in range(rng.randint(0, 1 + int(years * 1.5))):
            kind = rng.choice(("发明专利", "实用新型专利"))
            thing = rng.choice(("装置", "方法", "系统", "工艺"))
            made.append((OutcomeKind.PATENT, f"一种{rng.choice(fields)}{thing}（{kind}）", None))
        for _ in range(rng.randint(0, 1 + int(years))):
            scheme = rng.choice(("重庆市技术创新与应用发展专项", "江津区科技计划项目", "校企联合攻关项目"))
            made.append(
                (OutcomeKind.JOINT_PROJECT, f"{rng.choice(fields)}关键技术研究与应用（{scheme}）", None)
            )
        if rng.random() < 0.35:
            amount = Decimal(rng.randrange(30, 400))
            made.append((OutcomeKind.TECH_TRANSFER, f"{rng.choice(fields)}技术成果转让", amount))
        if years >= 1 and rng.random() < 0.5:
            amount = Decimal(rng.randrange(20, 300) * 10)
            made.append((OutcomeKind.REVENUE, f"{rng.choice(fields)}新产品实现销售", amount))
        for kind, title, amount in made:
            achieved_on = day()
            outcome = placement_outcome_record(
                placement=placement,
                kind=kind,
                title=title,
                achieved_on=achieved_on,
                amount=amount,
                by=placement.created_by,
            )
            PlacementOutcome.objects.filter(pk=outcome.pk).update(
                created_at=at(min(achieved_on + datetime.timedelta(days=7), self.today), 11)
            )

    def evaluate(self, placement: Placement) -> None:
        """A completed term is assessed (考核) within weeks of its end."""
        if placement.ended_on or placement.term_end >= self.today:
            return
        on = min(placement.term_end + datetime.timedelta(days=self.rng.randint(10, 40)), self.today)
        grade = weighted(self.rng, GRADES)[0]
        placement_evaluate(
            placement=placement, grade=grade, evaluation=EVALUATIONS[grade], on=on, by=placement.created_by
        )
