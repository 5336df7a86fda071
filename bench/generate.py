"""Load a district-scale dataset into the database at DATABASE_URL, for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinjin_bench DEBUG=true \\
        .venv/bin/python bench/generate.py --talents 100000 --enterprises 20000 --projects 10000

    # only add talent demands to a database that already has enterprises and projects
    .venv/bin/python bench/generate.py --demands-only --demands 30000

    # only add the campaigns and policies apps' tables over the talents, enterprises and projects
    .venv/bin/python bench/generate.py --campaigns-only --policies-only

    # only add the leadership dashboard's data: logged contacts, stage history, targets, weights
    .venv/bin/python bench/generate.py --activity-only

Reproducible: the same ``--seed`` and counts give the same rows (except the encrypted values, whose
tokens carry a random IV, and the timestamps, which are relative to today). Fast: rows go in with
``bulk_create`` in batches, bypassing the services' one-record-at-a-time checks, so the rows are
valid by construction (valid ID numbers and mobiles, unique credit codes); ``search_text`` is
computed by ``talents.search.search_text_for`` exactly as the services do, the phone is encrypted
and its blind index filled by the model fields. No history or stage-change rows are written: the
list and search do not read them (``--activity-only`` adds the stage history and the contacts the
leadership pages read).

Use a database of its own (``createdb jinjin_bench``): the generator refuses a database that
already holds talents unless ``--append`` is given.
"""

import argparse
import contextlib
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjin_crm.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402
from faker import Faker  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

from jinjin_crm.core.models import (  # noqa: E402
    Degree,
    Discipline,
    IndustryChain,
    Park,
    Region,
    TalentTier,
    User,
)
from jinjin_crm.core.roles import Role  # noqa: E402
from jinjin_crm.core.services import user_create  # noqa: E402
from projects.models import DemandStatus, Enterprise, InvestmentProject, TalentDemand  # noqa: E402
from projects.models import Stage as ProjectStage  # noqa: E402
from talents.models import Mode, Source, Talent  # noqa: E402
from talents.models import Stage as TalentStage  # noqa: E402
from talents.search import search_text_for  # noqa: E402

UNIVERSITIES = (
    "重庆大学",
    "南开大学",
    "北京理工大学",
    "清华大学深圳国际研究生院",
    "西南大学",
    "四川大学",
    "电子科技大学",
    "哈尔滨工业大学",
    "华中科技大学",
    "西安交通大学",
    "西南交通大学",
    "重庆邮电大学",
    "重庆交通大学",
    "重庆理工大学",
    "天津大学",
    "武汉大学",
    "同济大学",
    "浙江大学",
    "北京航空航天大学",
    "中国科学院大学",
)
DISCIPLINES = {
    "0802": ("精密制造", "工业机器人", "数控机床", "液压传动"),
    "0805": ("复合材料", "特种合金", "PVD镀膜", "纳米材料"),
    "0808": ("电机驱动", "电力电子", "储能系统"),
    "0809": ("半导体器件", "功率芯片", "传感器"),
    "0811": ("智能网联汽车", "自动驾驶", "机器视觉"),
    "0812": ("深度学习", "计算机视觉", "大数据"),
    "0817": ("精细化工", "催化", "电子化学品"),
    "0830": ("固废资源化", "水处理", "碳中和"),
    "0702": ("光伏电池", "等离子体"),
    "0703": ("锂电正极材料", "电化学"),
    "1202": ("供应链管理", "市场营销"),
}
DEGREES = (("DOCTOR", 30), ("MASTER", 45), ("BACHELOR", 20), ("COLLEGE", 5))
TIERS = ((None, 75), ("E", 17), ("D", 5), ("C", 2), ("B", 0.8), ("A", 0.2))
STAGES = (
    (TalentStage.LEAD, 40),
    (TalentStage.CONTACTED, 22),
    (TalentStage.INTENT, 12),
    (TalentStage.SIGNED, 6),
    (TalentStage.ONBOARDED, 10),
    (TalentStage.LOST, 10),
)
AREAS = ("510215", "510212", "510213", "510104", "510107", "420111", "610113", "120104", "110108")
MOBILE_PREFIXES = ("135", "136", "138", "139", "150", "151", "158", "159", "177", "183", "186", "187", "189")
INDUSTRY_SUBJECTS = (
    "智能装备",
    "新材料",
    "电驱系统",
    "光伏组件",
    "数据中心",
    "冷链物流",
    "食品加工",
    "储能系统",
)
DEMAND_DEGREES = (("BACHELOR", 40), ("MASTER", 40), ("DOCTOR", 15), ("COLLEGE", 5))
DEMAND_TIERS = ((None, 85), ("E", 9), ("D", 4), ("C", 2))
POSITIONS = ("研发工程师", "工艺工程师", "算法工程师", "技术总监", "质量工程师", "项目经理", "首席科学家")
OFFICERS = 10


def weighted(rng: random.Random, table):
    return rng.choices([row[0] for row in table], weights=[row[1] for row in table])[0]


