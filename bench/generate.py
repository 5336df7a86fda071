"""Load a district-scale dataset into the database at DATABASE_URL, for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinjin_bench DEBUG=true \\
        .venv/bin/python bench/generate.py --talents 100000 --enterprises 20000 --projects 10000

    # only add talent demands to a database that already has enterprises and projects
    .venv/bin/python bench/generate.py --demands-only --demands 30000

Reproducible: the same ``--seed`` and counts give the same rows (except the encrypted values, whose
tokens carry a random IV, and the timestamps, which are relative to today). Fast: rows go in with
``bulk_create`` in batches, bypassing the services' one-record-at-a-time checks, so the rows are
valid by construction (valid ID numbers and mobiles, unique credit codes); ``search_text`` is
computed by ``talents.search.search_text_for`` exactly as the services do, the phone is encrypted
and its blind index filled by the model fields. No history or stage-change rows are written: the
list and search do not read them.

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


def analyse() -> None:
    tables = (
        "talents_talent",
        "talents_talent_disciplines",
        "projects_enterprise",
        "projects_investmentproject",
        "projects_talentdemand",
        "projects_talentdemand_disciplines",
    )
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


if __name__ == "__main__":
    main()
