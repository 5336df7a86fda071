from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from jinjin_crm.core import views as core_views
from jinjin_crm.core import views_jobs
from talents import views as talent_views

urlpatterns = [
    # The officer's worklist reads talents and projects, so the talents app serves it.
    path("", talent_views.home, name="home"),
    path("follow-ups/<int:pk>/done/", core_views.follow_up_done, name="follow-up-done"),
    path("jobs/", views_jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/", views_jobs.job_detail, name="job-detail"),
    path("jobs/<int:pk>/progress/", views_jobs.job_progress, name="job-progress"),
    path("healthz", core_views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("jinjin_crm.api.urls")),
    path("", include("projects.urls")),
    path("", include("talents.urls")),
    path("", include("jinjin_crm.matching.urls")),
    path("", include("campaigns.urls")),
    path("", include("policies.urls")),
    path("", include("jinjin_crm.dashboard.urls")),
]

handler403 = "jinjin_crm.core.views.permission_denied"
handler404 = "jinjin_crm.core.views.page_not_found"
handler500 = "jinjin_crm.core.views.server_error"
