"""Universities and their agreements, and the recruiting campaigns with the people met on them.

Each campaign's sign-in sheets are generated so that its funnel is exactly the plan's figures (scaled
by ``demo_scale``: exactly the report's at the default size), then recorded through
``contacts_bulk_record`` one sheet per day; what became of the people later (onboarded in the July
after they graduate, or lost) goes through the talents services.
"""

import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import Campaign, Contact, Kind, Outcome, University
from campaigns.services import campaign_create, contacts_bulk_record, partnership_record, university_create
from jinjin_crm.core.demo import progress
from projects.models import Enterprise
from talents.demo import DISCIPLINES, LOCATIONS, TITLES, demo_scale
from talents.demo import UNIVERSITIES as TALENT_UNIVERSITIES
from talents.models import Stage, Talent
from talents.services import talent_transition, talent_update

from .context import DemoContext, at, season_word, weighted
from .data import (
    CITY,
    DEGREE_MIX,
    INTENT_NOTES,
    LATER_VISITS,
    LOST_AFTER_INTENT,
    LOST_AFTER_SIGNING,
    PARTNERSHIPS,
    RETURNING,
    SPRING_2024,
    STUDENTS,
    UNIVERSITIES,
    VISIT,
    Date,
    Plan,
    scaled,
)


class Recruiting(DemoContext):
    def __init__(self):
        super().__init__()
        self.universities: dict[str, University] = {}
        # Whom the demo met, by campaign title: the person's facts as given to the service.
        self.met: dict[str, list[dict]] = {}
        # The people met grow with the demo's size: the report's figures at the default.
        self.scale = demo_scale()

    def seed_universities(self) -> int:
        for name, city, kind in UNIVERSITIES:
            self.universities[name] = University.objects.filter(name=name).first() or university_create(
                name=name, city=city, kind=kind
            )
        for name, title, signed_on, starts_on, ends_on, scope in PARTNERSHIPS:
            partnership_record(
                university=self.universities[name],
                title=title,
                signed_on=signed_on,
                starts_on=starts_on,
                ends_on=ends_on,
                scope=scope,
            )
        return len(UNIVERSITIES)

    # --- people met ---------------------------------------------------------------------------------

    def person(self, *, degree: str, university: str, graduates: int, student: bool) -> dict:
        """A graduating student or a professional, with a mobile and a record nobody else has."""
        rng, fake = self.rng, self.fake
        age = {"COLLEGE": 21, "BACHELOR": 22, "MASTER": 25, "DOCTOR": 29}[degree]
        if student:
            birth_year = graduates - age - rng.choice((0, 0, 1) if degree != "DOCTOR" else (0, 1, 2, 3))
        else:
            birth_year = graduates - age - rng.randint(2, 14)
        gender = "M" if rng.random() < 0.56 else "F"
        name = self.unique_name(gender=gender, birth_year=birth_year, university=university)
        primary = weighted(rng, DISCIPLINES)
        codes = [primary[0]]
        if rng.random() < 0.15:
            codes.append(weighted(rng, DISCIPLINES)[0])
        facts = {
            "name": name,
            "gender": gender,
            "birth_year": birth_year,
            "phone": self.phone(),
            "university": university,
            "research_keywords": ",".join(rng.sample(primary[2], k=rng.randint(1, 2))),
            "employer": f"{university}（在读）" if student else fake.company(),
            "location": CITY.get(university, "") if student else rng.choice(LOCATIONS),
            "disciplines": [self.disciplines[code] for code in dict.fromkeys(codes)],
        }
        if not student:
            facts["title"] = rng.choice(TITLES[degree])
        if rng.random() < 0.3:
            facts["email"] = fake.email()
        return facts

    def crowd(self, plan: Plan) -> list[dict]:
        """The people of a campaign with the outcome, the degree and what became of them later, so
        that the campaign's funnel is exactly ``plan.figures``."""
        rng = self.rng
        consulted, intents, masters, signed, onboarded = plan.figures
        graduates = plan.starts_on.year + (0 if plan.starts_on.month <= 6 else 1)
        mix = DEGREE_MIX[plan.kind]
        rows = []
        for index in range(consulted):
            if index < masters:
                degree, outcome = ("DOCTOR" if rng.random() < 0.2 else "MASTER"), Outcome.INTENT
            elif index < intents:
                degree, outcome = "BACHELOR", Outcome.INTENT
            else:
                degree, outcome = weighted(rng, mix)[0], Outcome.CONSULTED
            rows.append({"outcome": outcome, "degree": degree})
        intent_rows = rows[:intents]
        for index, row in enumerate(rng.sample(intent_rows, k=signed)):
            row["outcome"] = Outcome.SIGNED
            # A graduate who signed either starts in July or breaks the agreement; at an event the
            # others are still to start.
            if index < onboarded or plan.kind == VISIT:
                row["fate"] = Stage.ONBOARDED if index < onboarded else Stage.LOST
        for row in intent_rows:
            if row["outcome"] == Outcome.INTENT and rng.random() < 0.25:
                row["fate"] = Stage.LOST
        rng.shuffle(rows)
        days = [plan.starts_on + datetime.timedelta(days=offset) for offset in range(plan.days)]
        people = []
        for row in rows:
            university = plan.university or weighted(rng, TALENT_UNIVERSITIES)[0]
            person = self.person(
                degree=row["degree"],
                university=university,
                graduates=graduates,
                student=rng.random() < STUDENTS[plan.kind],
            )
            person.update(
                outcome=row["outcome"],
                degree=self.degrees[row["degree"]],
                met_on=days[0] if rng.random() < 0.6 else rng.choice(days),
            )
            if row["outcome"] != Outcome.CONSULTED and rng.random() < 0.5:
                person["notes"] = rng.choice(INTENT_NOTES)
            if "fate" in row:
                person["fate"] = row["fate"]
            people.append(person)
        return people

    # --- campaigns ----------------------------------------------------------------------------------

    def campaign(self, plan: Plan) -> Campaign:
        lead = self.officer(plan.officer)
        others = [user for name, user in self.users.items() if name != plan.officer and name != "investment"]
        consulted, intents, masters, signed, _onboarded = plan.figures
        targets = {}
        if consulted:
            targets = {
                "target_consultations": int(round(consulted * 1.1, -2)) or None,
                "target_intents": int(round(intents * 1.1, -1)) or None,
                "target_masters": int(round(masters * 1.1, -1)) or None,
                "target_signed": max(signed, 5),
            }
        campaign = campaign_create(
            by=lead,
            officers=[lead, *self.rng.sample(others, k=min(2, len(others)))],
            kind=plan.kind,
            title=plan.title,
            starts_on=plan.starts_on,
            ends_on=plan.starts_on + datetime.timedelta(days=plan.days - 1),
            place=plan.place,
            university=self.universities.get(plan.university),
            leader=plan.leader,
            lead_officer=lead,
            description=plan.description
            or (
                f"赴{plan.university}开展校园专场招聘，组织区内重点企业提供研发、技术和管理岗位，"
                "宣讲江津区“1+10+N”人才政策。"
                if plan.university
                else ""
            ),
            **targets,
        )
        created_on = min(plan.starts_on - datetime.timedelta(days=21), self.today)
        Campaign.objects.filter(pk=campaign.pk).update(
            created_at=at(created_on, 10), updated_at=at(created_on, 10)
        )
        return campaign

    def record(self, campaign: Campaign, people: list[dict], counter=None) -> int:
        """Record the people through the bulk service, one sign-in sheet per day, entered that evening."""
        by_day: dict[Date, list[dict]] = defaultdict(list)
        for person in people:
            by_day[person["met_on"]].append(person)
        created = 0
        for day, sheet in sorted(by_day.items()):
            since = timezone.now()
            contacts, count = contacts_bulk_record(
                campaign=campaign,
                by=campaign.lead_officer,
                people=[{key: value for key, value in person.items() if key != "fate"} for person in sheet],
            )
            created += count
            moment = at(day, 19, 30)
            for person, contact in zip(sheet, contacts, strict=True):
                person["talent_id"] = contact.talent_id
            self.stamp([contact.talent_id for contact in contacts], since, moment, created=True)
            Contact.objects.filter(pk__in=[contact.pk for contact in contacts]).update(
                created_at=moment, updated_at=moment
            )
            if counter is not None:
                counter.advance(len(sheet))
        return created

    def fates(self, people: list[dict], campaign: Campaign) -> None:
        """What became of the people later: onboarded in the July after they graduate, or lost."""
        rng = self.rng
        graduates = campaign.starts_on.year + (0 if campaign.starts_on.month <= 6 else 1)
        enterprises = list(Enterprise.objects.order_by("pk"))
        moves = []
        for person in people:
            fate = person.get("fate")
            if not fate:
                continue
            if campaign.kind == VISIT:
                on = Date(graduates, 7, rng.randint(1, 25))
            else:
                on = person["met_on"] + datetime.timedelta(days=rng.randint(30, 90))
            if fate == Stage.LOST and person["outcome"] == Outcome.INTENT:
                on = person["met_on"] + datetime.timedelta(days=rng.randint(20, 100))
            if on <= self.today:
                moves.append((on, fate, person))
        talents = Talent.objects.in_bulk([person["talent_id"] for _on, _fate, person in moves])
        since = timezone.now()
        moments = {}
        for on, fate, person in sorted(moves, key=lambda move: move[0]):
            talent = talents[person["talent_id"]]
            if fate == Stage.ONBOARDED:
                talent_transition(talent=talent, to=Stage.ONBOARDED, by=campaign.lead_officer, on=on)
                if enterprises:
                    enterprise = rng.choice(enterprises)
                    talent_update(
                        talent=talent,
                        by=campaign.lead_officer,
                        employer=enterprise.name,
                        employer_enterprise=enterprise,
                        location="重庆江津",
                    )
            else:
                reasons = LOST_AFTER_SIGNING if person["outcome"] == Outcome.SIGNED else LOST_AFTER_INTENT
                talent_transition(
                    talent=talent, to=Stage.LOST, by=campaign.lead_officer, note=rng.choice(reasons), on=on
                )
            moments[talent.pk] = at(on, 15)
        self.stamp_each(moments, since)

    def plans(self) -> list[Plan]:
        """Every recruiting campaign, its funnel scaled to the demo's size."""
        return [scaled(plan, self.scale) for plan in (*SPRING_2024, *LATER_VISITS, *self.recent_plans())]

    def seed_recruiting(self) -> tuple[int, int]:
        contacts = created = 0
        plans = self.plans()
        counter = progress(
            gettext("people met on campaigns"),
            sum(plan.figures[0] for plan in plans if plan.starts_on <= self.today),
        )
        for plan in plans:
            campaign = self.campaign(plan)
            if plan.starts_on > self.today or not plan.figures[0]:
                continue
            people = self.crowd(plan)
            if plan.title == RETURNING[1]:
                self.returning(people)
            self.met[plan.title] = people
            created += self.record(campaign, people, counter)
            self.fates(people, campaign)
            contacts += len(people)
        counter.finish()
        return contacts, created

    def returning(self, people: list[dict]) -> None:
        """Some students met on the 2024 visit come back as master's students: the same person, whom
        the duplicate rules link to the record made then (same mobile)."""
        source, _target, count = RETURNING
        count = round(count * self.scale)
        before = [
            person
            for person in self.met.get(source, ())
            if person["outcome"] == Outcome.CONSULTED and person["degree"].code == "BACHELOR"
        ]
        slots = [
            person
            for person in people
            if person["degree"].code == "MASTER"
            and "fate" not in person
            and person["outcome"] != Outcome.SIGNED
        ]
        for earlier, slot in zip(before[:count], slots, strict=False):
            for key in (
                "name",
                "gender",
                "birth_year",
                "phone",
                "university",
                "disciplines",
                "research_keywords",
            ):
                slot[key] = earlier[key]
            slot["employer"] = f"{earlier['university']}（在读）"
            slot.pop("email", None)

    def recent_plans(self) -> list[Plan]:
        """The campaigns of the last months and the weeks ahead, dated from today."""
        today = self.today

        def ago(days: int) -> Date:
            return today - datetime.timedelta(days=days)

        jinying = ago(70)
        fair = ago(40)
        ahead = today + datetime.timedelta(days=19)
        return [
            Plan(
                Kind.TALENT_EVENT,
                f"{jinying.year}年津鹰人才荟",
                jinying,
                2,
                "officer_sf",
                "",
                "江津区科创人才服务港",
                "区委书记",
                (200, 32, 22, 6, 0),
                "面向海内外高层次人才的品牌引才活动：产业推介、政策发布、企业岗位洽谈。",
            ),
            Plan(
                Kind.JOB_FAIR,
                f"{fair.year}年{season_word(fair)}江津区高层次人才招聘会",
                fair,
                1,
                "officer_dg",
                "",
                "江津区人力资源市场",
                "区人力社保局局长",
                (220, 26, 10, 4, 0),
                "区内重点企业现场招聘，集中发布津鹰人才需求目录岗位。",
            ),
            Plan(
                Kind.TALENT_EVENT,
                f"青年人才读书荟（{ago(18):%Y年%m月}）",
                ago(18),
                1,
                "officer_bs",
                "",
                "江津区图书馆",
                "区委组织部副部长",
                (45, 6, 3, 0, 0),
                "青年人才读书分享与交流，联系服务在津青年人才。",
            ),
            Plan(
                VISIT,
                f"{ahead.year}年{season_word(ahead)}四川大学专场招聘会",
                ahead,
                2,
                "officer_bs",
                "四川大学",
                "四川大学江安校区",
                "区委常委、组织部部长",
                description="计划赴四川大学开展专场招聘，已对接学校就业指导中心。",
            ),
        ]
