"""Django's own strings on our pages read well in Korean: our catalogue translates again
the ones whose Korean read badly, and Korean dates put 오전/오후 before the time."""

import ast
import re
from http import HTTPStatus
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from guide import services
from guide.models import SeasonStatus
from tests.factories import SeasonFactory, ShowFactory

pytestmark = pytest.mark.django_db

KO = {"accept-language": "ko"}
DJANGO = Path(django.__file__).parent
DJANGO_CATALOGUES = [
    DJANGO / "conf" / "locale" / "ko" / "LC_MESSAGES" / "django.po",
    DJANGO / "contrib" / "auth" / "locale" / "ko" / "LC_MESSAGES" / "django.po",
]
OURS = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
LIST = Path(settings.BASE_DIR) / "core" / "django_strings.py"

# What read badly: stiff endings beside our "-요", particles left unresolved, "최소 … 이상".
AWKWARD = [
    "와(과)",
    "은(는)",
    "통상적으로",
    "이전과 동일한",
    "최소 8자 이상",
    "필수 항목입니다",
    "사용할 수 없습니다",
    "일치하지 않습니다",
    "이하여야 합니다",
    "올바르게 선택해 주세요",
]


def main_text(response) -> str:
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def assert_reads_well(text: str) -> None:
    found = [phrase for phrase in AWKWARD if phrase in text]
    assert found == [], text


def test_sign_up_help_and_errors_read_well(client):
    page = main_text(client.get(reverse("accounts:signup"), headers=KO))
    assert_reads_well(page)
    assert "흔히 쓰이는 비밀번호는 쓸 수 없어요." in page
    assert "확인을 위해 위와 같은 비밀번호를 한 번 더 입력해 주세요." in page

    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "hyosan_fan",
            "email": "not an address",
            "password1": "hyosan_fan",
            "password2": "something else",
        },
        headers=KO,
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = main_text(response)
    assert_reads_well(errors)
    assert "올바른 이메일 주소를 입력해 주세요." in errors
    assert "두 비밀번호가 서로 달라요." in errors


def test_weak_password_errors_read_well(client):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "fan2", "email": "fan2@example.com", "password1": "1234", "password2": "1234"},
        headers=KO,
    )
    errors = main_text(response)
    assert_reads_well(errors)
    assert "비밀번호가 너무 짧아요. 8자 이상이어야 해요." in errors
    assert "숫자로만 된 비밀번호예요." in errors


def test_required_fields_and_lengths_read_well(client, fan_client):
    login = main_text(client.post(reverse("accounts:login"), {}, headers=KO))
    assert login.count("필수 항목이에요.") == 2
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    response = fan_client.post(
        reverse("guide:theory_create"),
        {"season": season.pk, "title": "x" * 141, "body": "b", "characters": ["999999"]},
        headers=KO,
    )
    errors = main_text(response)
    assert_reads_well(errors)
    assert "140자까지 쓸 수 있어요. 지금은 141자예요." in errors
    assert "999999 항목은 목록에 없어요. 목록에서 골라 주세요." in errors


def test_korean_times_put_am_or_pm_first(client, fan, other_fan):
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    theory = services.post_theory(author=fan, season=season, title="Soon", body="x")
    services.post_comment(author=other_fan, theory=theory, body="Sure")
    page = main_text(client.get(theory.get_absolute_url(), headers=KO))
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 (오전|오후) \d{1,2}:\d{2}", page), page
    with translation.override("en"):
        assert "오후" not in main_text(client.get(theory.get_absolute_url()))


def test_the_override_block_holds_only_strings_django_ships():
    """Our catalogue re-translates Django's strings only where core/django_strings.py
    names them, and each one is a string Django's Korean catalogue has."""
    shipped = set()
    for path in DJANGO_CATALOGUES:
        with path.open("rb") as po:
            shipped |= {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}
    named = [
        node.args[0].value
        for node in ast.walk(ast.parse(LIST.read_text()))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in {"gettext_noop", "ngettext_lazy"}
    ]
    assert named
    assert set(named) <= shipped
    with OURS.open("rb") as po:
        ours = {
            m.id if isinstance(m.id, str) else m.id[0]: m
            for m in read_po(po)
            if m.id and any(path == "core/django_strings.py" for path, _line in m.locations)
        }
    assert set(ours) == set(named)
    assert all(message.string for message in ours.values())
