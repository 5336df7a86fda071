"""What the parts of the campaigns demo share, and the dating of what the services stamped "now"."""

import calendar
import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from faker import Faker

from jinjin_crm.core.crypto import blind_index
from jinjin_crm.core.models import Degree, Discipline, StageChange, TalentTier, User
from talents.demo import MOBILE_PREFIXES
from talents.models import Talent

from .data import PARK_OFFICER, Date


def weighted(rng: random.Random, table):
    return rng.choices(table, weights=[row[1] for row in table])[0]


def at(day: Date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def season_word(day: Date) -> str:
    return "春季" if day.month <= 6 else "秋季"


def add_months(day: Date, months: int) -> Date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return Date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DemoContext:
    """What the parts of the demo share: seeded randomness, today, the demo officers, reference data,
    and the mobiles and identities already taken (so no generated person looks like another)."""

    # Each part draws from its own seeded stream, so the demo is the same on every run.
    SEED = 2024

    def __init__(self):
        self.rng = random.Random(self.SEED)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(self.SEED)
        self.today = timezone.localdate()
        self.users = {
            user.username: user
            for user in User.objects.filter(username__in=(*PARK_OFFICER.values(), "investment"))
        }
        self.degrees = {degree.code: degree for degree in Degree.objects.all()}
        self.disciplines = {discipline.code: discipline for discipline in Discipline.objects.all()}
        self.tiers = {tier.code: tier for tier in TalentTier.objects.all()}
        self.phones = set(Talent.objects.exclude(phone_hash="").values_list("phone_hash", flat=True))
        self.identities = set(
            Talent.objects.exclude(university="")
            .filter(birth_year__isnull=False)
            .values_list("name", "birth_year", "university")
        )
        self.talent_type = ContentType.objects.get_for_model(Talent)

    def officer(self, username: str) -> User:
        return self.users.get(username) or next(iter(self.users.values()))

    # --- dating -------------------------------------------------------------------------------------

    def stamp(
        self, talent_ids: list[int], since: datetime.datetime, moment: datetime.datetime, *, created=False
    ) -> None:
        """Date at ``moment`` what the services wrote for these talents since ``since`` (they stamp
        "now"): the stage changes, the last update and, for new records, creation and consent."""
        StageChange.objects.filter(
            content_type=self.talent_type, object_id__in=talent_ids, changed_at__gte=since
        ).update(changed_at=moment)
        talents = Talent.objects.filter(pk__in=talent_ids)
        talents.update(updated_at=moment)
        if created:
            talents.filter(created_at__gte=since).update(created_at=moment, assigned_at=moment)
            talents.filter(consent_at__gte=since).update(consent_at=moment)

    def stamp_each(self, moments: dict[int, datetime.datetime], since: datetime.datetime) -> None:
        """``stamp`` for many talents at once, each at its own moment (a few queries in all)."""
        changes = list(
            StageChange.objects.filter(
                content_type=self.talent_type, object_id__in=list(moments), changed_at__gte=since
            ).only("pk", "object_id", "changed_at")
        )
        for change in changes:
            change.changed_at = moments[change.object_id]
        StageChange.objects.bulk_update(changes, ["changed_at"], batch_size=500)
        talents = list(Talent.objects.filter(pk__in=list(moments)).only("pk", "updated_at"))
        for talent in talents:
            talent.updated_at = moments[talent.pk]
        Talent.objects.bulk_update(talents, ["updated_at"], batch_size=500)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            digest = blind_index(number)
            if digest not in self.phones:
                self.phones.add(digest)
                return number

    def unique_name(self, *, gender: str, birth_year: int, university: str) -> str:
        """A name that, with the birth year and university, is nobody else's: only deliberate
        duplicates may look like one person."""
        while True:
            name = self.fake.name_male() if gender == "M" else self.fake.name_female()
            if (name, birth_year, university) not in self.identities:
                self.identities.add((name, birth_year, university))
                return name
