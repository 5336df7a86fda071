"""Demo projects, enterprises and demands drawn from the district's H1 2024 report.

30 projects from outside the city signed in H1 2024 with 41.1 billion yuan (4,110,000 万元) agreed,
one of them the 5.1-billion AI machine-vision HQ; the academician's wind-turbine-blade recycling
project; a talent-founded firm; and a pipeline of leads and negotiations. The H1 projects' demands
hold the 40 PhDs planned for the year, registered close to each signing (most within a week, some
later, a few projects not yet), so the follow-through of the signings reads as a district's would.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc

from jinjin_crm.core.models import Activity, Degree, Discipline, IndustryChain, Park, Region, TalentTier, User
from jinjin_crm.core.services import activity_log, follow_up_schedule

from .filters import DEMANDS_DUE_DAYS
from .models import Enterprise, InvestmentProject, Stage, TalentDemand
from .services import demand_create, enterprise_create, funds_arrival_record, project_create

H1_TOTAL = Decimal("4110000")  # 万元, the 30 outside-city projects of H1 2024
HQ_AMOUNT = Decimal("510000")  # 万元, 诺比侃's machine-vision equipment HQ
H1_PHDS = 40  # the PhDs the report planned, all on demands of the 30 H1 projects
H1_HQ_PHDS = 6  # of them on the HQ's machine-vision researchers
H1_WAITING = 3  # H1 projects whose talent demands are not registered yet

ENTERPRISES = (
    # name, park, industry, key
    ("诺比侃人工智能科技(成都)股份有限公司江津分公司", "TJH", "DIGITAL", True),
    ("重庆多弧科技有限公司", "SF", "MATERIALS", True),
    ("重庆江津风电叶片循环科技有限公司", "LH", "MATERIALS", False),
    ("重庆德感新能源汽车零部件有限公司", "DG", "NEV", True),
    ("重庆双福智能装备制造有限公司", "SF", "EQUIPMENT", True),
    ("重庆珞璜先进材料有限公司", "LH", "MATERIALS", True),
    ("重庆白沙消费品有限公司", "BS", "CONSUMER", False),
    ("重庆团结湖数字科技有限公司", "TJH", "DIGITAL", False),
    ("重庆枢纽港供应链有限公司", "SNG", "LOGISTICS", False),
    ("重庆江津光伏科技有限公司", "GF", "PV", True),
)
PARK_INDUSTRIES = {
    "DG": "NEV",
    "SF": "EQUIPMENT",
    "LH": "MATERIALS",
    "BS": "CONSUMER",
    "TJH": "DIGITAL",
    "SNG": "LOGISTICS",
    "GF": "PV",
}
SUBJECTS = {
    "NEV": ("新能源汽车电驱系统", "动力电池结构件", "智能网联汽车传感器", "汽车轻量化部件"),
    "EQUIPMENT": ("高端装备精密制造", "工业机器人集成", "智能数控机床", "液压传动装备"),
    "MATERIALS": ("特种合金材料", "高性能复合材料", "电子级化学品", "先进陶瓷材料"),
    "CONSUMER": ("智能家居电器", "食品精深加工", "预制菜生产基地", "日化用品"),
    "DIGITAL": ("数据中心", "工业软件研发中心", "智能算力中心", "物联网模组"),
    "LOGISTICS": ("冷链物流中心", "多式联运枢纽", "跨境电商仓储", "供应链管理中心"),
    "PV": ("光伏组件", "储能系统集成", "光伏电池片", "氢能装备"),
}
INVESTOR_TRADES = ("智能", "新材", "高科", "实业", "控股", "能源", "科技")
INVESTORS = ("深圳", "上海", "成都", "苏州", "杭州", "西安", "武汉", "北京", "广州", "宁波")


def _credit_code(sequence: int) -> str:
    body = f"91500116MA{600000 + sequence:07d}"
    return body + uscc.calc_check_digit(body)


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``parts`` amounts, in whole hundreds of 万元, that add up to ``total`` exactly."""
    weights = [rng.uniform(0.3, 3.0) for _ in range(parts)]
    scale = float(total) / sum(weights)
    amounts = [Decimal(round(weight * scale / 100) * 100) for weight in weights[:-1]]
    amounts.append(total - sum(amounts))
    return amounts


