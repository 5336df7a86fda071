import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from jinjin_crm.core.models import Park, User
from jinjin_crm.core.roles import Role

pytestmark = pytest.mark.django_db


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_twice_creates_nothing_new_the_second_time():
    call_command("seed_demo", "--force")
    first = row_counts()
    assert User.objects.filter(groups__name=Role.OFFICER).count() >= 4
    assert User.objects.get(username="officer_sf").parks.get().code == "SF"
    assert User.objects.get(username="leader").has_role(Role.LEADER)
    call_command("seed_demo", "--force")
    assert row_counts() == first


def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_reference_data_is_shipped():
    assert set(Park.objects.filter(kind=Park.Kind.INDUSTRIAL_PARK).values_list("name", flat=True)) == {
        "德感工业园",
        "双福工业园",
        "珞璜工业园",
        "白沙工业园",
    }
    assert Park.objects.filter(kind=Park.Kind.INDUSTRIAL_ZONE).count() == 3
    assert apps.get_model("core", "Discipline").objects.get(code="0812").name == "计算机科学与技术"
    assert list(
        apps.get_model("core", "TalentTier").objects.order_by("rank").values_list("code", flat=True)
    ) == [
        "A",
        "B",
        "C",
        "D",
        "E",
    ]


def test_roles_hold_their_permissions():
    leader = Group.objects.get(name=Role.LEADER)
    admin = Group.objects.get(name=Role.ADMIN)
    assert leader.permissions.exists()
    assert not leader.permissions.exclude(codename__startswith="view_").exists()
    assert admin.permissions.filter(content_type__app_label="api", codename="add_apiclient").exists()
    assert not Group.objects.get(name=Role.OFFICER).permissions.filter(content_type__app_label="api").exists()
