"""The admin works under the strict Content-Security-Policy: its scripts run, nothing is
blocked, and no violation is reported."""

import pytest
from django.urls import reverse

from guide.models import Report, Season, Show, Theory
from tests.factories import PASSWORD, ReportFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_pages_report_no_csp_violation_and_their_scripts_run(new_context):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    theory = Theory.objects.filter(is_hidden=False).first()
    ReportFactory(theory=theory)
    show = Show.objects.get(slug="all-of-us-are-dead")
    season = Season.objects.get(show=show, number=2)

    context = new_context()
    page = context.new_page()
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    assert page.locator("#user-tools").is_visible()

    for url in [
        reverse("admin:index"),
        reverse("admin:guide_show_change", args=[show.pk]),
        reverse("admin:guide_season_change", args=[season.pk]),
        reverse("admin:guide_theory_changelist"),
        reverse("admin:guide_report_changelist"),
        reverse("admin:guide_character_add"),
    ]:
        page.goto(url)
        page.wait_for_load_state("networkidle")

    # prepopulated_fields is admin JavaScript: the slug follows the name as it is typed.
    page.goto(reverse("admin:guide_person_add"))
    page.locator("#id_name_en").press_sequentially("Kim Jin-young")
    assert page.locator("#id_slug").input_value() == "kim-jin-young"

    assert context.watch.errors == []
    assert context.watch.outside_requests() == []
    assert Report.objects.count() == 1
