"""The officers' pages of the talents app: list, detail and its actions, forms with the duplicate check,
duplicates and merge, the board, the worklist home page, and who may do what."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jinjin_crm.core.models import Activity, Degree, PersonalDataAccess, StageChange, TalentTier
from jinjin_crm.core.services import activity_log, follow_up_schedule
from talents.models import Talent, TalentMerge
from talents.services import talent_transition
from tests import factories

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def list_rows(html: str) -> list[str]:
    return re.findall(r'data-talent="(\d+)"', html)


def post_talent(client, url, **fields):
    data = {"name": "", "source": "other", "mode": "full_time", **fields}
    return client.post(url, data)


# --- List -----------------------------------------------------------------------------------------


def test_list_searches_by_pinyin_and_phone_tail_and_filters(officer_client, officer):
    doctor = Degree.objects.get(code="DOCTOR")
    zhang = factories.talent(name="张伟", university="重庆大学", phone=PHONE, highest_degree=doctor)
    li = factories.talent(name="李娜", university="西南大学", tier=TalentTier.objects.get(code="A"))
    url = reverse("talents:talent-list")

    html = officer_client.get(url).content.decode()
    assert set(list_rows(html)) == {str(zhang.pk), str(li.pk)}
    assert 'data-record-count="2"' in html

    for query in ("zhangwei", "zw", "5678", "重庆"):
        assert list_rows(officer_client.get(url, {"search": query}).content.decode()) == [str(zhang.pk)], (
            query
        )
    assert list_rows(officer_client.get(url, {"degree": "DOCTOR"}).content.decode()) == [str(zhang.pk)]
    assert list_rows(officer_client.get(url, {"tier": "A"}).content.decode()) == [str(li.pk)]
    html = officer_client.get(url, {"stage": "contacted"}).content.decode()
    assert list_rows(html) == []
    assert "data-empty-state" in html


def test_list_more_filters_and_export_link_keep_the_query(officer_client, officer):
    other = factories.officer()
    mine = factories.talent(name="王芳", by=officer)
    factories.talent(name="赵强", by=other)
    html = officer_client.get(reverse("talents:talent-list"), {"owner": officer.pk}).content.decode()
    assert list_rows(html) == [str(mine.pk)]
    assert 'id="more-filters"' in html
    assert "collapse show" in html
    # The export takes the list as filtered (its URL comes with the Excel pages).
    assert f"{reverse('talents:talent-export')}?owner={officer.pk}" in html


def test_list_query_count_is_the_same_for_5_and_50_rows(officer_client, officer):
    def count_for(rows: int) -> int:
        Talent.objects.all().delete()
        for index in range(rows):
            factories.talent(
                name=f"人才{index}", by=officer, phone=f"139{index:08d}", disciplines=("0812", "0701")
            )
        with CaptureQueriesContext(connection) as queries:
            response = officer_client.get(reverse("talents:talent-list"), {"page_size": 50})
        assert response.status_code == 200
        assert len(list_rows(response.content.decode())) == rows
        return len(queries)

    assert count_for(5) == count_for(50)


def test_phone_and_id_number_are_masked_in_list_and_detail(officer_client, officer):
    id_number = factories.national_id(birth="19880512")
    talent = factories.talent(name="陈明", phone=PHONE, id_number=id_number)
    for url in (reverse("talents:talent-list"), reverse("talents:talent-detail", args=[talent.pk])):
        html = officer_client.get(url).content.decode()
        assert PHONE not in html
        assert "138****5678" in html
        assert id_number not in html
    html = officer_client.get(reverse("talents:talent-detail", args=[talent.pk])).content.decode()
    assert id_number[:4] + "*" * 10 + id_number[-4:] in html
    # An officer without the permission is not offered the reveal.
    assert reverse("talents:talent-reveal", args=[talent.pk]) not in html


# --- Reveal ---------------------------------------------------------------------------------------


def test_reveal_is_refused_without_the_permission(officer_client):
    talent = factories.talent(name="陈明", phone=PHONE)
    response = officer_client.post(
        reverse("talents:talent-reveal", args=[talent.pk]), {"reason": "回访"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_reveal_shows_the_values_and_logs_the_look(client, officer):
    officer.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(officer)
    id_number = factories.national_id()
    talent = factories.talent(name="陈明", phone=PHONE, id_number=id_number)
    url = reverse("talents:talent-reveal", args=[talent.pk])

    assert url in client.get(reverse("talents:talent-detail", args=[talent.pk])).content.decode()
    refused = client.post(url, {"reason": "  "}, HTTP_HX_REQUEST="true")
    assert PHONE not in refused.content.decode()
    assert not PersonalDataAccess.objects.exists()

    response = client.post(url, {"reason": "约见面谈"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert PHONE in html
    assert id_number in html
    assert "<html" not in html  # a fragment, swapped in place
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.reason, access.kind) == (
        officer,
        talent.pk,
        "约见面谈",
        PersonalDataAccess.Kind.REVEAL,
    )


# --- Create and edit ------------------------------------------------------------------------------


def test_create_saves_and_redirects(officer_client, officer):
    response = post_talent(
        officer_client,
        reverse("talents:talent-create"),
        name="刘洋",
        phone=PHONE,
        university="重庆大学",
        highest_degree=Degree.objects.get(code="MASTER").pk,
    )
    talent = Talent.objects.get(name="刘洋")
    assert response.status_code == 302
    assert response["Location"] == reverse("talents:talent-detail", args=[talent.pk])
    assert talent.owner == officer
    assert talent.phone == PHONE


def test_create_errors_keep_what_was_typed(officer_client):
    response = post_talent(
        officer_client, reverse("talents:talent-create"), university="重庆大学", phone="12345"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-form-errors" in html
    assert 'value="重庆大学"' in html
    assert not Talent.objects.exists()


def test_create_warns_of_duplicates_and_saves_once_confirmed(officer_client):
    existing = factories.talent(name="张伟", phone=PHONE, university="重庆大学")
    url = reverse("talents:talent-create")
    fields = {"name": "张伟", "phone": PHONE, "university": "重庆大学"}

    response = post_talent(officer_client, url, **fields)
    assert response.status_code == 409
    html = response.content.decode()
    assert "data-duplicates" in html
    assert f'data-duplicate="{existing.pk}"' in html
    assert reverse("talents:talent-detail", args=[existing.pk]) in html
    assert PHONE not in html.replace(f'value="{PHONE}"', "")  # masked in the list; the typed value is kept
    assert 'name="confirmed_not_duplicate"' in html
    assert Talent.objects.count() == 1

    response = post_talent(officer_client, url, **fields, confirmed_not_duplicate="on")
    assert response.status_code == 302
    assert Talent.objects.count() == 2


def test_same_id_number_is_a_field_error_with_a_link(officer_client):
    id_number = factories.national_id()
    existing = factories.talent(name="张伟", id_number=id_number)
    response = post_talent(officer_client, reverse("talents:talent-create"), name="张卫", id_number=id_number)
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-id-clash" in html
    assert reverse("talents:talent-detail", args=[existing.pk]) in html
    assert Talent.objects.count() == 1


def test_edit_never_shows_stored_personal_data_and_keeps_it_when_left_empty(officer_client):
    id_number = factories.national_id()
    talent = factories.talent(name="陈明", phone=PHONE, id_number=id_number, university="重庆大学")
    url = reverse("talents:talent-edit", args=[talent.pk])
    html = officer_client.get(url).content.decode()
    assert PHONE not in html
    assert id_number not in html
    assert "138****5678" in html  # as the placeholder

    response = post_talent(officer_client, url, name="陈明", university="四川大学", id_number="", phone="")
    assert response.status_code == 302
    talent.refresh_from_db()
    assert (talent.university, talent.phone, talent.id_number) == ("四川大学", PHONE, id_number)


# --- Transitions, activity, assign, anonymise -----------------------------------------------------


def test_transition_from_the_detail_page(officer_client):
    talent = factories.talent(name="陈明")
    url = reverse("talents:talent-transition", args=[talent.pk])
    response = officer_client.post(url, {"to": "contacted", "note": "电话联系"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-stage="contacted"' in response.content.decode()
    talent.refresh_from_db()
    assert talent.stage == "contacted"
    assert StageChange.objects.filter(object_id=talent.pk, to_stage="contacted").exists()


def test_illegal_transition_shows_the_error(officer_client):
    talent = factories.talent(name="陈明")
    url = reverse("talents:talent-transition", args=[talent.pk])
    response = officer_client.post(url, {"to": "onboarded"})
    assert response.status_code == 409
    assert "data-transition-error" in response.content.decode()
    talent.refresh_from_db()
    assert talent.stage == "lead"


def test_lost_needs_a_reason(officer_client):
    talent = factories.talent(name="陈明")
    url = reverse("talents:talent-transition", args=[talent.pk])
    response = officer_client.post(url, {"to": "lost", "note": ""})
    assert response.status_code == 400
    talent.refresh_from_db()
    assert talent.stage == "lead"
    assert officer_client.post(url, {"to": "lost", "note": "去了外地"}).status_code == 302
    talent.refresh_from_db()
    assert (talent.stage, talent.lost_reason) == ("lost", "去了外地")


def test_board_moves_a_card_and_caps_columns(officer_client):
    talent = factories.talent(name="陈明")
    html = officer_client.get(reverse("talents:talent-board")).content.decode()
    assert f'data-talent="{talent.pk}"' in html
    assert 'data-stage="lost"' not in html
    assert (
        'data-stage="lost"'
        in officer_client.get(reverse("talents:talent-board"), {"lost": 1}).content.decode()
    )
    response = officer_client.post(
        reverse("talents:talent-transition", args=[talent.pk]),
        {"to": "contacted", "view": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Trigger"] == "talent-moved"
    talent.refresh_from_db()
    assert talent.stage == "contacted"


def test_log_activity_with_follow_up_and_assign(officer_client, officer):
    talent = factories.talent(name="陈明")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = officer_client.post(
        reverse("talents:talent-activity-create", args=[talent.pk]),
        {"channel": "phone", "summary": "约定下周面谈", "next_follow_up_on": tomorrow.isoformat()},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(object_id=talent.pk)
    assert (activity.officer, activity.next_follow_up_on) == (officer, tomorrow)

    colleague = factories.officer(name="同事")
    response = officer_client.post(
        reverse("talents:talent-assign", args=[talent.pk]), {"owner": colleague.pk}
    )
    assert response.status_code == 302
    talent.refresh_from_db()
    assert talent.owner == colleague


def test_anonymise_needs_reason_and_confirmation(officer_client):
    talent = factories.talent(name="陈明", phone=PHONE)
    url = reverse("talents:talent-anonymise", args=[talent.pk])
    assert officer_client.post(url, {"reason": "申请删除 2024-01"}).status_code == 400
    talent.refresh_from_db()
    assert talent.anonymised_at is None
    assert officer_client.post(url, {"reason": "申请删除 2024-01", "confirm": "on"}).status_code == 302
    talent.refresh_from_db()
    assert talent.anonymised_at is not None
    assert talent.phone == ""


# --- Duplicates and merge -------------------------------------------------------------------------


def test_duplicates_page_shows_pairs_masked_and_merges(officer_client):
    first = factories.talent(name="张伟", phone=PHONE, university="重庆大学")
    second = factories.talent(name="张伟", phone=PHONE)
    activity_log(record=second, officer=factories.officer(), channel="phone", summary="第一次联系")

    html = officer_client.get(reverse("talents:talent-duplicates")).content.decode()
    assert f'data-pair="{first.pk}-{second.pk}"' in html
    assert PHONE not in html
    assert "138****5678" in html
    merge_url = f"{reverse('talents:talent-merge')}?keep={first.pk}&amp;drop={second.pk}"
    assert merge_url in html

    confirm = officer_client.get(reverse("talents:talent-merge"), {"keep": first.pk, "drop": second.pk})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "data-merge-preview" in html
    assert "data-side-by-side" in html
    assert Talent.objects.count() == 2  # nothing happens before the confirmation

    response = officer_client.post(reverse("talents:talent-merge"), {"keep": first.pk, "drop": second.pk})
    assert response.status_code == 302
    assert not Talent.objects.filter(pk=second.pk).exists()
    assert Activity.objects.get().object_id == first.pk
    assert TalentMerge.objects.get().kept == first
    page = officer_client.get(response["Location"]).content.decode()
    assert reverse("talents:talent-detail", args=[first.pk]) in page  # the message links to the kept record


def test_merge_of_different_id_numbers_is_refused_on_the_page(officer_client):
    first = factories.talent(name="张伟", id_number=factories.national_id())
    second = factories.talent(name="张伟", id_number=factories.national_id())
    response = officer_client.post(reverse("talents:talent-merge"), {"keep": first.pk, "drop": second.pk})
    assert response.status_code == 400
    assert "data-merge-error" in response.content.decode()
    assert Talent.objects.count() == 2


# --- Worklist -------------------------------------------------------------------------------------


def test_worklist_shows_due_overdue_cold_and_assigned(officer_client, officer):
    today = timezone.localdate()
    due = factories.talent(name="今日到期", by=officer)
    late = factories.project(name="逾期项目", lead_officer=officer)
    cold = factories.talent(name="冷线索", by=officer)
    Talent.objects.filter(pk=cold.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40),
        assigned_at=timezone.now() - datetime.timedelta(days=40),
    )
    due_item = follow_up_schedule(record=due, officer=officer, summary="回电确认", due_on=today)
    late_item = follow_up_schedule(
        record=late, officer=officer, summary="催办签约", due_on=today - datetime.timedelta(days=3)
    )
    follow_up_schedule(record=due, officer=factories.officer(), summary="别人的", due_on=today)

    html = officer_client.get("/").content.decode()
    sections = {
        name: html.split(f'data-section="{name}"')[1].split("</section>")[0]
        for name in ("due_today", "overdue", "cold", "recently_assigned")
    }
    assert f'data-follow-up="{due_item.pk}"' in sections["due_today"]
    assert reverse("talents:talent-detail", args=[due.pk]) in sections["due_today"]
    assert f'data-follow-up="{late_item.pk}"' in sections["overdue"]
    assert reverse("projects:project-detail", args=[late.pk]) in sections["overdue"]
    assert "别人的" not in html
    assert f'data-talent="{cold.pk}"' in sections["cold"]
    assert f'data-talent="{due.pk}"' in sections["recently_assigned"]
    assert f'data-talent="{cold.pk}"' not in sections["recently_assigned"]
    assert re.search(r"data-count>1<", sections["due_today"])

    response = officer_client.post(reverse("follow-up-done", args=[due_item.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "follow-up-done"
    due_item.refresh_from_db()
    assert due_item.follow_up_done_at is not None
    assert f'data-follow-up="{due_item.pk}"' not in officer_client.get("/").content.decode()


def test_worklist_empty_states_and_own_follow_ups_only(officer_client, officer):
    html = officer_client.get("/").content.decode()
    assert html.count("empty-state") >= 4
    other = factories.officer()
    item = follow_up_schedule(
        record=factories.talent(name="别人的"), officer=other, summary="x", due_on=timezone.localdate()
    )
    assert officer_client.post(reverse("follow-up-done", args=[item.pk])).status_code == 404


def test_leader_lands_on_the_dashboard_and_cannot_write(client, leader):
    client.force_login(leader)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    talent = factories.talent(name="陈明")
    assert client.get(reverse("talents:talent-list")).status_code == 200
    assert client.get(reverse("talents:talent-detail", args=[talent.pk])).status_code == 200
    response = client.get(reverse("talents:talent-create"))
    assert response.status_code == 302  # the read-only list instead of the form
    assert response["Location"] == reverse("talents:talent-list")
    for name, data in (
        ("talents:talent-transition", {"to": "contacted"}),
        ("talents:talent-activity-create", {"channel": "phone", "summary": "x"}),
        ("talents:talent-assign", {"owner": leader.pk}),
        ("talents:talent-anonymise", {"reason": "x", "confirm": "on"}),
        ("talents:talent-reveal", {"reason": "x"}),
    ):
        assert client.post(reverse(name, args=[talent.pk]), data).status_code == 403, name
    assert (
        client.post(reverse("talents:talent-merge"), {"keep": talent.pk, "drop": talent.pk}).status_code
        == 403
    )
    talent.refresh_from_db()
    assert talent.stage == "lead"


def test_record_url_maps_records_to_their_pages(officer):
    from jinjin_crm.core.templatetags.ui import record_url

    talent = factories.talent(name="陈明")
    project = factories.project()
    assert record_url(talent) == reverse("talents:talent-detail", args=[talent.pk])
    assert record_url(project) == reverse("projects:project-detail", args=[project.pk])
    assert record_url(officer) == ""
    assert record_url(None) == ""


def test_stage_history_of_a_talent_uses_talent_labels(officer_client, officer):
    talent = factories.talent(name="陈明")
    talent_transition(talent=talent, to="contacted", by=officer)
    html = officer_client.get(reverse("talents:talent-detail", args=[talent.pk])).content.decode()
    assert 'data-stage="contacted"' in html
    assert ContentType.objects.get_for_model(Talent)  # the timeline's stage rows are the talent's own
    assert html.count('data-kind="stage"') == 2