@contextlib.contextmanager
def timestamps_as_given(*models):
    """Let bulk_create keep the created/updated times we give, so the list's default order
    (-updated_at) sorts a realistic spread instead of one instant."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Phase:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self):
        self.started = time.perf_counter()
        print(f"{self.label} …", end="", flush=True)
        return self

    def __exit__(self, *exc):
        print(f" {time.perf_counter() - self.started:.1f} s", flush=True)


def officers() -> list[User]:
    parks = list(Park.objects.order_by("code"))
    users = []
    for index in range(OFFICERS):
        username = f"bench_officer_{index + 1:02d}"
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            password=None,
            name=f"专员{index + 1:02d}",
            roles=(Role.OFFICER,),
            parks=[parks[index % len(parks)]],
        )
        users.append(user)
    return users


def moment(rng: random.Random, now: datetime.datetime, days: int) -> datetime.datetime:
    return now - datetime.timedelta(seconds=rng.randrange(days * 86400))


def generate_enterprises(count: int, rng: random.Random, fake: Faker, batch: int) -> list[int]:
    parks = list(Park.objects.all())
    industries = list(IndustryChain.objects.all())
    now = timezone.now()
    start = Enterprise.objects.count()
    rows = []
    for sequence in range(start, start + count):
        body = f"91500116MA{7000000 + sequence:07d}"
        created = moment(rng, now, 3 * 365)
        rows.append(
            Enterprise(
                name=f"{fake.company_prefix()}{rng.choice(INDUSTRY_SUBJECTS)}{fake.company_suffix()}"[:200],
                credit_code=body + uscc.calc_check_digit(body),
                park=rng.choice(parks),
                industry=rng.choice(industries),
                is_key=rng.random() < 0.1,
                contact_name=fake.name(),
                created_at=created,
                updated_at=created,
            )
        )
    with timestamps_as_given(Enterprise), transaction.atomic():
        Enterprise.objects.bulk_create(rows, batch_size=batch)
    return list(Enterprise.objects.values_list("pk", flat=True))


def generate_projects(count: int, rng: random.Random, users: list[User], batch: int) -> None:
    parks = list(Park.objects.all())
    industries = list(IndustryChain.objects.all())
    regions = list(Region.objects.all())
    enterprises = list(Enterprise.objects.values_list("pk", flat=True)[:5000])
    stages = list(ProjectStage.values)
    now = timezone.now()
    rows = []
    for index in range(count):
        stage = rng.choice(stages)
        created = moment(rng, now, 3 * 365)
        rows.append(
            InvestmentProject(
                name=f"{rng.choice(INDUSTRY_SUBJECTS)}项目（B{index + 1:05d}）",
                investor=f"投资方{rng.randrange(1, 3000):04d}",
                enterprise_id=rng.choice(enterprises) if enterprises and rng.random() < 0.5 else None,
                source=rng.choice(regions),
                industry=rng.choice(industries),
                park=rng.choice(parks),
                agreed_investment=Decimal(rng.randrange(100, 500000) * 10),
                stage=stage,
                lead_officer=rng.choice(users),
                signed_on=created.date() if stage not in ("lead", "negotiating") else None,
                created_at=created,
                updated_at=created,
            )
        )
    with timestamps_as_given(InvestmentProject), transaction.atomic():
        InvestmentProject.objects.bulk_create(rows, batch_size=batch)


class TalentFactory:
    def __init__(self, rng: random.Random, fake: Faker, users: list[User], enterprises: list[int]):
        self.rng, self.fake, self.users, self.enterprises = rng, fake, users, enterprises
        self.degrees = {degree.code: degree for degree in Degree.objects.all()}
        self.tiers = {tier.code: tier for tier in TalentTier.objects.all()}
        self.disciplines = {d.code: d for d in Discipline.objects.filter(code__in=DISCIPLINES)}
        self.phones: set[str] = set()
        self.id_sequence = 0
        self.now = timezone.now()

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def id_number(self, birth_year: int, gender: str) -> str:
        # Unique by construction: the sequence part counts up through areas and days.
        self.id_sequence += 1
        area = AREAS[self.id_sequence % len(AREAS)]
        day = datetime.date(birth_year, 1, 1) + datetime.timedelta(
            days=(self.id_sequence // len(AREAS)) % 365
        )
        serial = (self.id_sequence // (len(AREAS) * 365)) % 500 * 2 + (1 if gender == "M" else 0)
        body = f"{area}{day:%Y%m%d}{serial:03d}"
        return body + ric.calc_check_digit(body + "0")

    def make(self) -> tuple[Talent, list[Discipline]]:
        rng = self.rng
        gender = "M" if rng.random() < 0.62 else "F"
        name = self.fake.name_male() if gender == "M" else self.fake.name_female()
        birth_year = rng.randint(1965, 2001)
        codes = [rng.choice(list(self.disciplines))]
        if rng.random() < 0.3:
            codes.append(rng.choice(list(self.disciplines)))
        disciplines = [self.disciplines[code] for code in dict.fromkeys(codes)]
        keywords = ",".join(rng.sample(DISCIPLINES[codes[0]], k=rng.randint(1, 2)))
        university = rng.choice(UNIVERSITIES)
        phone = self.phone() if rng.random() < 0.7 else ""
        tier = weighted(rng, TIERS)
        stage = weighted(rng, STAGES)
        created = moment(rng, self.now, 3 * 365)
        updated = created + (self.now - created) * rng.random()
        talent = Talent(
            name=name,
            gender=gender,
            birth_year=birth_year,
            id_number=self.id_number(birth_year, gender) if rng.random() < 0.3 else "",
            phone=phone,
            highest_degree=self.degrees[weighted(rng, DEGREES)],
            university=university,
            research_keywords=keywords,
            tier=self.tiers[tier] if tier else None,
            employer=self.fake.company() if rng.random() < 0.6 else "",
            employer_enterprise_id=(
                rng.choice(self.enterprises)
                if self.enterprises and stage == TalentStage.ONBOARDED and rng.random() < 0.7
                else None
            ),
            source=rng.choice(Source.values),
            mode=Mode.FLEXIBLE if rng.random() < 0.08 else Mode.FULL_TIME,
            stage=stage,
            lost_reason="联系不上" if stage == TalentStage.LOST else "",
            owner=rng.choice(self.users),
            assigned_at=created,
            created_at=created,
            updated_at=updated,
            search_text=search_text_for(
                name=name, university=university, disciplines=disciplines, keywords=keywords, phone=phone
            ),
        )
        return talent, disciplines


def generate_talents(count: int, factory: TalentFactory, batch: int) -> None:
    through = Talent.disciplines.through
    done = 0
    with timestamps_as_given(Talent):
        while done < count:
            size = min(batch, count - done)
            made = [factory.make() for _ in range(size)]
            with transaction.atomic():
                talents = Talent.objects.bulk_create([talent for talent, _ in made])
                through.objects.bulk_create(
                    [
                        through(talent_id=talent.pk, discipline_id=discipline.pk)
                        for talent, disciplines in zip(talents, (d for _, d in made), strict=True)
                        for discipline in disciplines
                    ]
                )
            done += size
            if done % (batch * 10) == 0 or done == count:
                print(f" {done}", end="", flush=True)


def generate_demands(count: int, rng: random.Random, batch: int) -> None:
    """Talent demands of the generated enterprises and projects: 1–2 disciplines of the talents' set,
    keywords of the first discipline, a minimum degree, mostly no tier, mostly open."""
    disciplines = {d.code: d.pk for d in Discipline.objects.filter(code__in=DISCIPLINES)}
    degrees = {degree.code: degree.pk for degree in Degree.objects.all()}
    tiers = {tier.code: tier.pk for tier in TalentTier.objects.all()}
    enterprises = list(Enterprise.objects.values_list("pk", "park_id"))
    projects = list(InvestmentProject.objects.values_list("pk", "park_id", "enterprise_id"))
    if not enterprises:
        raise SystemExit("no enterprises: generate them first")
    today = timezone.localdate()
    now = timezone.now()
    through = TalentDemand.disciplines.through
    done = 0
    with timestamps_as_given(TalentDemand):
        while done < count:
            size = min(batch, count - done)
            rows, codes_of = [], []
            for _ in range(size):
                if projects and rng.random() < 0.4:
                    project_id, park_id, enterprise_id = rng.choice(projects)
                else:
                    (enterprise_id, park_id), project_id = rng.choice(enterprises), None
                codes = [rng.choice(list(disciplines))]
                if rng.random() < 0.25:
                    codes.append(rng.choice(list(disciplines)))
                tier = weighted(rng, DEMAND_TIERS)
                salary = rng.randrange(8, 80)
                created = moment(rng, now, 365)
                rows.append(
                    TalentDemand(
                        enterprise_id=enterprise_id,
                        project_id=project_id,
                        park_id=park_id,
                        position=rng.choice(POSITIONS),
                        min_degree_id=degrees[weighted(rng, DEMAND_DEGREES)],
                        tier_id=tiers[tier] if tier else None,
                        years_experience=rng.choice((0, 1, 3, 5)),
                        headcount=rng.randint(1, 10),
                        salary_min=Decimal(salary),
                        salary_max=Decimal(salary + rng.randrange(5, 40)),
                        scarcity=rng.randint(1, 5),
                        keywords=",".join(
                            rng.sample(
                                DISCIPLINES[codes[0]], k=min(rng.randint(1, 3), len(DISCIPLINES[codes[0]]))
                            )
                        ),
                        valid_until=today + datetime.timedelta(days=rng.randrange(-30, 365)),
                        status=DemandStatus.OPEN if rng.random() < 0.9 else DemandStatus.FILLED,
                        created_at=created,
                        updated_at=created,
                    )
                )
                codes_of.append(dict.fromkeys(codes))
            with transaction.atomic():
                demands = TalentDemand.objects.bulk_create(rows)
                through.objects.bulk_create(
                    [
                        through(talentdemand_id=demand.pk, discipline_id=disciplines[code])
                        for demand, codes in zip(demands, codes_of, strict=True)
                        for code in codes
                    ]
                )
            done += size
            if done % (batch * 5) == 0 or done == count:
                print(f" {done}", end="", flush=True)


# --- Campaigns, universities and 科技副总 placements (the campaigns app) ------------------------------

UNIVERSITY_CITIES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "成都",
    "武汉",
    "西安",
    "南京",
    "杭州",
    "长沙",
    "哈尔滨",
    "广州",
)
UNIVERSITY_PREFIXES = ("", "第二", "东方", "西部", "北方", "南方", "应用", "信息")
UNIVERSITY_SUFFIXES = (
    "大学",
    "理工大学",
    "科技大学",
    "师范大学",
    "工业大学",
    "交通大学",
    "医科大学",
    "财经大学",
)
CAMPAIGN_KINDS = (("university_visit", 55), ("job_fair", 20), ("talent_event", 15), ("promotion_trip", 10))
CAMPAIGN_TITLES = {
    "university_visit": "{university}{season}引才专场",
    "job_fair": "江津区{season}人才招聘会（{place}）",
    "talent_event": "津鹰人才荟·{place}站",
    "promotion_trip": "{place}招商推介会",
}
EVENT_PLACES = ("江津城区", "双福", "德感", "珞璜", "白沙", "成都", "深圳", "上海", "北京", "西安")
OUTCOMES = (("consulted", 93), ("intent", 6), ("signed", 1))
OUTCOME_KINDS = (("patent", 45), ("joint_project", 25), ("tech_transfer", 15), ("revenue", 15))
OUTCOME_TITLES = {
    "patent": "发明专利",
    "joint_project": "联合攻关项目",
    "tech_transfer": "技术转让",
    "revenue": "新增产值",
}
GRADES = (("excellent", 25), ("good", 50), ("pass", 20), ("fail", 5))
CAMPAIGN_YEARS = 5


def generate_universities(extra: int, rng: random.Random) -> list:
    """The named universities of ``UNIVERSITIES`` and ``extra`` more, with a partnership for a third of
    the named ones (some expired)."""
    from campaigns.models import Partnership, University

    today = timezone.localdate()
    named = [
        University(
            name=name, city="重庆" if name.startswith("重庆") else "", kind=University.Kind.DOUBLE_FIRST_CLASS
        )
        for name in UNIVERSITIES
    ]
    names = set(UNIVERSITIES)
    more = []
    while len(more) < extra:
        city = rng.choice(UNIVERSITY_CITIES)
        name = f"{city}{rng.choice(UNIVERSITY_PREFIXES)}{rng.choice(UNIVERSITY_SUFFIXES)}"
        if len(more) % 7 == 6:
            name = f"中国科学院{city}{rng.choice(('研究所', '技术研究院', '材料研究所'))}"
        if name in names:
            name = f"{name}（{city}校区{len(more)}）"
        names.add(name)
        kind = (
            University.Kind.INSTITUTE
            if "研究" in name
            else rng.choice(
                (University.Kind.UNIVERSITY, University.Kind.UNIVERSITY, University.Kind.VOCATIONAL)
            )
        )
        more.append(University(name=name, city=city, kind=kind))
    with transaction.atomic():
        universities = University.objects.bulk_create(named + more)
        partnerships = []
        for university in universities[: len(UNIVERSITIES)]:
            if rng.random() < 0.35:
                signed = today - datetime.timedelta(days=rng.randrange(30, 6 * 365))
                ends = signed + datetime.timedelta(days=rng.choice((3, 5)) * 365)
                partnerships.append(
                    Partnership(
                        university=university,
                        title=f"江津区人民政府—{university.name}战略合作协议",
                        signed_on=signed,
                        starts_on=signed,
                        ends_on=ends,
                        scope="人才培养、科研合作、成果转化",
                    )
                )
        Partnership.objects.bulk_create(partnerships)
    return universities


def generate_campaigns(
    count: int, contacts: int, rng: random.Random, users: list[User], universities: list, batch: int
) -> list:
    """``count`` campaigns over the last five years, and ``contacts`` people met on them: talents of the
    database, each at most once per campaign, outcomes skewed (most consulted, ~6 % intent, ~1 %
    signed), the talent's degree as the degree at the time."""
    from campaigns.models import Campaign, Contact, season_of

    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for index in range(count):
        kind = weighted(rng, CAMPAIGN_KINDS)
        starts = today - datetime.timedelta(days=rng.randrange(3, CAMPAIGN_YEARS * 365))
        ends = min(starts + datetime.timedelta(days=rng.choice((0, 0, 1, 2, 3))), today)
        university = rng.choice(universities) if kind == "university_visit" else None
        season = season_of(starts)
        place = university.name if university else rng.choice(EVENT_PLACES)
        title = CAMPAIGN_TITLES[kind].format(
            university=place, place=place, season=f"{starts.year}年{'春季' if starts.month <= 6 else '秋季'}"
        )
        created = timezone.make_aware(
            datetime.datetime.combine(starts, datetime.time(9))
        ) - datetime.timedelta(days=rng.randrange(5, 40))
        rows.append(
            Campaign(
                kind=kind,
                title=f"{title}（C{index + 1:04d}）",
                starts_on=starts,
                ends_on=ends,
                season=season,
                place=place,
                university=university,
                leader=rng.choice(("", "区委组织部部长", "区政府副区长", "区人力社保局局长")),
                lead_officer=rng.choice(users),
                target_consultations=rng.choice((None, 100, 200, 300)),
                target_intents=rng.choice((None, 10, 20)),
                created_at=created,
                updated_at=min(created + datetime.timedelta(days=rng.randrange(0, 60)), now),
            )
        )
    with timestamps_as_given(Campaign), transaction.atomic():
        campaigns = Campaign.objects.bulk_create(rows, batch_size=batch)
        through = Campaign.officers.through
        through.objects.bulk_create(
            [
                through(campaign_id=campaign.pk, user_id=officer.pk)
                for campaign in campaigns
                for officer in rng.sample(users, k=rng.randint(1, 3))
            ],
            batch_size=batch,
        )

    talents = list(Talent.objects.values_list("pk", "highest_degree_id"))
    # Sizes: a university visit meets more people than a trip; scaled so they add up to ``contacts``.
    weights = [rng.uniform(0.3, 1.7) * (1.6 if c.kind == "university_visit" else 0.6) for c in campaigns]
    scale = contacts / sum(weights)
    sizes = [min(len(talents), int(weight * scale)) for weight in weights]
    for index in range(contacts - sum(sizes)):
        sizes[index % len(sizes)] += 1
    done, pending = 0, []

    def flush():
        with timestamps_as_given(Contact), transaction.atomic():
            Contact.objects.bulk_create(pending, batch_size=batch)
        pending.clear()

    with timestamps_as_given(Contact):
        for campaign, size in zip(campaigns, sizes, strict=True):
            days = (campaign.ends_on - campaign.starts_on).days
            for talent_id, degree_id in rng.sample(talents, size):
                met = campaign.starts_on + datetime.timedelta(days=rng.randint(0, days))
                stamp = timezone.make_aware(datetime.datetime.combine(met, datetime.time(17)))
                pending.append(
                    Contact(
                        campaign_id=campaign.pk,
                        talent_id=talent_id,
                        outcome=weighted(rng, OUTCOMES),
                        degree_id=degree_id,
                        met_on=met,
                        recorded_by_id=campaign.lead_officer_id,
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )
            if len(pending) >= batch * 10:
                done += len(pending)
                flush()
                print(f" {done}", end="", flush=True)
        done += len(pending)
        flush()
        print(f" {done}", end="", flush=True)
    return campaigns


def generate_campaign_projects(count: int, rng: random.Random, campaigns: list, users: list[User]) -> None:
    """``count`` projects linked to campaigns, mostly promotion trips, each project at most once."""
    from campaigns.models import CampaignProject

    trips = [c for c in campaigns if c.kind == "promotion_trip"] or campaigns
    others = [c for c in campaigns if c.kind != "promotion_trip"] or campaigns
    linked = set(CampaignProject.objects.values_list("project_id", flat=True))
    projects = [pk for pk in InvestmentProject.objects.values_list("pk", flat=True) if pk not in linked]
    rows = []
    for project_id in rng.sample(projects, min(count, len(projects))):
        campaign = rng.choice(trips if rng.random() < 0.85 else others)
        rows.append(
            CampaignProject(
                campaign=campaign, project_id=project_id, linked_by=rng.choice(users), notes="推介会现场对接"
            )
        )
    CampaignProject.objects.bulk_create(rows)


def generate_placements(
    batches: int, count: int, outcomes: int, rng: random.Random, users: list[User]
) -> None:
    """``batches`` batches of 科技副总 (one every quarter, the newest last quarter), ``count`` placements
    over them (experts: doctors or tiered talents; hosts: enterprises), ``outcomes`` dated results."""
    from campaigns.models import Placement, PlacementBatch, PlacementOutcome

    today = timezone.localdate()
    start = (PlacementBatch.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    rows = [
        PlacementBatch(
            number=start + index,
            announced_on=today - datetime.timedelta(days=91 * (batches - index)),
            notes=f"第{start + index}批科技副总选聘",
        )
        for index in range(batches)
    ]
    batch_rows = PlacementBatch.objects.bulk_create(rows)
    experts = list(
        Talent.objects.filter(Q(highest_degree__code="DOCTOR") | Q(tier__isnull=False)).values_list(
            "pk", flat=True
        )
    )
    hosts = list(Enterprise.objects.values_list("pk", flat=True))
    placements = []
    for index in range(count):
        batch_row = batch_rows[index % len(batch_rows)]
        term_start = batch_row.announced_on + datetime.timedelta(days=rng.randrange(0, 30))
        term_end = term_start + datetime.timedelta(days=rng.choice((1, 2, 3)) * 365 - 1)
        ended_on = None
        if term_start < today and rng.random() < 0.05:
            ended_on = min(today, term_start + datetime.timedelta(days=rng.randrange(60, 300)))
        completed = term_end < today and ended_on is None
        grade = weighted(rng, GRADES) if completed and rng.random() < 0.8 else ""
        created = timezone.make_aware(datetime.datetime.combine(batch_row.announced_on, datetime.time(10)))
        placements.append(
            Placement(
                expert_id=rng.choice(experts),
                host_enterprise_id=rng.choice(hosts),
                batch=batch_row,
                term_start=term_start,
                term_end=term_end,
                ended_on=ended_on,
                end_reason="专家调回原单位" if ended_on else "",
                task_book="围绕企业技术难题开展攻关，每年不少于60个工作日在企业服务。",
                goals="申请发明专利1项以上，联合申报科技项目1项以上。",
                grade=grade,
                evaluated_on=term_end + datetime.timedelta(days=30)
                if grade and term_end + datetime.timedelta(days=30) <= today
                else None,
                evaluation="按期完成任务书目标。" if grade else "",
                created_by=rng.choice(users),
                created_at=created,
                updated_at=created,
            )
        )
    with timestamps_as_given(Placement), transaction.atomic():
        placements = Placement.objects.bulk_create(placements)
        started = [p for p in placements if p.term_start < today]
        results = []
        for index in range(outcomes):
            placement = rng.choice(started)
            last = min(placement.ended_on or placement.term_end, today)
            kind = weighted(rng, OUTCOME_KINDS)
            results.append(
                PlacementOutcome(
                    placement=placement,
                    kind=kind,
                    title=f"{OUTCOME_TITLES[kind]}（O{index + 1:05d}）",
                    achieved_on=placement.term_start
                    + datetime.timedelta(days=rng.randint(0, (last - placement.term_start).days)),
                    amount=Decimal(rng.randrange(5, 2000)) if kind in ("tech_transfer", "revenue") else None,
                    recorded_by=placement.created_by,
                )
            )
        PlacementOutcome.objects.bulk_create(results, batch_size=2000)


# --- Policies, funds, applications and talent services (the policies app) ----------------------------

FUND_NAMES = (
    "高质量发展激励资金",
    "成渝团结湖战略新兴产业投资基金",
    "科技创新专项资金",
    "人才安居专项资金",
    "青年人才专项资金",
)
SPECIAL_POLICIES = (
    "安家补助",
    "岗位激励",
    "家属安置",
    "创新创业",
    "青年人才",
    "柔性引才",
    "科技副总",
    "人才住房",
    "子女入学",
    "医疗保健",
)
RULE_POLICIES = ("专项资金管理办法", "免申即享工作规程", "一件事一次办实施细则", "川渝通办工作细则")
BENEFIT_KINDS = ("housing_subsidy", "position_incentive", "family_allowance", "startup_support", "other")
BENEFIT_LEVELS = ("", "（青年）", "（领军）", "（续期）")
APPLICATION_STATES = (
    ("draft", 8),
    ("submitted", 10),
    ("under_review", 12),
    ("approved", 20),
    ("disbursed", 35),
    ("rejected", 8),
    ("withdrawn", 7),
)
SERVICE_KINDS = ("schooling", "spouse_employment", "housing", "medical", "other")
SERVICE_STATES = (("open", 20), ("in_progress", 20), ("resolved", 50), ("cancelled", 10))


def generate_policy_system(rng: random.Random, years: int = 5) -> list:
    """Ten funds, fifteen policies ("1+10+N": one core, ten special, four rules) and forty benefits, through
    the services (few rows; they check the benefits' rules)."""
    from policies.models import PolicySeries, PolicyStatus
    from policies.services import benefit_save, fund_create, policy_create

    today = timezone.localdate()
    first_year = today.year - years + 1
    funds = [
        fund_create(
            name="人才发展专项资金",
            year=year,
            budget=Decimal(100_000_000 + 20_000_000 * (year - first_year)),
            is_active=year >= today.year - 1,
            by=None,
        )
        for year in range(first_year, today.year + 1)
    ]
    funds += [
        fund_create(name=name, year=first_year, budget=Decimal(500_000_000), by=None) for name in FUND_NAMES
    ]
    common = {
        "version": "3.0",
        "effective_from": datetime.date(first_year, 1, 1),
        "status": PolicyStatus.ACTIVE,
    }
    policy_create(
        by=None, series=PolicySeries.CORE, title="江津区“1+10+N”人才政策体系总纲（3.0版）", **common
    )
    special = [
        policy_create(
            by=None,
            series=PolicySeries.SPECIAL,
            title=f"江津区人才{name}办法",
            document_number=f"江津府办发〔{first_year}〕{11 + index}号",
            **common,
        )
        for index, name in enumerate(SPECIAL_POLICIES)
    ]
    for name in RULE_POLICIES:
        policy_create(by=None, series=PolicySeries.RULES, title=f"江津区人才政策{name}", **common)
    benefits = []
    for index in range(40):
        policy = special[index % len(special)]
        degree = ("BACHELOR", "MASTER", "MASTER", "DOCTOR")[index % 4]
        criteria = [{"type": "min_degree", "degree": degree}]
        if index % 5 == 1:
            criteria.append({"type": "max_age", "years": 45})
        if index % 7 == 3:
            criteria.append({"type": "not_already_granted"})
        if index % 3 == 0:
            amount_rule = {"type": "fixed", "amount": str(rng.choice((10000, 20000, 30000, 50000)))}
        else:
            amount_rule = {
                "type": "by_tier_degree",
                "by_tier": {"A": "1000000", "B": "500000", "C": "300000", "D": "150000", "E": "80000"},
                "by_degree": {"BACHELOR": "10000", "MASTER": "30000", "DOCTOR": "100000"},
                "default": "0",
            }
        installments = rng.choice(
            ([], ["0.5", "0.5"], ["0.5", "0.25", "0.25"], ["0.25", "0.25", "0.25", "0.25"])
        )
        benefits.append(
            benefit_save(
                by=None,
                policy=policy,
                name=f"{SPECIAL_POLICIES[index % len(SPECIAL_POLICIES)]}{BENEFIT_LEVELS[index // 10]}",
                kind=BENEFIT_KINDS[index % len(BENEFIT_KINDS)],
                criteria=criteria,
                amount_rule=amount_rule,
                installments=installments,
                fund=funds[-1 - index % len(FUND_NAMES)]
                if index % 4 == 3
                else funds[len(funds) - len(FUND_NAMES) - 1],
                sort_order=index,
            )
        )
    return benefits


def generate_applications(count: int, rng: random.Random, benefits: list, batch: int) -> None:
    """``count`` applications of signed and onboarded talents, each judged by the eligibility engine on
    its date (only eligible pairs, one per talent and benefit), spread over the states with the fund
    ledger to match: a commitment for every approved or paid one, a disbursement per installment paid
    (every installment for "disbursed", the first ones for some "approved"). Budgets too small for what
    their fund committed are raised, so no fund is overspent."""
    from policies.eligibility import Attributes, evaluate_benefit
    from policies.models import Fund, FundMovement, PolicyApplication
    from policies.rules import Reference, parse_benefit_rules

    reference = Reference.load()
    rules = {
        b.pk: parse_benefit_rules(
            criteria=b.criteria, amount_rule=b.amount_rule, installments=b.installments, reference=reference
        )
        for b in benefits
    }
    talents = list(
        Talent.objects.filter(stage__in=(TalentStage.SIGNED, TalentStage.ONBOARDED)).values_list(
            "pk",
            "highest_degree__code",
            "tier__code",
            "birth_year",
            "employer_enterprise_id",
            "mode",
            "owner_id",
        )
    )
    now = timezone.now()
    earliest = max(
        min(b.policy.effective_from for b in benefits), (now - datetime.timedelta(days=3 * 365)).date()
    )
    taken: set[tuple[int, int]] = set()
    applications, plans = [], []
    attempts = 0
    while len(applications) < count and attempts < count * 20:
        attempts += 1
        talent_id, degree, tier, birth_year, employer_id, mode, owner_id = rng.choice(talents)
        benefit = rng.choice(benefits)
        if (talent_id, benefit.pk) in taken:
            continue
        created = moment(rng, now, (now.date() - earliest).days)
        attributes = Attributes(
            degree=degree,
            tier=tier,
            birth_year=birth_year,
            employed_in_district=employer_id is not None,
            full_time=mode == Mode.FULL_TIME,
        )
        result = evaluate_benefit(
            benefit, attributes, on=created.date(), reference=reference, rules=rules[benefit.pk]
        )
        if not result.eligible:
            continue
        taken.add((talent_id, benefit.pk))
        state = weighted(rng, APPLICATION_STATES)
        submitted = created + datetime.timedelta(hours=rng.randrange(1, 240)) if state != "draft" else None
        decided = (
            submitted + datetime.timedelta(hours=rng.randrange(24, 600))
            if state in ("approved", "disbursed", "rejected")
            else None
        )
        last = min(max(moment for moment in (created, submitted, decided) if moment), now)
        applications.append(
            PolicyApplication(
                talent_id=talent_id,
                benefit=benefit,
                fund_id=benefit.fund_id,
                state=state,
                amount=result.amount,
                installment_plan=[str(part) for part in result.installments],
                eligibility=result.as_snapshot(created.date()),
                proposed_automatically=rng.random() < 0.3,
                owner_id=owner_id,
                returned_count=1 if state != "draft" and rng.random() < 0.05 else 0,
                created_by_id=owner_id,
                created_at=created,
                updated_at=last,
                submitted_at=submitted,
                decided_at=decided,
            )
        )
        if state == "disbursed":
            paid = len(result.installments)
        elif state == "approved":
            paid = rng.randrange(0, len(result.installments))
        else:
            paid = 0
        plans.append((result.installments, paid, min(decided, now) if decided else None))
    # Raise what budgets the commitments would overspend (a generous planner's budget).
    committed: dict[int, Decimal] = {}
    for application in applications:
        if application.state in ("approved", "disbursed"):
            committed[application.fund_id] = (
                committed.get(application.fund_id, Decimal(0)) + application.amount
            )
    for fund in Fund.objects.filter(pk__in=committed):
        if committed[fund.pk] > fund.budget:
            Fund.objects.filter(pk=fund.pk).update(
                budget=(committed[fund.pk] * Decimal("1.25")).quantize(Decimal(1))
            )
    with timestamps_as_given(PolicyApplication):
        for start in range(0, len(applications), batch):
            with transaction.atomic():
                rows = PolicyApplication.objects.bulk_create(applications[start : start + batch])
                movements = []
                for application, (installments, paid, decided) in zip(
                    rows, plans[start : start + batch], strict=True
                ):
                    if application.state not in ("approved", "disbursed"):
                        continue
                    movements.append(
                        FundMovement(
                            fund_id=application.fund_id,
                            kind="commit",
                            amount=application.amount,
                            application=application,
                            by_id=application.owner_id,
                            at=decided,
                        )
                    )
                    for number, part in enumerate(installments[:paid]):
                        at = min(decided + datetime.timedelta(days=30 + 365 * number), now)
                        movements.append(
                            FundMovement(
                                fund_id=application.fund_id,
                                kind="disburse",
                                amount=part,
                                application=application,
                                by_id=application.owner_id,
                                at=at,
                                note=f"第{number + 1}期拨付",
                            )
                        )
                FundMovement.objects.bulk_create(movements)
            if (start // batch) % 5 == 4:
                print(f" {start + batch}", end="", flush=True)
    print(f" {len(applications)}", end="", flush=True)


def generate_service_requests(count: int, rng: random.Random, users: list[User], batch: int) -> None:
    """``count`` talent service requests of onboarded and signed talents: half resolved, some cancelled,
    the open ones due over the coming weeks, some overdue."""
    from policies.models import ServiceRequest

    talents = list(
        Talent.objects.filter(stage__in=(TalentStage.SIGNED, TalentStage.ONBOARDED)).values_list(
            "pk", "owner_id"
        )
    )
    now = timezone.now()
    rows = []
    for _ in range(count):
        talent_id, owner_id = rng.choice(talents)
        state = weighted(rng, SERVICE_STATES)
        created = moment(rng, now, 2 * 365 if state in ("resolved", "cancelled") else 120)
        closed = (
            min(created + datetime.timedelta(days=rng.randrange(1, 90)), now)
            if state in ("resolved", "cancelled")
            else None
        )
        due = created.date() + datetime.timedelta(days=rng.randrange(7, 90)) if rng.random() < 0.9 else None
        rows.append(
            ServiceRequest(
                talent_id=talent_id,
                kind=rng.choice(SERVICE_KINDS),
                description="人才服务港受理",
                owner_id=owner_id if rng.random() < 0.9 else rng.choice(users).pk,
                due_on=due,
                state=state,
                resolution="已协调办结"
                if state == "resolved"
                else ("人才申请撤销" if state == "cancelled" else ""),
                resolved_at=closed,
                created_by_id=owner_id,
                created_at=created,
                updated_at=closed or min(created + datetime.timedelta(days=rng.randrange(0, 10)), now),
            )
        )
    with timestamps_as_given(ServiceRequest), transaction.atomic():
        ServiceRequest.objects.bulk_create(rows, batch_size=batch)


# --- Logged contacts, stage history, targets and ranking weights (the dashboard) ------------------

ACTIVITY_YEARS = 3
TALENT_PATH = (
    TalentStage.LEAD,
    TalentStage.CONTACTED,
    TalentStage.INTENT,
    TalentStage.SIGNED,
    TalentStage.ONBOARDED,
)
PROJECT_PATH = (
    ProjectStage.LEAD,
    ProjectStage.NEGOTIATING,
    ProjectStage.SIGNED,
    ProjectStage.STARTED,
    ProjectStage.OPERATING,
    ProjectStage.AT_CAPACITY,
)
PROJECT_DATE_FIELDS = {
    ProjectStage.STARTED: "started_on",
    ProjectStage.OPERATING: "operating_on",
    ProjectStage.AT_CAPACITY: "at_capacity_on",
    ProjectStage.TERMINATED: "terminated_on",
}
# Which stage a lost talent was lost from.
LOST_FROM = (
    (TalentStage.LEAD, 35),
    (TalentStage.CONTACTED, 35),
    (TalentStage.INTENT, 20),
    (TalentStage.SIGNED, 10),
)
# Share of the logged contacts per kind of record, and how busy a record is by its stage.
CONTACT_SHARES = (("talent", 0.55), ("project", 0.25), ("enterprise", 0.20))
TALENT_CONTACT_WEIGHTS = {"lead": 1, "contacted": 3, "intent": 6, "signed": 8, "onboarded": 6, "lost": 2}
PROJECT_CONTACT_WEIGHTS = {
    "lead": 4,
    "negotiating": 10,
    "signed": 8,
    "started": 6,
    "operating": 4,
    "at_capacity": 2,
    "terminated": 3,
}
CONTACT_CHANNELS = {
    "talent": (
        ("phone", 35),
        ("wechat", 35),
        ("email", 10),
        ("meeting", 8),
        ("visit", 5),
        ("event", 5),
        ("other", 2),
    ),
    "project": (("visit", 30), ("meeting", 30), ("phone", 25), ("wechat", 10), ("email", 3), ("other", 2)),
    "enterprise": (("visit", 45), ("phone", 25), ("meeting", 15), ("wechat", 10), ("other", 5)),
}
CONTACT_SUMMARIES = {
    "talent": (
        "电话沟通来津工作意向",
        "微信发送人才政策解读",
        "介绍安家补助申报条件",
        "了解家属随迁和子女入学需求",
        "推荐园区企业岗位",
        "邀请来津实地考察",
        "确认到岗时间",
        "回访入职后工作生活情况",
    ),
    "project": (
        "与投资方洽谈用地需求",
        "陪同投资方考察园区",
        "对接项目环评和能评",
        "协调签约文本",
        "跟进项目开工准备",
        "调度项目建设进度",
        "协调水电气接入",
        "了解投产后用工需求",
    ),
    "enterprise": (
        "走访企业了解用工需求",
        "收集企业人才需求清单",
        "宣讲惠企政策",
        "协调企业用地和融资问题",
        "了解企业科技副总需求",
        "回访企业满意度",
    ),
}
# 42 % of the contacts schedule the next one, 3 to 90 days on. The officer's next contact with the
# record closes it (as ``activity_log`` does); without one it is done on its day, or still open:
# not due yet, or forgotten (overdue) with this chance.
FOLLOW_UP_CHANCE, FOLLOW_UP_DAYS, FORGOTTEN_CHANCE = 0.42, (3, 90), 0.1
# A record's contacts thin out as it ages (most come soon after it is created): with the records
# created evenly over three years, 14 % of the contacts fall in the oldest year, 56 % in the last.
CONTACT_DECAY = 2
DASHBOARD_TABLES = (
    "core_activity",
    "core_stagechange",
    "talents_talent",
    "projects_investmentproject",
    "dashboard_target",
    "dashboard_rankingweight",
)


def copy_rows(model, fields: tuple[str, ...], rows, batch: int) -> int:
    """Write ``rows`` (tuples of ``fields``' values) into ``model``'s table: one COPY on PostgreSQL,
    bulk_create in batches otherwise. ``rows`` may be a generator, but one that runs no query: the
    connection is busy with the COPY until the last row."""
    done = 0
    if connection.vendor == "postgresql":
        columns = ", ".join(model._meta.get_field(name).column for name in fields)
        sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                done += 1
        return done
    pending = []
    with timestamps_as_given(model):
        for row in rows:
            pending.append(model(**dict(zip(fields, row, strict=True))))
            if len(pending) >= batch:
                model.objects.bulk_create(pending)
                done += len(pending)
                pending.clear()
        model.objects.bulk_create(pending)
    return done + len(pending)


def working_time(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """A moment of office hours (08:30–18:30, the district's time) on ``day``."""
    minutes = 510 + rng.randrange(600)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60)))


def moment_between(
    rng: random.Random, start: datetime.datetime, end: datetime.datetime, skew: float = 1
) -> datetime.datetime:
    """A moment between ``start`` and ``end``, in office hours when that stays within them; ``skew``
    above 1 makes early moments likelier (the density falls as ``t ** (1 / skew - 1)``)."""
    if end <= start:
        return start
    raw = start + (end - start) * rng.random() ** skew
    worked = working_time(rng, timezone.localtime(raw).date())
    return worked if start <= worked <= end else raw


def generate_stage_history(rng: random.Random, users: list[User], batch: int) -> tuple[int, dict, dict]:
    """Each project's and talent's stage path up to its current stage as StageChange rows (the
    creation "" → lead first), and the stage dates the services would have set where the default
    data left them empty: projects' started/operating/at-capacity/terminated dates, talents'
    signed and onboarded dates.

    Projects: the move into "signed" falls on ``signed_on`` (the default data signs a project on the
    day it was created, so its lead and negotiating stages last hours), the later moves between the
    signing and now. Talents: the moves between the record's creation and its last change
    (``updated_at``), so they spread over the last three years.

    Returns the rows written and, per project and talent, the moment its contacts stop (the
    termination or the loss; now otherwise)."""
    from django.contrib.contenttypes.models import ContentType

    from jinjin_crm.core.models import StageChange

    now = timezone.now()
    ids = [user.pk for user in users]
    project_type = ContentType.objects.get_for_model(InvestmentProject).pk
    talent_type = ContentType.objects.get_for_model(Talent).pk
    rows, project_end, talent_end = [], {}, {}
    project_updates = []

    def by(owner_id):
        return owner_id if owner_id and rng.random() < 0.9 else rng.choice(ids)

    projects = InvestmentProject.objects.order_by("pk").values_list(
        "pk", "stage", "created_at", "signed_on", "lead_officer_id", *PROJECT_DATE_FIELDS.values()
    )
    for pk, stage, created, signed_on, officer_id, *dates in projects:
        if stage == ProjectStage.TERMINATED:
            last_open = rng.choice(PROJECT_PATH[2:5]) if signed_on else rng.choice(PROJECT_PATH[:2])
            path = [*PROJECT_PATH[: PROJECT_PATH.index(last_open) + 1], ProjectStage.TERMINATED]
        else:
            path = list(PROJECT_PATH[: PROJECT_PATH.index(stage) + 1])
        moments = []
        if signed_on:
            signing = min(working_time(rng, signed_on), now)
            begun = min(created, signing - datetime.timedelta(minutes=rng.randrange(60, 360)))
            moments = [begun, begun + (signing - begun) * rng.uniform(0.3, 0.8), signing]
            moments += sorted(moment_between(rng, signing, now) for _ in path[3:])
        else:
            moments = [created]
            if len(path) > 1:
                moments += sorted(created + (now - created) * rng.uniform(0.05, 0.6) for _ in path[1:])
        previous = ""
        for to, at in zip(path, moments, strict=True):
            note = "创建" if not previous else ("项目终止" if to == ProjectStage.TERMINATED else "")
            rows.append((project_type, pk, previous, to, by(officer_id), at, note))
            previous = to
        project_end[pk] = moments[-1] if stage == ProjectStage.TERMINATED else now
        fill = {
            field: timezone.localtime(at).date()
            for to, at in zip(path, moments, strict=True)
            if (field := PROJECT_DATE_FIELDS.get(to))
            and dates[list(PROJECT_DATE_FIELDS.values()).index(field)] is None
        }
        if fill:
            project_updates.append(InvestmentProject(pk=pk, **fill))

    talent_updates = []
    talents = Talent.objects.order_by("pk").values_list(
        "pk", "stage", "created_at", "updated_at", "owner_id", "signed_on", "onboarded_on"
    )
    for pk, stage, created, updated, owner_id, signed_on, onboarded_on in talents:
        if stage == TalentStage.LOST:
            lost_from = weighted(rng, LOST_FROM)
            path = [*TALENT_PATH[: TALENT_PATH.index(lost_from) + 1], TalentStage.LOST]
        else:
            path = list(TALENT_PATH[: TALENT_PATH.index(stage) + 1])
        last = max(updated, created)
        moves = sorted(moment_between(rng, created, last) for _ in path[2:])
        moments = [created, *moves, last] if len(path) > 1 else [created]
        previous = ""
        for to, at in zip(path, moments, strict=True):
            note = "创建" if not previous else ("联系不上" if to == TalentStage.LOST else "")
            rows.append((talent_type, pk, previous, to, by(owner_id), at, note))
            previous = to
        talent_end[pk] = last if stage == TalentStage.LOST else now
        reached = dict(zip(path, moments, strict=True))
        fill = {}
        if TalentStage.SIGNED in reached and signed_on is None:
            fill["signed_on"] = timezone.localtime(reached[TalentStage.SIGNED]).date()
        if TalentStage.ONBOARDED in reached and onboarded_on is None:
            fill["onboarded_on"] = timezone.localtime(reached[TalentStage.ONBOARDED]).date()
        if fill:
            talent_updates.append(Talent(pk=pk, **fill))

    fields = ("content_type_id", "object_id", "from_stage", "to_stage", "changed_by_id", "changed_at", "note")
    written = copy_rows(StageChange, fields, rows, batch)
    with transaction.atomic():
        for model, updates in ((InvestmentProject, project_updates), (Talent, talent_updates)):
            for field_names in {tuple(sorted(row_fields(update))) for update in updates}:
                same = [update for update in updates if tuple(sorted(row_fields(update))) == field_names]
                model.objects.bulk_update(same, list(field_names), batch_size=1000)
    print(
        f" {written} changes, dates set on {len(project_updates)} projects and {len(talent_updates)} talents",
        end="",
    )
    return written, project_end, talent_end


def row_fields(instance) -> list[str]:
    """The stage-date fields set on an update-only instance (the others are None)."""
    names = ("started_on", "operating_on", "at_capacity_on", "terminated_on", "signed_on", "onboarded_on")
    return [name for name in names if getattr(instance, name, None) is not None]


def generate_activities(
    count: int, rng: random.Random, users: list[User], project_end: dict, talent_end: dict, batch: int
) -> dict:
    """``count`` logged contacts over the last three years with the talents, projects and enterprises,
    by their officers (a talent's owner, a project's lead officer, an officer of the enterprise's park;
    now and then a colleague), in the channels each kind of record sees, busier at the stages that
    need work. 42 % schedule the next contact (``FOLLOW_UP_CHANCE``), which the officer's next contact
    with the record closes; without one it is done on its day, or stays open: not due yet, or
    forgotten (overdue). Plus the system's "collect the talent demands" reminder of every signed
    project, at its signing (5 % still open)."""
    from django.contrib.contenttypes.models import ContentType

    from jinjin_crm.core.models import Activity

    now = timezone.now()
    today = timezone.localdate()
    earliest = now - datetime.timedelta(days=ACTIVITY_YEARS * 365)
    ids = [user.pk for user in users]
    by_park: dict[int, list[int]] = {}
    for user in users:
        for park_id in user.parks.values_list("pk", flat=True):
            by_park.setdefault(park_id, []).append(user.pk)

    records = {
        "talent": [
            (pk, owner_id, max(created, earliest), talent_end[pk], TALENT_CONTACT_WEIGHTS[stage])
            for pk, owner_id, created, stage in Talent.objects.order_by("pk").values_list(
                "pk", "owner_id", "created_at", "stage"
            )
        ],
        "project": [
            (pk, officer_id, max(created, earliest), project_end[pk], PROJECT_CONTACT_WEIGHTS[stage])
            for pk, officer_id, created, stage in InvestmentProject.objects.order_by("pk").values_list(
                "pk", "lead_officer_id", "created_at", "stage"
            )
        ],
        "enterprise": [
            (pk, rng.choice(by_park.get(park_id) or ids), max(created, earliest), now, 4 if is_key else 1)
            for pk, park_id, created, is_key in Enterprise.objects.order_by("pk").values_list(
                "pk", "park_id", "created_at", "is_key"
            )
        ],
    }
    types = {
        "talent": ContentType.objects.get_for_model(Talent).pk,
        "project": ContentType.objects.get_for_model(InvestmentProject).pk,
        "enterprise": ContentType.objects.get_for_model(Enterprise).pk,
    }
    counts = {}
    remaining = count
    for index, (kind, share) in enumerate(CONTACT_SHARES):
        counts[kind] = remaining if index == len(CONTACT_SHARES) - 1 else round(count * share)
        remaining -= counts[kind]
    stats = {"contacts": 0, "open": 0, "overdue": 0, "reminders": 0}
    # Read before the COPY starts: the connection runs no other query until it ends.
    signed = list(
        InvestmentProject.objects.filter(signed_on__isnull=False)
        .order_by("pk")
        .values_list("pk", "lead_officer_id", "signed_on")
    )

    def rows():
        for kind, rows_of_kind in records.items():
            if not rows_of_kind:
                continue
            per_record = [0] * len(rows_of_kind)
            for index in rng.choices(
                range(len(rows_of_kind)), weights=[row[4] for row in rows_of_kind], k=counts[kind]
            ):
                per_record[index] += 1
            channels, summaries = CONTACT_CHANNELS[kind], CONTACT_SUMMARIES[kind]
            for (pk, main_officer, start, end, _weight), n in zip(rows_of_kind, per_record, strict=True):
                if n == 0:
                    continue
                times = sorted(moment_between(rng, start, end, CONTACT_DECAY) for _ in range(n))
                officers_of = [
                    main_officer if main_officer and rng.random() < 0.85 else rng.choice(ids) for _ in times
                ]
                # The next contact of the same officer with the record closes the earlier follow-up.
                next_by_same: list[datetime.datetime | None] = [None] * n
                seen: dict[int, datetime.datetime] = {}
                for index in range(n - 1, -1, -1):
                    next_by_same[index] = seen.get(officers_of[index])
                    seen[officers_of[index]] = times[index]
                for index, (at, officer_id) in enumerate(zip(times, officers_of, strict=True)):
                    follow_up = done = None
                    if rng.random() < FOLLOW_UP_CHANCE:
                        day = timezone.localtime(at).date()
                        follow_up = day + datetime.timedelta(days=rng.randint(*FOLLOW_UP_DAYS))
                        if next_by_same[index] is not None:
                            done = next_by_same[index]
                        elif follow_up < today and rng.random() >= FORGOTTEN_CHANCE:
                            done = max(at, min(working_time(rng, follow_up), now))
                        # Otherwise open: not due yet, or forgotten (overdue).
                        if done is None:
                            stats["open"] += 1
                            stats["overdue"] += follow_up < today
                    stats["contacts"] += 1
                    yield (
                        types[kind],
                        pk,
                        officer_id,
                        weighted(rng, channels),
                        at,
                        rng.choice(summaries),
                        follow_up,
                        done,
                        min(at + datetime.timedelta(minutes=rng.randrange(1, 240)), now),
                    )
        # The system's reminder on signing (projects.services.project_transition), mostly done.
        for pk, officer_id, signed_on in signed:
            at = min(working_time(rng, signed_on), now)
            due = signed_on + datetime.timedelta(days=7)
            done = (
                None if rng.random() < 0.05 else min(at + datetime.timedelta(days=rng.randrange(1, 10)), now)
            )
            if done is None:
                stats["open"] += 1
                stats["overdue"] += due < today
            stats["reminders"] += 1
            yield (types["project"], pk, officer_id, "system", at, "项目已签约：收集人才需求", due, done, at)

    fields = (
        "content_type_id",
        "object_id",
        "officer_id",
        "channel",
        "occurred_at",
        "summary",
        "next_follow_up_on",
        "follow_up_done_at",
        "created_at",
    )
    copy_rows(Activity, fields, rows(), batch)
    print(
        f" {stats['contacts']} contacts and {stats['reminders']} reminders;"
        f" {stats['open']} open follow-ups, {stats['overdue']} overdue",
        end="",
    )
    return stats


def nice(value: Decimal, whole: bool) -> Decimal:
    """``value`` rounded as a planner writes a target: whole numbers for counts, three significant
    figures for money."""
    if whole:
        return Decimal(max(1, round(value)))
    if value <= 0:
        return Decimal("0")
    exponent = value.adjusted() - 2
    return (value.scaleb(-exponent).quantize(Decimal(1)).scaleb(exponent)).quantize(Decimal("0.01"))


def generate_targets(rng: random.Random, years: int) -> tuple[int, int]:
    """Targets for the last ``years`` years (each year and its halves) for the district and the four
    industrial parks, on every metric counted for that scope except the "as of today" ones: the
    period's actual in this database, scaled to the whole period when it is under way, times
    0.85–1.25, so the ledger shows every flag. Metrics the data holds no records for (funds arrived,
    teams) get a nominal target: 30 % of the agreed investment's, a team a year per park, four for
    the district. Written through ``target_set``. Then the ranking's weights of the demo, if none
    are set."""
    from jinjin_crm.dashboard import demo
    from jinjin_crm.dashboard import metrics as metric_defs
    from jinjin_crm.dashboard.models import RankingWeight
    from jinjin_crm.dashboard.periods import HALF, YEAR, Period
    from jinjin_crm.dashboard.scopes import district, park_scope, ranked_parks
    from jinjin_crm.dashboard.services import ranking_weight_set, target_set

    today = timezone.localdate()
    scopes = [district(), *[park_scope(park) for park in ranked_parks()]]
    metrics = [metric for metric in metric_defs.METRICS if not metric.snapshot]
    written = 0
    for year in range(today.year - years + 1, today.year + 1):
        for period in (Period(YEAR, year), Period(HALF, year, 1), Period(HALF, year, 2)):
            if period.start > today:
                continue
            elapsed = Decimal(str(period.elapsed_share(today)))
            values = metric_defs.evaluate([metric.code for metric in metrics], period, scopes)
            planned: dict[tuple[str, str], Decimal] = {}
            for metric in metrics:
                for scope in scopes:
                    found = values[metric.code].get(scope.key)
                    if found is None:
                        continue
                    actual = Decimal(found.value)
                    factor = Decimal(str(round(rng.uniform(0.85, 1.25), 3)))
                    if actual > 0:
                        value = nice(actual / elapsed * factor, metric.unit == metric_defs.COUNT)
                    elif metric.code == "funds_arrived":
                        value = nice(
                            planned.get(("agreed_investment", scope.key), Decimal(0)) * Decimal("0.3"), False
                        )
                    elif metric.code == "teams_introduced":
                        per_year = 4 if scope.kind == "district" else 1
                        value = Decimal(per_year if period.kind == YEAR else max(1, per_year // 2))
                    else:
                        value = Decimal(1) if metric.unit == metric_defs.COUNT else Decimal(0)
                    planned[(metric.code, scope.key)] = value
                    target_set(
                        period=period.code,
                        metric=metric.code,
                        scope=scope.kind,
                        park=scope.park,
                        value=value,
                        note="基准测试目标",
                        by=None,
                    )
                    written += 1
    weights = 0
    if not RankingWeight.objects.exists():
        for order, (code, weight) in enumerate(demo.WEIGHTS.items(), start=1):
            ranking_weight_set(metric=code, weight=weight, cap=demo.CAP, sort_order=order * 10, by=None)
            weights += 1
    print(f" {written} targets, {weights} ranking weights", end="")
    return written, weights


CORE_TABLES = (
    "talents_talent",
    "talents_talent_disciplines",
    "projects_enterprise",
    "projects_investmentproject",
    "projects_talentdemand",
    "projects_talentdemand_disciplines",
)
CAMPAIGN_TABLES = (
    "campaigns_university",
    "campaigns_partnership",
    "campaigns_campaign",
    "campaigns_campaign_officers",
    "campaigns_contact",
    "campaigns_campaignproject",
    "campaigns_placementbatch",
    "campaigns_placement",
    "campaigns_placementoutcome",
)
POLICY_TABLES = (
    "policies_fund",
    "policies_policy",
    "policies_benefit",
    "policies_policyapplication",
    "policies_fundmovement",
    "policies_servicerequest",
)


def analyse(tables=CORE_TABLES) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                # Also flushes the GIN index's pending list, as autovacuum would after a while.
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talents", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--batch", type=int, default=2000, help="rows per INSERT (default 2000)")
    parser.add_argument("--demands", type=int, default=30_000)
    parser.add_argument("--append", action="store_true", help="add to a database that already has talents")
    parser.add_argument(
        "--demands-only",
        action="store_true",
        help="only add --demands talent demands over the enterprises and projects already there",
    )
    new_apps = parser.add_argument_group(
        "campaigns and policies", "added to a database that already has talents, enterprises and projects"
    )
    new_apps.add_argument(
        "--campaigns-only",
        action="store_true",
        help="only add universities, campaigns with their contacts, campaign projects and placements",
    )
    new_apps.add_argument(
        "--policies-only",
        action="store_true",
        help="only add funds, policies, benefits, applications with their ledger and service requests",
    )
    new_apps.add_argument("--universities", type=int, default=300, help="beyond the 20 named ones")
    new_apps.add_argument("--campaigns", type=int, default=2000)
    new_apps.add_argument("--contacts", type=int, default=300_000)
    new_apps.add_argument("--campaign-projects", type=int, default=500)
    new_apps.add_argument("--placement-batches", type=int, default=20)
    new_apps.add_argument("--placements", type=int, default=1500)
    new_apps.add_argument("--placement-outcomes", type=int, default=6000)
    new_apps.add_argument("--applications", type=int, default=50_000)
    new_apps.add_argument("--service-requests", type=int, default=10_000)
    dashboard = parser.add_argument_group(
        "the leadership dashboard",
        "logged contacts, stage history, targets and ranking weights, added to a database that holds"
        " the default data",
    )
    dashboard.add_argument(
        "--activity-only",
        action="store_true",
        help="only add --activities logged contacts, the projects' and talents' stage history (with"
        " their stage dates), --targets years of targets and the ranking weights",
    )
    dashboard.add_argument("--activities", type=int, default=1_000_000)
    dashboard.add_argument("--targets", type=int, default=3, metavar="YEARS", help="years of targets (3)")
    args = parser.parse_args(argv)

    settings = connection.settings_dict
    print(f"Database: {connection.vendor} {settings['NAME']} on {settings.get('HOST') or 'local'}")
    if args.demands_only:
        rng = random.Random(args.seed + 1)
        started = time.perf_counter()
        with Phase(f"{args.demands} talent demands"):
            generate_demands(args.demands, rng, args.batch)
        with Phase("vacuum analyse"):
            analyse()
        print(f"Done in {time.perf_counter() - started:.0f} s: {TalentDemand.objects.count()} demands.")
        return
    if args.campaigns_only or args.policies_only:
        add_new_apps(args, parser)
    if args.activity_only:
        add_dashboard_data(args, parser)
    if args.campaigns_only or args.policies_only or args.activity_only:
        return
    if Talent.objects.exists() and not args.append:
        parser.error("this database already holds talents; use a database of its own, or --append")
    rng = random.Random(args.seed)
    fake = Faker("zh_CN")
    fake.seed_instance(args.seed)
    started = time.perf_counter()
    with Phase(f"{OFFICERS} officers"):
        users = officers()
    with Phase(f"{args.enterprises} enterprises"):
        enterprises = generate_enterprises(args.enterprises, rng, fake, args.batch)
    with Phase(f"{args.projects} projects"):
        generate_projects(args.projects, rng, users, args.batch)
    with Phase(f"{args.talents} talents"):
        generate_talents(args.talents, TalentFactory(rng, fake, users, enterprises), args.batch)
    with Phase(f"{args.demands} talent demands"):
        generate_demands(args.demands, rng, args.batch)
    with Phase("vacuum analyse"):
        analyse()
    print(f"Done in {time.perf_counter() - started:.0f} s: {Talent.objects.count()} talents in the database.")


def add_new_apps(args, parser) -> None:
    """The campaigns and policies apps' tables over the talents, enterprises and projects already there.
    Refuses to run twice: a second run would double the rows."""
    from campaigns.models import Campaign
    from policies.models import Policy

    if not Talent.objects.exists():
        parser.error("no talents: generate the core dataset first")
    if args.campaigns_only and Campaign.objects.exists():
        parser.error("this database already holds campaigns")
    if args.policies_only and Policy.objects.exists():
        parser.error("this database already holds policies")
    users = officers()
    started = time.perf_counter()
    if args.campaigns_only:
        rng = random.Random(args.seed + 2)
        with Phase(f"{len(UNIVERSITIES) + args.universities} universities"):
            universities = generate_universities(args.universities, rng)
        with Phase(f"{args.campaigns} campaigns, {args.contacts} contacts"):
            campaigns = generate_campaigns(
                args.campaigns, args.contacts, rng, users, universities, args.batch
            )
        with Phase(f"{args.campaign_projects} campaign projects"):
            generate_campaign_projects(args.campaign_projects, rng, campaigns, users)
        label = f"{args.placement_batches} batches, {args.placements} placements"
        with Phase(f"{label}, {args.placement_outcomes} outcomes"):
            generate_placements(args.placement_batches, args.placements, args.placement_outcomes, rng, users)
        with Phase("vacuum analyse"):
            analyse(CAMPAIGN_TABLES)
    if args.policies_only:
        rng = random.Random(args.seed + 3)
        with Phase("policy system (funds, policies, benefits)"):
            benefits = generate_policy_system(rng)
        with Phase(f"{args.applications} applications and their ledger"):
            generate_applications(args.applications, rng, benefits, args.batch)
        with Phase(f"{args.service_requests} service requests"):
            generate_service_requests(args.service_requests, rng, users, args.batch)
        with Phase("vacuum analyse"):
            analyse(POLICY_TABLES)
    print(f"Done in {time.perf_counter() - started:.0f} s.")


def add_dashboard_data(args, parser) -> None:
    """Logged contacts, the stage history, targets and ranking weights over the default data.
    Refuses to run twice: a second run would double the contacts and the history."""
    from jinjin_crm.core.models import Activity, StageChange

    if not Talent.objects.exists() or not InvestmentProject.objects.exists():
        parser.error("no talents or projects: generate the core dataset first")
    if Activity.objects.exists():
        parser.error("this database already holds activities")
    if StageChange.objects.filter(content_type__app_label__in=("talents", "projects")).exists():
        parser.error("this database already holds the talents' or projects' stage history")
    users = officers()
    rng = random.Random(args.seed + 4)
    started = time.perf_counter()
    with transaction.atomic():  # all or nothing: a failed run can simply be run again
        with Phase("stage history of the projects and talents"):
            _written, project_end, talent_end = generate_stage_history(rng, users, args.batch)
        with Phase(f"{args.activities} logged contacts"):
            generate_activities(args.activities, rng, users, project_end, talent_end, args.batch)
        with Phase(f"targets for {args.targets} years, ranking weights"):
            generate_targets(rng, args.targets)
    with Phase("vacuum analyse"):
        analyse(DASHBOARD_TABLES)
    print(f"Done in {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
