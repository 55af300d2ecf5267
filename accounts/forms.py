from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import names
from accounts.models import User
from core.forms import NoControlCharactersMixin
from core.links import absolute_url


class LoginForm(AuthenticationForm):
    # One message for a wrong username or password, in the site's words.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your username and password did not match. Please try again."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets max_length after building the field, so it is not checked.
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )


def check_public_name(value: str, *, owner: User | None = None) -> None:
    """The rules for a name shown to everyone (accounts/names.py), for fans' forms.

    Raises ValidationError with what is wrong. Staff, createsuperuser and the admin are
    not held to them: only names fans choose for themselves are.
    """
    if names.has_hidden_characters(value):
        raise forms.ValidationError(_("Remove the invisible or direction-changing characters."))
    if names.is_reserved(value):
        raise forms.ValidationError(
            _("That name is kept for the site and its team. Please choose another.")
        )
    look = names.skeleton(value)
    others = User.objects.exclude(pk=owner.pk) if owner and owner.pk else User.objects.all()
    if look and others.filter(username_skeleton=look).exists():
        raise forms.ValidationError(
            _("That name looks too much like another fan's username. Please choose another.")
        )


class SignUpForm(UserCreationForm):
    # Not a model field: the address waits for confirmation (accounts.services.sign_up),
    # and whether another account has it is never checked here, so the form cannot tell.
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Only for resetting your password. Never shown to anyone."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["username", "email", "password1", "password2"]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username"]

    def clean_username(self):
        username = super().clean_username()
        if username:  # None when Django has already said it is taken, in any case
            check_public_name(username)
        return username


class ProfileForm(NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"display_name": _("Shown instead of your username, if you set one.")}

    def clean_display_name(self):
        display_name = self.cleaned_data["display_name"]
        if display_name:
            check_public_name(display_name, owner=self.instance)
        return display_name


class CurrentPasswordMixin:
    """A `password` field that must be the signed-in fan's own."""

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


class EmailChangeForm(CurrentPasswordMixin, forms.Form):
    email = forms.EmailField(
        label=_("New email"),
        help_text=_("We mail a link to it. Your email changes when you follow the link."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.casefold() == self.user.email.casefold():
            raise forms.ValidationError(_("That is already your email."))
        return email


class DeleteAccountForm(CurrentPasswordMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the link built from SITE_URL instead of the request's host."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        link = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        # Drop what Django took from the request, so no template can use it.
        context = {k: v for k, v in context.items() if k not in {"domain", "protocol"}}
        context["reset_url"] = absolute_url(link)
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
