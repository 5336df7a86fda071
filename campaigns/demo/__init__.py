"""Demo campaigns, universities and 科技副总 placements, drawn from the district's report (DESIGN §1).

- The 2024 spring campus recruiting season: visits to 南开大学, 北京理工大学 and four more universities
  whose generated sign-in sheets add up to the report's figures exactly (``REPORTED``): 5,736
  consultations, 324 intents, 180 of them master's or above; 41 signed, 35 of whom started work that
  summer. Those are the figures at the default size: the people met on every campaign grow and
  shrink with ``DEMO_TALENTS`` (``talents.demo.demo_scale``: ``DEMO_TALENTS`` / 2,000), so a smaller
  demo is smaller here too; the placements, trips and partners stay as the report has them.
- Smaller visits in the seasons around it (a few people met in 2024 come back in 2025 and are linked
  to their record by the duplicate rules), the 津鹰人才荟 and 青年人才读书荟 events, a job fair, and
  campaigns planned for the coming weeks.
- Investment promotion trips that yielded demo projects, the 5.1-billion machine-vision HQ among them.
- The strategic partners 重庆大学 and 清华大学深圳国际研究生院 (and a lapsed agreement).
- 65 experts placed in enterprises as 科技副总 in 4 batches (18 + 16 + 16 + 15), with task books,
  outcomes dated within their terms, evaluations of completed terms, extensions and one early end.

Everything is written through the services (the people met through ``contacts_bulk_record``, which
makes the few thousand records in seconds); afterwards only the timestamps that the services set to
"now" are moved to the dates of the story (a sign-in sheet is entered on the evening of the day).
"""

from campaigns.models import Campaign

from .data import PLACEMENTS, REPORTED, REPORTED_SEASON
from .placements import Placements
from .recruiting import Recruiting
from .trips import Trips

__all__ = ["PLACEMENTS", "REPORTED", "REPORTED_SEASON", "seed"]


def seed() -> str:
    if Campaign.objects.exists():
        return "0 campaigns (already seeded)"
    recruiting = Recruiting()
    if not recruiting.users:
        return "0 campaigns (no demo officers)"
    universities = recruiting.seed_universities()
    contacts, created = recruiting.seed_recruiting()
    trips = Trips().seed_trips()
    placements, batches = Placements().seed_placements()
    return (
        f"{universities} universities, {Campaign.objects.count()} campaigns ({trips} promotion trips), "
        f"{contacts} contacts ({created} new talents), {placements} placements in {batches} batches"
    )