def seed() -> str:
    if InvestmentProject.objects.exists():
        return "0 projects (already seeded)"
    rng = random.Random(2024)
    officers = {user.username: user for user in User.objects.filter(username__startswith="officer_")}
    investment = User.objects.get(username="investment")
    park_officer = {park: officers.get(f"officer_{park.lower()}", investment) for park in PARK_INDUSTRIES}
    parks = {park.code: park for park in Park.objects.all()}
    industries = {chain.code: chain for chain in IndustryChain.objects.all()}
    outside, in_city = Region.objects.get(code="OUTSIDE_CITY"), Region.objects.get(code="IN_CITY")

    enterprises = {}
    for sequence, (name, park_code, industry, is_key) in enumerate(ENTERPRISES):
        enterprises[name] = Enterprise.objects.filter(name=name).first() or enterprise_create(
            name=name,
            credit_code=_credit_code(sequence),
            park=parks[park_code],
            industry=industries[industry],
            is_key=is_key,
            contact_name=rng.choice(["张", "王", "李", "刘", "陈"]) + rng.choice(["经理", "主任", "总监"]),
        )

    def create(name, park_code, industry, stage, amount=None, signed_on=None, source=outside, **extra):
        officer = park_officer[park_code]
        return project_create(
            by=officer,
            stage=stage,
            note="演示数据",
            name=name,
            investor=extra.pop("investor", f"{rng.choice(INVESTORS)}{rng.choice(INVESTOR_TRADES)}集团"),
            source=source,
            industry=industries[industry],
            park=parks[park_code],
            lead_officer=officer,
            agreed_investment=amount,
            signed_on=signed_on,
            **extra,
        )

    def h1_date() -> datetime.date:
        return datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(0, 181))

    hq = create(
        "诺比侃人工智能机器视觉装备总部项目",
        "TJH",
        "DIGITAL",
        Stage.STARTED,
        HQ_AMOUNT,
        datetime.date(2024, 3, 28),
        investor="诺比侃人工智能科技(成都)股份有限公司",
        enterprise=enterprises["诺比侃人工智能科技(成都)股份有限公司江津分公司"],
        started_on=datetime.date(2024, 6, 18),
        sponsor="区政府主要领导",
        description="人工智能机器视觉装备研发制造总部，协议引资51亿元。",
    )
    h1_projects = [hq]
    amounts = _split(H1_TOTAL - HQ_AMOUNT, 29, rng)
    park_codes = list(PARK_INDUSTRIES)
    for index, amount in enumerate(amounts):
        park_code = park_codes[index % len(park_codes)]
        signed_on = h1_date()
        stage = rng.choice([Stage.SIGNED, Stage.SIGNED, Stage.STARTED, Stage.OPERATING])
        extra = {}
        if stage in (Stage.STARTED, Stage.OPERATING):
            extra["started_on"] = signed_on + datetime.timedelta(days=rng.randrange(30, 120))
        if stage == Stage.OPERATING:
            extra["operating_on"] = extra["started_on"] + datetime.timedelta(days=rng.randrange(180, 400))
        subjects = SUBJECTS[PARK_INDUSTRIES[park_code]]
        subject = subjects[(index // len(park_codes)) % len(subjects)]
        h1_projects.append(
            create(
                f"{subject}项目（{index + 1:02d}）",
                park_code,
                PARK_INDUSTRIES[park_code],
                stage,
                amount,
                signed_on,
                **extra,
            )
        )

    blades = create(
        "废旧风电叶片回收利用技术及装备项目",
        "LH",
        "MATERIALS",
        Stage.NEGOTIATING,
        Decimal("120000"),
        investor="中国工程院院士团队",
        enterprise=enterprises["重庆江津风电叶片循环科技有限公司"],
        description="由中国工程院院士带来的废旧风电叶片回收利用技术与装备产业化项目。",
    )
    duohu = create(
        "重庆多弧科技扩能项目",
        "SF",
        "MATERIALS",
        Stage.SIGNED,
        Decimal("15000"),
        datetime.date(2024, 9, 12),
        source=in_city,
        investor="重庆多弧科技有限公司",
        enterprise=enterprises["重庆多弧科技有限公司"],
        description="人才创办企业，第十届中国创新创业大赛全国总决赛企业。",
    )
    pipeline = []
    for index in range(16):
        park_code = park_codes[index % len(park_codes)]
        stage = Stage.LEAD if index % 2 else Stage.NEGOTIATING
        subject = SUBJECTS[PARK_INDUSTRIES[park_code]][(index // len(park_codes) + 2) % 4]
        pipeline.append(
            create(
                f"{subject}意向项目（{index + 1:02d}）",
                park_code,
                PARK_INDUSTRIES[park_code],
                stage,
                Decimal(rng.randrange(5, 200) * 1000),
                first_contact_on=timezone.localdate() - datetime.timedelta(days=rng.randrange(10, 200)),
            )
        )

    # Funds arrive in monthly instalments once construction starts.
    for project in h1_projects:
        if project.started_on is None:
            continue
        month = project.started_on.replace(day=1)
        for _ in range(rng.randint(2, 6)):
            funds_arrival_record(
                project=project,
                period=month,
                amount=(project.agreed_investment * Decimal(rng.uniform(0.03, 0.08))).quantize(Decimal("1")),
                by=project.lead_officer,
            )
            month = (month + datetime.timedelta(days=32)).replace(day=1)

    demands = _seed_demands(rng, hq, blades, duohu, h1_projects, enterprises)
    _seed_investment_follow_ups(investment, pipeline, enterprises)
    return (
        f"{len(enterprises)} enterprises, {len(h1_projects) + len(pipeline) + 2} projects, {demands} demands"
    )


def _seed_demands(rng, hq, blades, duohu, h1_projects, enterprises) -> int:
    degrees = {degree.code: degree for degree in Degree.objects.all()}
    tiers = {tier.code: tier for tier in TalentTier.objects.all()}
    disciplines = {discipline.code: discipline for discipline in Discipline.objects.all()}
    valid_until = timezone.localdate() + datetime.timedelta(days=180)
    specs = [
        # project or enterprise, position, discipline codes, degree, tier, headcount, salary range, keywords
        (
            hq,
            "机器视觉算法研究员",
            ("0812", "0811"),
            "DOCTOR",
            "D",
            6,
            (40, 80),
            "机器视觉,深度学习,缺陷检测",
        ),
        (hq, "视觉检测装备结构工程师", ("0802",), "MASTER", None, 10, (15, 30), "精密机械,光学结构"),
        (hq, "嵌入式软件工程师", ("0812", "0810"), "BACHELOR", None, 15, (12, 25), "嵌入式,Linux,FPGA"),
        (blades, "复合材料回收首席科学家", ("0805",), "DOCTOR", "B", 1, (80, 150), "复合材料,热解,回收"),
        (blades, "材料工艺工程师", ("0805", "0817"), "MASTER", None, 6, (15, 28), "树脂基复合材料,工艺"),
        (duohu, "镀膜工艺研究员", ("0805", "0702"), "DOCTOR", "E", 4, (30, 50), "PVD,多弧离子镀,薄膜"),
    ]
    # The 40 PhDs planned for the year sit on the 30 projects signed in H1 2024 (the HQ's 6 among
    # them; the academician's and 多弧's posts come on top). Each of the other 29 has one or two PhD
    # posts but for the few signed last, whose demands are not registered yet.
    waiting = set(sorted(h1_projects[1:], key=lambda project: (project.signed_on, project.pk))[-H1_WAITING:])
    collecting = [project for project in h1_projects[1:] if project not in waiting]
    phds = [1] * len(collecting)
    for index in rng.sample(range(len(collecting)), k=H1_PHDS - H1_HQ_PHDS - len(collecting)):
        phds[index] += 1
    doctoral_disciplines = ("0802", "0805", "0808", "0811", "0812", "0817", "0830")
    for project, count in zip(collecting, phds, strict=True):
        specs.append(
            (
                project,
                "研发中心博士研究员",
                (rng.choice(doctoral_disciplines),),
                "DOCTOR",
                rng.choice("CDE"),
                count,
                (30, 60),
                "研发,技术攻关",
            )
        )
    for project in collecting[:11]:
        specs.append(
            (project, "生产技术员", ("0802",), "COLLEGE", None, rng.randint(5, 30), (6, 10), "生产,设备维护")
        )
    registered: dict[int, list[int]] = {}
    for owner, position, codes, degree, tier, headcount, (low, high), keywords in specs:
        demand = demand_create(
            by=owner.lead_officer,
            disciplines=[disciplines[code] for code in codes],
            enterprise=owner.enterprise,
            project=owner,
            position=position,
            min_degree=degrees[degree],
            tier=tiers[tier] if tier else None,
            headcount=headcount,
            salary_min=Decimal(low),
            salary_max=Decimal(high),
            scarcity=5 if degree == "DOCTOR" else 3,
            keywords=keywords,
            valid_until=valid_until,
        )
        registered.setdefault(owner.pk, []).append(demand.pk)
    _date_demands(rng, [hq, duohu, *collecting], registered, prompt={hq.pk, duohu.pk})
    return len(specs)


def _date_demands(rng, projects, registered: dict[int, list[int]], *, prompt: set[int]) -> None:
    """Date each signed project's demands as officers would have registered them: most within a week
    of the signing (``DEMANDS_DUE_DAYS``, what the follow-through counts), some weeks or months later;
    ``prompt`` projects' at once. Demo-only backdating of the "now" that ``demand_create`` stamps."""
    today, now = timezone.localdate(), timezone.now()
    for project in projects:
        pks = registered.get(project.pk)
        if not pks or project.signed_on is None:
            continue
        draw = 0.0 if project.pk in prompt else rng.random()
        if draw < 0.7:
            days = rng.randint(0, 3 if project.pk in prompt else DEMANDS_DUE_DAYS)
        elif draw < 0.9:
            days = rng.randint(DEMANDS_DUE_DAYS + 1, 45)
        else:
            days = rng.randint(46, 150)
        day = min(project.signed_on + datetime.timedelta(days=days), today)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 17), 30)))
        moment = min(moment, now)
        TalentDemand.objects.filter(pk__in=pks).update(created_at=moment, updated_at=moment)


