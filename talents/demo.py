"""Demo talents: a district's few thousand contacts, spread along the pipeline.

Drawn from the district's report where it has facts (DESIGN §1): recruiting visits to 南开大学 and
北京理工大学, strategic partners 重庆大学 and 清华大学深圳国际研究生院, three teams led by
national-level talents introduced flexibly (柔性引进), the academician behind the wind-turbine-blade
recycling project, and 重庆多弧科技有限公司, founded by a talent and in the national finals of the 10th
China Innovation and Entrepreneurship Competition. The rest is generated: zh_CN names, valid ID numbers
and mobiles, degrees skewed to master's and PhD, few tiered talents, contacts and follow-ups so each
officer's worklist has work due today, overdue and going cold, and 20 deliberate duplicate pairs.

The named records (teams, founders, duplicate pairs, about 80 talents) are written through the
talents and core services, and only the timestamps that those services set to "now" are moved into
the past afterwards, so the demo reads like a ledger kept for a year. The generated talents go in
in bulk (``_Seeder.create_many``) under the same services' rules: each record is normalised and
validated as ``talent_create`` does, every move is a legal one of ``TRANSITIONS``, dated, with its
stage-history line and audit-history row, and the contacts are logged as ``activity_log`` would.
What the bulk path skips is per-row work a fresh demo database does not need: the row locks and
re-reads of ``talent_transition``, the ID-number and foreign-key look-ups of records the seed has
just made or read, and one search-token refresh query per record (the tokens are computed in the
same pass) — 2,000 talents in a few seconds instead of twenty.

``DEMO_TALENTS`` in the environment sets how many talents are generated (default 2,000; the named
ones and the duplicates are made whatever the number); the campaigns demo scales the people met on
campaigns by the same factor (``demo_scale``).
"""

import datetime
import os
import random
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from faker import Faker
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from jinjin_crm.core.demo import progress
from jinjin_crm.core.models import Activity, Degree, Discipline, StageChange, TalentTier, User
from jinjin_crm.core.services import activity_log, follow_up_schedule
from jinjin_crm.core.validators import date_not_future
from projects.models import Enterprise

from .models import TRANSITIONS, ConsentMethod, Mode, Source, Stage, Talent, Team
from .search import search_text_for
from .services import (
    STAGE_DATE_FIELDS,
    TALENT_FIELDS,
    founded_enterprise_record,
    talent_assign,
    talent_create,
    talent_personal_data_normalise,
    talent_transition,
    team_create,
    team_member_add,
)

# The district's few thousand contacts; the campaigns demo's size follows this number too.
DEFAULT_COUNT = 2000
DUPLICATE_PAIRS = 20
# Generated talents are planned and written this many at a time (and the progress line counts them).
BULK_BATCH = 250
# What ``talent_create`` validates that the bulk path leaves out: the foreign keys (the seed has
# just read them from the database) and, as the service does, the users and the many-to-many.
BULK_UNCHECKED = (
    "created_by",
    "owner",
    "consent_recorded_by",
    "disciplines",
    "highest_degree",
    "tier",
    "employer_enterprise",
)


def demo_talents() -> int:
    """How many talents the demo generates: ``DEMO_TALENTS``, or 2,000."""
    return int(os.environ.get("DEMO_TALENTS") or DEFAULT_COUNT)


def demo_scale() -> float:
    """The demo's size against the default (1.0 at 2,000 talents), for the apps whose demo records
    grow with the number of people (the campaigns' sign-in sheets)."""
    return demo_talents() / DEFAULT_COUNT


