from django.contrib.auth import views as auth_views
from django.urls import path, register_converter, reverse_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from accounts import views
from accounts.forms import LoginForm, PasswordResetForm
from core.seo import PageMeta


class UsernameConverter:
    """What Django's username validator allows, so odd bytes never reach the database."""

    regex = r"[\w.@+-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UsernameConverter, "username")

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
            extra_context={
                "page_meta": PageMeta(
                    title=gettext_lazy("Log in"),
                    description=gettext_lazy("Log in to Next Season to post theories and vote."),
                )
            },
        ),
        name="login",
    ),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=PasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/settings/", views.account_settings, name="settings"),
    path("accounts/email/", views.change_email, name="change_email"),
    path("accounts/email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("accounts/export/", views.export_data, name="export"),
    path("accounts/export/<int:pk>/", views.download_export, name="download_export"),
    path("accounts/delete/", views.delete_account, name="delete"),
    path("u/<username:username>/", views.profile, name="profile"),
]

# Account pages hold a fan's details, or a form and its token: no cache may store them,
# in the browser or on the way. The public profile is the one page meant to be shared.
SHARED_PAGES = {"profile"}
for _pattern in urlpatterns:
    if _pattern.name not in SHARED_PAGES:
        _pattern.callback = never_cache(_pattern.callback)
