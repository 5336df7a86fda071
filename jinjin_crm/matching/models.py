"""The talent-demand catalogue (numbered versions with their diffs) and talent ↔ demand matches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueVersion(models.Model):
    """A published, numbered catalogue compiled from the open demands.

    ``fingerprint`` is a hash of the entries: a compile whose entries hash the same as the current
    version's changes nothing and creates no version. ``diff`` holds the entries added, changed and
    withdrawn against the previous version: ``{"added": [key…], "changed": [{"key", "before",
    "after"}…], "withdrawn": [key…]}``.
    """

    number = models.PositiveIntegerField(_("version"), unique=True)
    compiled_at = models.DateTimeField(_("compiled at"), auto_now_add=True)
    job = models.ForeignKey("core.JobRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    fingerprint = models.CharField(max_length=64)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    demand_count = models.PositiveIntegerField(_("demands"), default=0)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    diff = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["-number"]

    def __str__(self):
        return f"v{self.number}"


class CatalogueEntry(models.Model):
    """One line of a catalogue version: a park, industry chain, discipline and minimum degree, with the
    open demands behind it summed (a demand with two disciplines stands in both lines)."""

    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=80)
    park = models.ForeignKey("core.Park", on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    industry = models.ForeignKey(
        "core.IndustryChain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry chain"),
    )
    discipline = models.ForeignKey(
        "core.Discipline", on_delete=models.PROTECT, related_name="+", verbose_name=_("discipline")
    )
    min_degree = models.ForeignKey(
        "core.Degree", on_delete=models.PROTECT, related_name="+", verbose_name=_("minimum degree")
    )
    headcount = models.PositiveIntegerField(_("headcount"))
    demand_count = models.PositiveIntegerField(_("demands"))
    salary_min = models.DecimalField(
        _("salary from (10k yuan/year)"), max_digits=8, decimal_places=2, null=True
    )
    salary_max = models.DecimalField(
        _("salary to (10k yuan/year)"), max_digits=8, decimal_places=2, null=True
    )
    scarcity = models.PositiveSmallIntegerField(_("scarcity (1-5)"), default=1)
    positions = models.JSONField(_("positions"), default=list)
    # [{"kind": "project" | "enterprise", "id": …, "name": …}], the records behind the line.
    sources = models.JSONField(_("projects and enterprises"), default=list)
    demand_ids = models.JSONField(default=list)
    # {"<demand id>": headcount}: a demand with two disciplines stands in two lines, so a section's
    # headcount is summed over its distinct demands, not over its lines.
    demand_headcounts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["park__sort_order", "industry__sort_order", "discipline__code", "min_degree__rank"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="catalogue_entry_key_once")]
        indexes = [models.Index(fields=["version", "park"], name="catalogue_entry_park_idx")]

    def __str__(self):
        return self.key


class MatchStatus(models.TextChoices):
    RECOMMENDED = "recommended", _("recommended")
    CONTACTED = "contacted", _("contacted")
    INTERVIEWING = "interviewing", _("interviewing")
    HIRED = "hired", _("hired")
    REJECTED = "rejected", _("rejected")


MATCH_TRANSITIONS: dict[str, tuple[str, ...]] = {
    MatchStatus.RECOMMENDED: (MatchStatus.CONTACTED, MatchStatus.REJECTED),
    MatchStatus.CONTACTED: (MatchStatus.INTERVIEWING, MatchStatus.REJECTED),
    MatchStatus.INTERVIEWING: (MatchStatus.HIRED, MatchStatus.REJECTED),
    MatchStatus.HIRED: (),
    MatchStatus.REJECTED: (),
}


class Match(models.Model):
    """A talent who fits a demand: the score (0-100), its parts as data, and the officer's workflow.

    ``reasons`` maps each scoring part to its points and what earned them, e.g.
    ``{"discipline": {"points": 35, "detail": "0812"}, "degree": {...}, …}``; the points add up to
    ``score``. Recomputes replace only ``recommended`` matches: once an officer acts on a match it
    stays until the officer closes it.
    """

    # No single-column indexes on the foreign keys: (talent, -score) and (demand, talent) and
    # (demand, -score) lead with them, and every index costs each of the millions of writes.
    talent = models.ForeignKey(
        "talents.Talent", on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    demand = models.ForeignKey(
        "projects.TalentDemand", on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    reasons = models.JSONField(_("reasons"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.RECOMMENDED
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-score", "id"]
        # Demand first: recomputes write demand by demand, so this index grows in order (a talent-first
        # unique index took most of the write time at millions of rows).
        constraints = [models.UniqueConstraint(fields=["demand", "talent"], name="match_demand_talent_once")]
        indexes = [
            models.Index(fields=["demand", "-score"], name="match_demand_score_idx"),
            models.Index(fields=["talent", "-score"], name="match_talent_score_idx"),
            # Only the matches officers acted on: the recommended ones are the great majority.
            models.Index(
                fields=["status"],
                name="match_acted_on_idx",
                condition=~models.Q(status="recommended"),
            ),
        ]

    def __str__(self):
        return f"{self.talent_id} ↔ {self.demand_id}: {self.score}"