# name, weight: the partners and the universities of the recruiting visits come up most.
UNIVERSITIES = (
    ("重庆大学", 14),
    ("南开大学", 8),
    ("北京理工大学", 8),
    ("清华大学深圳国际研究生院", 5),
    ("西南大学", 8),
    ("四川大学", 7),
    ("电子科技大学", 7),
    ("哈尔滨工业大学", 4),
    ("华中科技大学", 5),
    ("西安交通大学", 5),
    ("西南交通大学", 5),
    ("重庆邮电大学", 5),
    ("重庆交通大学", 4),
    ("重庆理工大学", 3),
    ("天津大学", 3),
    ("武汉大学", 3),
    ("同济大学", 2),
    ("浙江大学", 2),
    ("北京航空航天大学", 2),
    ("中国科学院大学", 3),
)
# code, weight, research keywords: the district's industries (vehicles, materials, digital, PV, …).
DISCIPLINES = (
    ("0802", 14, ("精密制造", "工业机器人", "数控机床", "液压传动", "汽车轻量化")),
    ("0805", 12, ("复合材料", "特种合金", "PVD镀膜", "先进陶瓷", "纳米材料")),
    ("0808", 9, ("电机驱动", "电力电子", "储能系统", "新能源并网")),
    ("0809", 7, ("半导体器件", "功率芯片", "传感器", "光电子")),
    ("0811", 8, ("智能网联汽车", "自动驾驶", "机器视觉", "运动控制")),
    ("0812", 12, ("深度学习", "计算机视觉", "大数据", "边缘计算")),
    ("0835", 5, ("工业软件", "嵌入式系统", "软件测试")),
    ("0810", 4, ("物联网", "5G通信", "信号处理")),
    ("0817", 6, ("精细化工", "催化", "电子化学品")),
    ("0830", 4, ("固废资源化", "水处理", "碳中和")),
    ("0702", 4, ("光伏电池", "等离子体", "凝聚态物理")),
    ("0703", 5, ("锂电正极材料", "有机合成", "电化学")),
    ("0823", 2, ("多式联运", "物流系统")),
    ("0832", 2, ("食品精深加工", "预制菜工艺")),
    ("1202", 4, ("供应链管理", "市场营销", "企业管理")),
)
DEGREES = (("DOCTOR", 35), ("MASTER", 45), ("BACHELOR", 17), ("COLLEGE", 3))
# Most talents hold no tier; the few A–C are the district's prize catches.
# The one tier-A talent (an academician) is named below.
TIERS = ((None, 72), ("E", 19), ("D", 6.5), ("C", 2), ("B", 0.5))
# Where a talent ends up: half the contacts never get past the first call.
STAGES = (
    (Stage.LEAD, 33),
    (Stage.CONTACTED, 24),
    (Stage.INTENT, 14),
    (Stage.SIGNED, 8),
    (Stage.ONBOARDED, 12),
    (Stage.LOST, 9),
)
PIPELINE = (Stage.LEAD, Stage.CONTACTED, Stage.INTENT, Stage.SIGNED, Stage.ONBOARDED)
LOST_REASONS = (
    "已接受其他城市的工作邀约",
    "薪酬期望与企业岗位不匹配",
    "家庭原因，暂不考虑来渝",
    "继续深造，赴海外从事博士后研究",
    "多次联系未果，联系方式失效",
    "意向企业岗位已招满",
)
SOURCES = (
    (
        Source.CAMPAIGN,
        40,
        ("南开大学校园招聘会", "北京理工大学校园招聘会", "津鹰人才荟", "重庆大学专场招聘会"),
    ),
    (Source.PLATFORM, 22, ("江津智慧人才平台", "渝才荟")),
    (Source.REFERRAL, 18, ("企业推荐", "园区推荐", "校友推荐")),
    (Source.PROJECT, 12, ("招商项目随迁", "项目方推荐")),
    (Source.OTHER, 8, ("青年人才读书荟", "")),
)
TITLES = {
    "DOCTOR": ("副教授", "研究员", "高级工程师", "博士后", "讲师", ""),
    "MASTER": ("工程师", "高级工程师", "", ""),
    "BACHELOR": ("工程师", "助理工程师", ""),
    "COLLEGE": ("技师", ""),
}
LOCATIONS = ("重庆", "成都", "西安", "武汉", "北京", "天津", "深圳", "上海", "南京", "长沙", "哈尔滨", "杭州")
# Area codes by the birth years they were in use (an ID number keeps the code of its registration):
# Chongqing's districts were Sichuan's 5102xx until 1997.
AREAS_BEFORE_1997 = ("510215", "510212", "510213", "510203", "510211", "510104", "510107", "510106", "511002")
AREAS_FROM_1997 = ("500381", "500106", "500107", "500108", "500112", "500113", "510104", "510107", "510108")
AREAS_ELSEWHERE = ("420111", "610113", "120104", "110108", "430104", "370102", "520102", "530102")
MOBILE_PREFIXES = (
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "177",
    "183",
    "186",
    "187",
    "189",
    "198",
)
CHANNELS = (
    Activity.Channel.PHONE,
    Activity.Channel.PHONE,
    Activity.Channel.WECHAT,
    Activity.Channel.WECHAT,
    Activity.Channel.VISIT,
    Activity.Channel.MEETING,
    Activity.Channel.EMAIL,
    Activity.Channel.EVENT,
)
CONTACTS = {
    Stage.LEAD: ("整理招聘会签到信息，待电话联系", "发送岗位信息邮件，待回复", "园区转来简历，待联系"),
    Stage.CONTACTED: (
        "电话沟通，介绍江津区“1+10+N”人才政策",
        "微信发送园区企业岗位信息",
        "初次联系，了解求职意向",
    ),
    Stage.INTENT: ("邀请来津实地考察园区企业", "陪同走访意向企业，对接岗位", "介绍安家补助和岗位激励政策"),
    Stage.SIGNED: ("协助签订引进协议", "协调企业落实岗位待遇"),
    Stage.ONBOARDED: ("办理入职及安家补助申请", "科创人才服务港协助子女入学", "入职回访"),
    Stage.LOST: ("回访了解未能引进的原因",),
}
FOLLOW_UPS = (
    "回访确认来津考察时间",
    "跟进企业面试结果",
    "提醒提交安家补助申请材料",
    "确认签约意向",
    "发送最新人才需求目录",
)


