"""Saved items: a fan saves theories and comments to come back to, on a page only they
see, with only what they may still read; each fan's Save buttons are their own, on pages
shared between fans too."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from guide import selectors, services
from guide.models import Bookmark
from tests.factories import CommentFactory, TheoryFactory, UserFactory
from tests.kit.counts import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def theory(db):
    return TheoryFactory(title="The school was a test site")


@pytest.fixture
def comment(theory):
    return services.post_comment(author=UserFactory(), theory=theory, body="Look at the *lab*.")


def save(client, item, value="1"):
    name = "guide:save_theory" if item._meta.model_name == "theory" else "guide:save_comment"
    return client.post(reverse(name, args=[item.pk]), {"save": value, "next": "/saved/"})


def test_a_fan_saves_a_theory_and_a_comment_and_finds_them(theory, comment):
    fan = UserFactory()
    client = signed_in(fan)
    assert client.get(theory.get_absolute_url()).text.count('class="link">Save</button>') == 2
    assert save(client, theory)["Location"] == "/saved/"
    save(client, comment)
    page = client.get(reverse("guide:saved")).text
    assert "The school was a test site" in page
    assert "<em>lab</em>" in page
    assert page.count(">Unsave</button>") == 2
    assert client.get(theory.get_absolute_url()).text.count(">Unsave</button>") == 2
    save(client, comment, "0")
    save(client, theory, "0")
    assert not Bookmark.objects.filter(user=fan).exists()
    assert "Nothing saved yet." in client.get(reverse("guide:saved")).text


def test_saving_twice_keeps_one(theory):
    fan = UserFactory()
    client = signed_in(fan)
    save(client, theory)
    save(client, theory)
    assert Bookmark.objects.filter(user=fan, theory=theory).count() == 1


def test_the_saved_page_is_the_fans_alone_and_holds_only_what_they_may_read(theory, comment):
    fan = UserFactory()
    services.save_item(user=fan, item=theory)
    services.save_item(user=fan, item=comment)
    assert Client().get(reverse("guide:saved")).status_code == HTTPStatus.FOUND
    assert "test site" not in signed_in(UserFactory()).get(reverse("guide:saved")).text
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    page = signed_in(fan).get(reverse("guide:saved")).text
    assert "test site" not in page
    assert "<em>lab</em>" not in page


def test_the_saved_page_holds_what_its_fan_may_still_read(theory, comment):
    fan = UserFactory()
    hidden_comment = CommentFactory(theory=theory, body="Rude *words*", is_hidden=True)
    hidden_theory = TheoryFactory(title="A hidden one", is_hidden=True)
    on_hidden = CommentFactory(theory=hidden_theory, body="Under *cover*")
    for item in (hidden_comment, hidden_theory, on_hidden):
        Bookmark.objects.create(user=fan, **{item._meta.model_name: item})
    page = signed_in(fan).get(reverse("guide:saved")).text
    for gone in ("<em>words</em>", "A hidden one", "<em>cover</em>"):
        assert gone not in page
    # Their own hidden items they still read, as everywhere; a moderator reads all.
    mine = CommentFactory(theory=theory, author=fan, body="My *own*", is_hidden=True)
    Bookmark.objects.create(user=fan, comment=mine)
    assert "<em>own</em>" in signed_in(fan).get(reverse("guide:saved")).text
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    Bookmark.objects.create(user=moderator, theory=hidden_theory)
    assert "A hidden one" in signed_in(moderator).get(reverse("guide:saved")).text


def test_nobody_saves_what_they_may_not_see(theory):
    hidden = CommentFactory(theory=theory, is_hidden=True)
    client = signed_in(UserFactory())
    assert save(client, hidden).status_code == HTTPStatus.NOT_FOUND
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    assert save(client, theory).status_code == HTTPStatus.NOT_FOUND
    assert not Bookmark.objects.exists()


@pytest.mark.usefixtures("page_cache")
def test_on_a_page_shared_between_fans_each_sees_their_own_save_buttons(theory, comment):
    saver, other = UserFactory(), UserFactory()
    services.save_item(user=saver, item=comment)
    services.save_item(user=saver, item=theory)
    url = theory.get_absolute_url()
    first = signed_in(other).get(url).text  # stores the page shared with fans
    assert ">Unsave</button>" not in first
    assert signed_in(saver).get(url).text.count(">Unsave</button>") == 2
    assert ">Unsave</button>" not in signed_in(other).get(url).text


def test_the_saved_page_asks_as_many_queries_with_more_items(theory):
    fan = UserFactory()
    client = signed_in(fan)
    services.save_item(user=fan, item=theory)
    services.save_item(user=fan, item=CommentFactory(theory=theory))

    def grow():
        for other in TheoryFactory.create_batch(10, season=theory.season):
            services.save_item(user=fan, item=other)
            services.save_item(user=fan, item=CommentFactory(theory=other))

    assert_queries_do_not_grow(
        lambda: count_queries(client, reverse("guide:saved")), grow, "saved page"
    )


def test_a_saved_comment_on_a_withdrawn_theory_keeps_its_title_gone(theory, comment):
    fan = UserFactory()
    services.save_item(user=fan, item=comment)
    services.delete_theory(theory=theory)  # another fan commented: it is withdrawn
    page = signed_in(fan).get(reverse("guide:saved")).text
    assert "The school was a test site" not in page
    assert "comment on a withdrawn theory" in page
    assert "<em>lab</em>" in page  # the comment stays readable, as on the theory's page


def test_the_saved_page_pages_on_newest_first(theory, monkeypatch):
    monkeypatch.setattr(selectors, "SAVED_PER_PAGE", 1)
    fan = UserFactory()
    older = TheoryFactory(season=theory.season, title="An older save")
    services.save_item(user=fan, item=older)
    services.save_item(user=fan, item=theory)
    client = signed_in(fan)
    first = client.get(reverse("guide:saved")).text
    second = client.get(reverse("guide:saved"), {"page": 2}).text
    assert "The school was a test site" in first
    assert "An older save" not in first
    assert "An older save" in second