# The investment officer's day: the last contact on some of the projects he leads (and a key
# enterprise of his parks) and the follow-up it left, due today or a few days overdue, so that his
# worklist opens on work. (days since the contact, channel, what happened, follow-up due in days, what next)
INVESTMENT_FOLLOW_UPS = (
    (
        6,
        Activity.Channel.VISIT,
        "陪同投资方考察团结湖园区选址，对方关注算力用电价格。",
        0,
        "回复投资方用电价格与配套政策",
    ),
    (
        9,
        Activity.Channel.MEETING,
        "第二轮商务谈判：投资强度与税收贡献基本谈定。",
        0,
        "整理谈判纪要，报分管领导审定",
    ),
    (
        12,
        Activity.Channel.PHONE,
        "电话沟通：投资方希望提前锁定标准厂房。",
        -2,
        "协调园区确认标准厂房可租面积",
    ),
    (15, Activity.Channel.WECHAT, "投资方发来项目可研报告初稿。", -4, "组织部门对可研报告提出意见"),
    (20, Activity.Channel.EMAIL, "发送招商推介材料和产业政策汇编。", -1, "电话确认投资方来渝考察日期"),
)
ENTERPRISE_FOLLOW_UP = (
    "重庆江津光伏科技有限公司",
    (
        8,
        Activity.Channel.VISIT,
        "走访重点企业：二期扩产有意向，需协调用地指标。",
        0,
        "对接规划部门，答复二期用地指标",
    ),
)


def _seed_investment_follow_ups(investment, projects, enterprises) -> int:
    """Contacts and follow-ups of the investment officer, through the timeline's services; no random
    draws, so the rest of the demo stays as it was."""
    today, now = timezone.localdate(), timezone.now()
    mine = [project for project in projects if project.lead_officer_id == investment.pk]
    records = list(zip(mine, INVESTMENT_FOLLOW_UPS, strict=False))
    name, follow_up = ENTERPRISE_FOLLOW_UP
    if name in enterprises:
        records.append((enterprises[name], follow_up))
    for record, (days_ago, channel, summary, due_in, next_step) in records:
        activity_log(
            record=record,
            officer=investment,
            channel=channel,
            summary=summary,
            occurred_at=now - datetime.timedelta(days=days_ago),
        )
        # A reminder rather than the contact's own follow-up date, which may not lie in the past.
        follow_up_schedule(
            record=record,
            officer=investment,
            summary=next_step,
            due_on=today + datetime.timedelta(days=due_in),
        )
    return len(records)