def _weighted(rng: random.Random, table):
    return rng.choices(table, weights=[row[1] for row in table])[0]


class TalentPlan(NamedTuple):
    """One talent as the story has it, before anything is written."""

    facts: dict  # the fields ``talent_create`` takes
    disciplines: list
    officer: User
    created: datetime.datetime
    moves: list  # (stage, moment, note), in order along the pipeline
    contacts: tuple | list = ()  # (occurred at, channel, summary): the contacts that moved it
    note: str = "演示数据"  # of the creation's stage-history line


def talents_write(plans: list[TalentPlan]) -> list[Talent]:
    """The planned talents in bulk, under the rules ``talent_create`` and ``talent_transition``
    apply (see the module's docstring), each dated as its story says; the campaigns demo writes its
    experts with it too."""
    talents = []
    for plan in plans:
        unknown = set(plan.facts) - set(TALENT_FIELDS)
        if unknown:
            raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
        talent = Talent(stage=Stage.LEAD, created_by=plan.officer, **plan.facts)
        talent_personal_data_normalise(talent)
        talent.owner, talent.assigned_at = plan.officer, plan.created
        if talent.consent_method:
            talent.consent_recorded_by, talent.consent_at = plan.officer, plan.created
        talent.full_clean(exclude=BULK_UNCHECKED, validate_constraints=False)
        for to, moment, note in plan.moves:
            if to not in TRANSITIONS[talent.stage]:
                raise ValueError(f"the demo planned an illegal move {talent.stage} → {to}")
            date_not_future(moment.date(), field="on")
            if to == Stage.LOST:
                if not note.strip():
                    raise ValueError("the demo planned a loss without a reason")
                talent.lost_reason = note.strip()
            if to in STAGE_DATE_FIELDS:
                setattr(talent, STAGE_DATE_FIELDS[to], moment.date())
            talent.stage = to
        talent.search_text = search_text_for(
            name=talent.name,
            university=talent.university,
            disciplines=plan.disciplines,
            keywords=talent.research_keywords,
            phone=talent.phone,
        )
        talents.append(talent)
    Talent.objects.bulk_create(talents, batch_size=500)
    # bulk_create stamps "now" on creation; the story's moments go back in (the creation, the last
    # move) before the audit history copies them.
    for talent, plan in zip(talents, plans, strict=True):
        talent.created_at = plan.created
        talent.updated_at = plan.moves[-1][1] if plan.moves else plan.created
    Talent.objects.bulk_update(talents, ["created_at", "updated_at"], batch_size=500)
    Link = Talent.disciplines.through
    Link.objects.bulk_create(
        [
            Link(talent_id=talent.pk, discipline_id=discipline.pk)
            for talent, plan in zip(talents, plans, strict=True)
            for discipline in dict.fromkeys(plan.disciplines)
        ],
        batch_size=1000,
    )
    _history_write(talents, plans)
    _contacts_write(
        (talent.pk, plan.officer.pk, occurred_at, channel, summary)
        for talent, plan in zip(talents, plans, strict=True)
        for occurred_at, channel, summary in plan.contacts
    )
    return talents


