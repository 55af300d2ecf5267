from django.urls import path

from core.pagecache import cache_for_visitors
from guide import feeds, topics
from guide.views import community, inbox, pages, predictions, reader, search, theories

app_name = "guide"

# Feeds are cached for visitors like pages: theory feeds show cards and excerpts; the
# facts feed and the calendar show editors' content only, which every cached page
# depends on anyway.
theory_feed = cache_for_visitors(topics=[topics.THEORIES, topics.THEORY_TEXTS])
facts_feed = cache_for_visitors(topics=[])

urlpatterns = [
    path("", pages.home, name="home"),
    path("shows/", pages.show_list, name="show_list"),
    path("shows/<slug:slug>/", pages.show_detail, name="show"),
    path("shows/<slug:slug>/season-<int:number>/", pages.season_detail, name="season"),
    path("shows/<slug:slug>/season-<int:number>/card.png", pages.season_card, name="season_card"),
    path(
        "shows/<slug:slug>/season-<int:number>/follow/",
        inbox.follow_season,
        name="follow_season",
    ),
    path(
        "shows/<slug:slug>/characters/<slug:character>/",
        pages.character_detail,
        name="character",
    ),
    path(
        "shows/<slug:slug>/characters/<slug:character>/card.png",
        pages.character_card,
        name="character_card",
    ),
    path("theories/", theories.theory_list, name="theory_list"),
    path("theories/new/", theories.theory_create, name="theory_create"),
    # Action routes come before the slugged detail route, which would swallow them.
    path("theories/<int:pk>/edit/", theories.theory_edit, name="theory_edit"),
    path("theories/<int:pk>/card.png", theories.theory_card, name="theory_card"),
    path("theories/<int:pk>/delete/", theories.theory_delete, name="theory_delete"),
    path("theories/<int:pk>/pictures/", theories.theory_images, name="theory_images"),
    path(
        "theories/<int:pk>/pictures/<int:image_pk>/remove/",
        theories.theory_image_delete,
        name="theory_image_delete",
    ),
    path("theories/<int:pk>/vote/", theories.vote, name="vote"),
    path("theories/<int:pk>/comments/", theories.comment_create, name="comment_create"),
    path("theories/<int:pk>/report/", theories.report, {"kind": "theory"}, name="report_theory"),
    path("theories/<int:pk>/follow/", inbox.follow, name="follow"),
    path("shows/<slug:slug>/follow/", inbox.follow_show, name="follow_show"),
    path("fans/<username:username>/follow/", inbox.follow_fan, name="follow_fan"),
    path("theories/<int:pk>/save/", inbox.save_theory, name="save_theory"),
    path("theories/<int:pk>/history/", community.theory_history, name="theory_history"),
    path(
        "theories/<int:pk>/predictions/new/",
        predictions.prediction_create,
        name="prediction_create",
    ),
    path("predictions/<int:pk>/", predictions.prediction_detail, name="prediction"),
    path("predictions/<int:pk>/card.png", predictions.prediction_card, name="prediction_card"),
    path("predictions/<int:pk>/edit/", predictions.prediction_edit, name="prediction_edit"),
    path(
        "predictions/<int:pk>/history/",
        community.prediction_history,
        name="prediction_history",
    ),
    path("questions/", predictions.question_list, name="question_list"),
    path("theories/<int:pk>/", theories.theory_detail, name="theory_short"),
    path("theories/<int:pk>/<slug:slug>/", theories.theory_detail, name="theory"),
    path("comments/<int:pk>/", theories.comment_detail, name="comment"),
    path("comments/<int:pk>/reply/", theories.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/save/", inbox.save_comment, name="save_comment"),
    path("comments/<int:pk>/vote/", theories.comment_vote, name="comment_vote"),
    path("comments/<int:pk>/edit/", theories.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", theories.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", theories.report, {"kind": "comment"}, name="report_comment"),
    path("comments/<int:pk>/history/", community.comment_history, name="comment_history"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("saved/", inbox.saved, name="saved"),
    path("following/", inbox.following, name="following"),
    path("fans/names/", inbox.fan_names, name="fan_names"),
    path("inbox/read/", inbox.inbox_read, name="inbox_read"),
    path("inbox/email/", inbox.mail_settings, name="mail_settings"),
    path("email/unsubscribe/<str:token>/", inbox.unsubscribe, name="unsubscribe"),
    path("inbox/<int:pk>/open/", inbox.inbox_open, name="inbox_open"),
    path("leaderboard/", community.leaderboard, name="leaderboard"),
    path("moderation/", community.moderation_log, name="moderation_log"),
    path("settings/watched/", reader.set_progress, name="set_progress"),
    path("settings/theme/", reader.set_theme, name="theme"),
    path("search/", search.search, name="search"),
    path("feeds/theories/", theory_feed(feeds.LatestTheoriesFeed()), name="feed_theories"),
    path(
        "feeds/shows/<slug:slug>/theories/",
        theory_feed(feeds.ShowTheoriesFeed()),
        name="feed_show_theories",
    ),
    path(
        "feeds/shows/<slug:slug>/season-<int:number>/theories/",
        theory_feed(feeds.SeasonTheoriesFeed()),
        name="feed_season_theories",
    ),
    path(
        "feeds/shows/<slug:slug>/season-<int:number>/facts/",
        facts_feed(feeds.SeasonFactsFeed()),
        name="feed_season_facts",
    ),
    path("shows/<slug:slug>/calendar.ics", facts_feed(feeds.show_calendar), name="show_calendar"),
]
