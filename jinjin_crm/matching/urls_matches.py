"""Match pages."""

from django.urls import path

from . import views_matches

urlpatterns = [
    path("matches/", views_matches.match_list, name="match-list"),
    path("matches/recompute/", views_matches.match_recompute_view, name="match-recompute"),
    path("matches/<int:pk>/transition/", views_matches.match_transition_view, name="match-transition"),
    path("demands/<int:pk>/candidates/", views_matches.demand_candidates, name="demand-candidates"),
    path("talents/<int:pk>/fits/", views_matches.talent_fits, name="talent-fits"),
]