def _history_write(talents: list[Talent], plans: list[TalentPlan]) -> None:
    """The stage-history lines and the audit-history rows the services would have written: one
    for the creation as a lead, one per move, each at its moment."""
    talent_type = ContentType.objects.get_for_model(Talent)
    changes = []
    final = [(t.stage, t.signed_on, t.onboarded_on, t.lost_reason) for t in talents]
    for talent, plan in zip(talents, plans, strict=True):
        changes.append(
            StageChange(
                content_type=talent_type,
                object_id=talent.pk,
                from_stage="",
                to_stage=Stage.LEAD,
                changed_by=plan.officer,
                changed_at=plan.created,
                note=plan.note,
            )
        )
        before = Stage.LEAD
        for to, moment, note in plan.moves:
            changes.append(
                StageChange(
                    content_type=talent_type,
                    object_id=talent.pk,
                    from_stage=before,
                    to_stage=to,
                    changed_by=plan.officer,
                    changed_at=moment,
                    note=note,
                )
            )
            before = to
    StageChange.objects.bulk_create(changes, batch_size=1000)
    # The audit history: the record as created, then as each move left it.
    for talent, plan in zip(talents, plans, strict=True):
        talent.stage, talent.lost_reason = Stage.LEAD, ""
        talent.signed_on = talent.onboarded_on = None
        talent._history_date = plan.created
    Talent.history.bulk_history_create(talents, batch_size=500)
    for step in range(max((len(plan.moves) for plan in plans), default=0)):
        moved = []
        for talent, plan in zip(talents, plans, strict=True):
            if step < len(plan.moves):
                to, moment, note = plan.moves[step]
                if to == Stage.LOST:
                    talent.lost_reason = note
                if to in STAGE_DATE_FIELDS:
                    setattr(talent, STAGE_DATE_FIELDS[to], moment.date())
                talent.stage, talent._history_date = to, moment
                moved.append(talent)
        Talent.history.bulk_history_create(moved, batch_size=500, update=True)
    for talent, (stage, signed_on, onboarded_on, lost_reason) in zip(talents, final, strict=True):
        talent.stage, talent.signed_on, talent.onboarded_on, talent.lost_reason = (
            stage,
            signed_on,
            onboarded_on,
            lost_reason,
        )
        del talent._history_date


def _contacts_write(rows) -> int:
    """Contacts with talents that have no open follow-up (new records), checked as ``activity_log``
    checks them: in bulk, since that service's closing of earlier follow-ups has nothing to close."""
    talent_type = ContentType.objects.get_for_model(Talent)
    latest = timezone.now() + datetime.timedelta(minutes=5)
    activities = []
    for talent_id, officer_id, occurred_at, channel, summary in rows:
        if not summary.strip() or channel not in Activity.Channel.values or occurred_at > latest:
            raise ValueError(f"the demo planned an invalid contact: {channel} {summary!r} {occurred_at}")
        activities.append(
            Activity(
                content_type=talent_type,
                object_id=talent_id,
                officer_id=officer_id,
                channel=channel,
                summary=summary.strip(),
                occurred_at=occurred_at,
            )
        )
    Activity.objects.bulk_create(activities, batch_size=1000)
    return len(activities)


