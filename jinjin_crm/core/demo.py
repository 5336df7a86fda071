"""Demo users: the officers of the four parks, an investment officer, a leader and an administrator."""

from faker import Faker

from .models import Park, User
from .roles import Role
from .services import user_create

DEMO_PASSWORD = "jinjin-demo-2024"

# (username, role, park codes, title); names come from a seeded Faker so every run agrees.
DEMO_USERS = (
    ("admin", Role.ADMIN, (), "系统管理员"),
    ("leader", Role.LEADER, (), "区委组织部部长"),
    ("officer_dg", Role.OFFICER, ("DG",), "引才专员"),
    ("officer_sf", Role.OFFICER, ("SF",), "引才专员"),
    ("officer_lh", Role.OFFICER, ("LH",), "引才专员"),
    ("officer_bs", Role.OFFICER, ("BS",), "引才专员"),
    ("investment", Role.OFFICER, ("SNG", "TJH", "GF"), "招商专员"),
)


def seed() -> str:
    fake = Faker("zh_CN")
    fake.seed_instance(2024)
    parks = {park.code: park for park in Park.objects.all()}
    created = 0
    for username, role, park_codes, title in DEMO_USERS:
        name = fake.name()
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            username=username,
            password=DEMO_PASSWORD,
            name=name,
            title=title,
            roles=(role,),
            parks=[parks[code] for code in park_codes],
        )
        created += 1
    return f"{created} user(s)"
