from django.urls import path

from . import urls_excel, views

app_name = "talents"
urlpatterns = [
    # Excel: export of the filtered list, import with preview and confirm, the blank template.
    *urls_excel.urlpatterns,
    # Pages.
    path("talents/", views.talent_list, name="talent-list"),
    path("talents/board/", views.talent_board, name="talent-board"),
    path("talents/new/", views.talent_create, name="talent-create"),
    path("talents/teams/", views.team_list, name="team-list"),
    path("talents/duplicates/", views.talent_duplicates_review, name="talent-duplicates"),
    path("talents/merge/", views.talent_merge_view, name="talent-merge"),
    path("talents/<int:pk>/", views.talent_detail, name="talent-detail"),
    path("talents/<int:pk>/edit/", views.talent_edit, name="talent-edit"),
    path("talents/<int:pk>/transition/", views.talent_transition_view, name="talent-transition"),
    path(
        "talents/<int:pk>/transition/undo/", views.talent_transition_undo_view, name="talent-transition-undo"
    ),
    path("talents/<int:pk>/activities/", views.talent_activity_create, name="talent-activity-create"),
    path("talents/<int:pk>/reveal/", views.talent_reveal, name="talent-reveal"),
    path("talents/<int:pk>/assign/", views.talent_assign_view, name="talent-assign"),
    path("talents/<int:pk>/anonymise/", views.talent_anonymise_view, name="talent-anonymise"),
]