class _People:
    """Unique, valid ID numbers and mobiles (the check character computed, the prefix a real one)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()

    def id_number(self, birth_year: int, gender: str) -> str:
        rng = self.rng
        local = AREAS_BEFORE_1997 if birth_year < 1997 else AREAS_FROM_1997
        areas = list(local) * 3 + list(AREAS_ELSEWHERE)
        rng.shuffle(areas)
        birth = datetime.date(birth_year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        for area in areas:
            sequence = rng.randrange(0, 1000, 2) + (1 if gender == "M" else 0)
            body = f"{area}{birth:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number in self.id_numbers:
                continue
            try:
                ric.get_birth_place(number)
            except stdnum_errors.ValidationError:
                continue  # the code was not in use in that year: the service would warn
            self.id_numbers.add(number)
            return number
        return ""

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number


class _Seeder:
    def __init__(self, count: int):
        self.count = count
        self.rng = random.Random(2024)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(2024)
        self.people = _People(self.rng)
        self.now = timezone.now()
        self.today = timezone.localdate()
        park_officers = ("officer_dg", "officer_sf", "officer_lh", "officer_bs")
        users = {
            user.username: user for user in User.objects.filter(username__in=(*park_officers, "investment"))
        }
        self.officers = [users[name] for name in park_officers if name in users]
        self.investment = users.get("investment")
        self.degrees = {degree.code: degree for degree in Degree.objects.all()}
        self.tiers = {tier.code: tier for tier in TalentTier.objects.all()}
        self.disciplines = {discipline.code: discipline for discipline in Discipline.objects.all()}
        self.enterprises = {
            enterprise.name: enterprise for enterprise in Enterprise.objects.select_related("park")
        }
        self.identities: set[tuple] = set()
        # talent pk -> the dates of its stage changes, oldest first, to date afterwards the history of
        # the talents written through the services.
        self.timeline: dict[int, list[datetime.datetime]] = {}
        self.made = 0
        self.talent_type = ContentType.objects.get_for_model(Talent)

    # --- one talent ----------------------------------------------------------------------------

    def _moment(self, days_ago: int) -> datetime.datetime:
        minutes = self.rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        day = timezone.localtime(self.now) - datetime.timedelta(days=days_ago)
        moment = day.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
        # Today's office hours may not have come yet; nothing is dated in the future.
        return min(moment, self.now - datetime.timedelta(minutes=self.rng.randint(5, 60)))

    def _facts(self, *, degree: str | None = None, tier: str | None = None) -> dict:
        rng, fake = self.rng, self.fake
        degree = degree or _weighted(rng, DEGREES)[0]
        tier = tier if tier is not None else _weighted(rng, TIERS)[0]
        if tier in ("A", "B"):
            birth_year = rng.randint(1960, 1978)
        elif tier in ("C", "D") or degree == "DOCTOR":
            birth_year = rng.randint(1975, 1996)
        else:
            birth_year = rng.randint(1985, 2001)
        gender = "M" if rng.random() < 0.64 else "F"
        name = fake.name_male() if gender == "M" else fake.name_female()
        primary = _weighted(rng, DISCIPLINES)
        codes = [primary[0]]
        if rng.random() < 0.25:
            codes.append(_weighted(rng, DISCIPLINES)[0])
        keywords = rng.sample(primary[2], k=min(len(primary[2]), rng.randint(1, 3)))
        source, _weight, details = _weighted(rng, SOURCES)
        university = _weighted(rng, UNIVERSITIES)[0]
        facts = {
            "name": name,
            "gender": gender,
            "birth_year": birth_year,
            "highest_degree": self.degrees[degree],
            "university": university,
            "research_keywords": ",".join(keywords),
            "title": rng.choice(TITLES[degree]),
            "tier": self.tiers[tier] if tier else None,
            "location": rng.choice(LOCATIONS),
            "source": source,
            "source_detail": rng.choice(details),
            "mode": Mode.FLEXIBLE if rng.random() < 0.08 else Mode.FULL_TIME,
            "disciplines": [self.disciplines[code] for code in dict.fromkeys(codes)],
        }
        if birth_year >= 1996 and degree in ("MASTER", "DOCTOR"):
            facts["employer"] = f"{university}（在读）"
        elif rng.random() < 0.7:
            facts["employer"] = self.fake.company()
        # Officers collect a phone from nearly everyone, an ID number once it gets serious.
        if rng.random() < 0.9:
            facts["phone"] = self.people.phone()
        if rng.random() < 0.4:
            facts["id_number"] = self.people.id_number(birth_year, gender)
        if rng.random() < 0.45:
            facts["email"] = self.fake.email()
        if rng.random() < 0.75:
            facts["consent_method"] = rng.choice(ConsentMethod.values)
        return facts

    def plan(
        self, *, stage: str, officer: User | None = None, deliberate_duplicate: bool = False, **overrides
    ) -> TalentPlan:
        """A talent who entered as a lead and moved along the pipeline to ``stage``, with the dates of
        the moves and the contacts (a day or two before a move, for half of them) that moved it."""
        rng = self.rng
        officer = officer or rng.choice(self.officers)
        facts = {**self._facts(degree=overrides.pop("degree", None), tier=overrides.pop("tier", None))}
        facts.update(overrides)
        disciplines = facts.pop("disciplines")
        if stage == Stage.ONBOARDED and "employer_enterprise" not in facts and rng.random() < 0.6:
            enterprise = rng.choice(list(self.enterprises.values())) if self.enterprises else None
            if enterprise:
                facts["employer_enterprise"] = enterprise
                facts["employer"] = enterprise.name
        steps = PIPELINE.index(stage) if stage in PIPELINE else rng.randint(0, 3)
        created_ago = rng.randint(max(8, 25 * steps), 365)
        if not deliberate_duplicate:
            # Common names meet by chance; only the deliberate pairs may look like one person. Checked
            # here rather than by the service, which would spend two queries a record on it.
            while (facts["name"], facts["birth_year"], facts["university"]) in self.identities:
                gender = facts["gender"]
                facts["name"] = self.fake.name_male() if gender == "M" else self.fake.name_female()
        self.identities.add((facts["name"], facts["birth_year"], facts["university"]))
        created = self._moment(created_ago)
        path = list(PIPELINE[1 : steps + 1])
        if stage == Stage.LOST:
            path.append(Stage.LOST)
        moves = []
        days_left = created_ago
        for to in path:
            days_left = max(0, days_left - rng.randint(3, max(4, created_ago // (len(path) + 1))))
            moment = self._moment(days_left)
            moves.append((to, moment, rng.choice(LOST_REASONS) if to == Stage.LOST else ""))
        contacts = []
        for to, moment, _note in moves:
            if rng.random() < 0.5:
                continue
            channel = rng.choice(CHANNELS)
            summary = rng.choice(CONTACTS[to])
            contacts.append((moment - datetime.timedelta(days=rng.randint(0, 2)), channel, summary))
        return TalentPlan(facts, disciplines, officer, created, moves, contacts)

    def create(self, **story) -> Talent:
        """One talent through the services (``plan`` says who and when); the named records use this,
        since the teams and founders need the record at once."""
        plan = self.plan(**story)
        talent = talent_create(
            by=plan.officer,
            disciplines=plan.disciplines,
            confirmed_not_duplicate=True,
            note="演示数据",
            **plan.facts,
        )
        for to, moment, note in plan.moves:
            talent_transition(talent=talent, to=to, by=plan.officer, note=note, on=moment.date())
        self.timeline[talent.pk] = [plan.created, *(moment for _to, moment, _note in plan.moves)]
        for occurred_at, channel, summary in plan.contacts:
            activity_log(
                record=talent, officer=plan.officer, channel=channel, summary=summary, occurred_at=occurred_at
            )
        self.made += 1
        return talent

    def create_many(self, plans: list["TalentPlan"]) -> list[Talent]:
        talents = talents_write(plans)
        self.made += len(talents)
        return talents

    # --- the worklists ---------------------------------------------------------------------------

    def follow_ups(self) -> int:
        """Per officer: follow-ups due today, overdue, and in the next two weeks, on open talents."""
        made = 0
        for officer in self.officers:
            open_talents = list(
                Talent.objects.filter(owner=officer, stage__in=(Stage.CONTACTED, Stage.INTENT, Stage.SIGNED))
                .order_by("pk")
                .values_list("pk", flat=True)[:60]
            )
            talents = Talent.objects.in_bulk(self.rng.sample(open_talents, k=min(len(open_talents), 24)))
            for index, talent in enumerate(talents.values()):
                if index % 3 == 0:
                    # Overdue: the reminder the officer did not get to.
                    follow_up_schedule(
                        record=talent,
                        officer=officer,
                        summary=self.rng.choice(FOLLOW_UPS),
                        due_on=self.today - datetime.timedelta(days=self.rng.randint(1, 12)),
                    )
                else:
                    due = 0 if index % 3 == 1 else self.rng.randint(1, 14)
                    activity_log(
                        record=talent,
                        officer=officer,
                        channel=self.rng.choice(CHANNELS),
                        summary=self.rng.choice(CONTACTS[talent.stage]),
                        occurred_at=self._moment(self.rng.randint(1, 20)),
                        next_follow_up_on=self.today + datetime.timedelta(days=due),
                    )
                made += 1
        return made

    def recent_leads(self) -> int:
        """Most leads and first contacts were spoken to this month; the rest are going cold. Only
        talents never contacted yet, so there is no follow-up to close: logged in bulk."""
        contacted = set(
            Activity.objects.filter(content_type=self.talent_type).values_list("object_id", flat=True)
        )
        rows = []
        talents = Talent.objects.filter(stage__in=(Stage.LEAD, Stage.CONTACTED)).order_by("pk")
        for pk, owner_id, stage in talents.values_list("pk", "owner_id", "stage"):
            if pk in contacted or self.rng.random() < 0.2:
                continue
            channel = self.rng.choice(CHANNELS)
            summary = self.rng.choice(CONTACTS[stage])
            rows.append((pk, owner_id, self._moment(self.rng.randint(1, 25)), channel, summary))
        return _contacts_write(rows)

    # --- named records ---------------------------------------------------------------------------

    def teams(self) -> list[Team]:
        """The three teams led by national-level talents, introduced flexibly (DESIGN §1)."""
        specs = (
            (
                "废旧风电叶片回收利用院士团队",
                "重庆江津风电叶片循环科技有限公司",
                {"tier": "A", "title": "中国工程院院士", "university": "重庆大学", "disciplines": ["0805"]},
                "复合材料,热解回收,风电叶片",
            ),
            (
                "机器视觉智能检测创新团队",
                "诺比侃人工智能科技(成都)股份有限公司江津分公司",
                {"tier": "B", "title": "教授", "university": "电子科技大学", "disciplines": ["0812", "0811"]},
                "机器视觉,缺陷检测,深度学习",
            ),
            (
                "智能网联汽车电驱系统创新团队",
                "重庆德感新能源汽车零部件有限公司",
                {"tier": "B", "title": "教授", "university": "北京理工大学", "disciplines": ["0808", "0811"]},
                "电机驱动,智能网联汽车,电力电子",
            ),
        )
        teams = []
        officer = self._officer("officer_sf")
        for index, (name, host, leader_facts, keywords) in enumerate(specs):
            codes = leader_facts.pop("disciplines")
            leader = self.create(
                stage=Stage.ONBOARDED,
                officer=officer,
                degree="DOCTOR",
                mode=Mode.FLEXIBLE,
                disciplines=[self.disciplines[code] for code in codes],
                research_keywords=keywords,
                employer=leader_facts["university"],
                employer_enterprise=None,
                source=Source.PROJECT if index == 0 else Source.REFERRAL,
                **leader_facts,
            )
            team = team_create(
                name=name,
                leader=leader,
                by=officer,
                host_enterprise=self.enterprises.get(host),
                mode=Mode.FLEXIBLE,
                introduced_on=datetime.date(2024, 2 + 2 * index, 15),
                description="柔性引进的国家级人才领衔团队，以项目合作、技术顾问方式服务企业。",
            )
            for _ in range(self.rng.randint(3, 5)):
                member = self.create(
                    stage=Stage.ONBOARDED,
                    officer=officer,
                    degree=self.rng.choice(("DOCTOR", "MASTER")),
                    mode=Mode.FLEXIBLE,
                    disciplines=[self.disciplines[code] for code in codes],
                    employer=leader_facts["university"],
                )
                team_member_add(team=team, talent=member, role=self.rng.choice(("核心成员", "骨干")))
            teams.append(team)
        return teams

    def founders(self) -> int:
        """重庆多弧科技有限公司's founder and a few other start-ups of talents."""
        duohu = self.enterprises.get("重庆多弧科技有限公司")
        founder = self.create(
            stage=Stage.ONBOARDED,
            officer=self._officer("officer_sf"),
            degree="DOCTOR",
            tier="C",
            title="研究员",
            disciplines=[self.disciplines["0805"], self.disciplines["0702"]],
            research_keywords="多弧离子镀,PVD镀膜,硬质涂层",
            employer_enterprise=duohu,
            employer="重庆多弧科技有限公司",
            source=Source.REFERRAL,
        )
        founded_enterprise_record(
            talent=founder,
            enterprise=duohu,
            name="重庆多弧科技有限公司",
            founded_on=datetime.date(2019, 5, 20),
            awards="第十届中国创新创业大赛全国总决赛",
        )
        others = (
            ("成都睿视智能科技有限公司", "0812", "第九届中国创新创业大赛（四川赛区）优秀企业"),
            ("西安中科新材料有限公司", "0805", ""),
            ("武汉锂动新能源科技有限公司", "0703", "“创客中国”中小企业创新创业大赛二等奖"),
        )
        for name, code, awards in others:
            talent = self.create(stage=Stage.INTENT, degree="DOCTOR", disciplines=[self.disciplines[code]])
            founded_enterprise_record(
                talent=talent,
                name=name,
                founded_on=datetime.date(self.rng.randint(2015, 2022), self.rng.randint(1, 12), 1),
                awards=awards,
            )
        return 1 + len(others)

    def duplicates(self) -> int:
        """Pairs entered twice by different officers: half share the mobile, half name, birth year and
        university (the second entry without ID number, as from a campaign sign-in sheet)."""
        for index in range(DUPLICATE_PAIRS):
            by_phone = index % 2 == 0
            first = self.create(
                stage=self.rng.choice((Stage.LEAD, Stage.CONTACTED, Stage.INTENT)),
                **({"phone": self.people.phone()} if by_phone else {}),
            )
            same = {"name": first.name, "gender": first.gender}
            if by_phone:
                # A sign-in sheet with the name and the mobile only.
                same.update(phone=first.phone, university="", birth_year=None)
            else:
                same.update(
                    university=first.university, birth_year=first.birth_year, phone=self.people.phone()
                )
            others = [officer for officer in self.officers if officer.pk != first.owner_id] or self.officers
            self.create(
                stage=Stage.LEAD,
                officer=self.rng.choice(others),
                deliberate_duplicate=True,
                id_number="",
                source=Source.CAMPAIGN,
                source_detail="津鹰人才荟签到表",
                **same,
            )
        return DUPLICATE_PAIRS

    def _officer(self, username: str) -> User:
        return next((officer for officer in self.officers if officer.username == username), self.officers[0])

    # --- dating ----------------------------------------------------------------------------------

    def backdate(self) -> None:
        """Move creation, assignment and stage-change times to the dates the demo story gives them;
        the services stamp "now", which would make a year's ledger look entered in one second."""
        talents = list(
            Talent.objects.filter(pk__in=self.timeline).only("pk", "created_at", "assigned_at", "consent_at")
        )
        for talent in talents:
            talent.created_at = talent.assigned_at = self.timeline[talent.pk][0]
            if talent.consent_at:
                talent.consent_at = talent.created_at
        Talent.objects.bulk_update(talents, ["created_at", "assigned_at", "consent_at"], batch_size=500)
        changes = list(
            StageChange.objects.filter(content_type=self.talent_type, object_id__in=self.timeline)
            .order_by("object_id", "id")
            .only("pk", "object_id", "changed_at")
        )
        position: dict[int, int] = {}
        for change in changes:
            index = position.get(change.object_id, 0)
            position[change.object_id] = index + 1
            dates = self.timeline[change.object_id]
            change.changed_at = dates[min(index, len(dates) - 1)]
        StageChange.objects.bulk_update(changes, ["changed_at"], batch_size=500)

    def reassign(self) -> int:
        """A handful of leads handed over this week: the "recently assigned to me" list."""
        moved = 0
        for officer in self.officers:
            candidates = list(
                Talent.objects.filter(stage=Stage.LEAD)
                .filter(~Q(owner=officer))
                .order_by("pk")
                .values_list("pk", flat=True)[:200]
            )
            for talent in Talent.objects.filter(
                pk__in=self.rng.sample(candidates, k=min(3, len(candidates)))
            ):
                talent_assign(talent=talent, owner=officer, by=self.investment or officer)
                moved += 1
        return moved


def seed() -> str:
    if Talent.objects.exists():
        return "0 talents (already seeded)"
    count = demo_talents()
    seeder = _Seeder(count)
    if not seeder.officers:
        return "0 talents (no demo officers)"
    teams = seeder.teams()
    founded = seeder.founders()
    pairs = seeder.duplicates()
    seeder.backdate()
    counter = progress(gettext("talents"), count)
    counter.advance(seeder.made)
    while seeder.made < count:
        batch = min(BULK_BATCH, count - seeder.made)
        seeder.create_many([seeder.plan(stage=_weighted(seeder.rng, STAGES)[0]) for _ in range(batch)])
        counter.advance(batch)
    counter.finish()
    seeder.recent_leads()
    follow_ups = seeder.follow_ups()
    seeder.reassign()
    return (
        f"{Talent.objects.count()} talents ({pairs} duplicate pairs), {len(teams)} flexible teams, "
        f"{founded} founded enterprises, {follow_ups} follow-ups"
    )
