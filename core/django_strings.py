"""Django's own interface strings that our Korean catalogue translates again.

Django's Korean for these reads badly on our pages: a stiff "-습니다" beside the site's
"-요", particles left as "와(과)" and "은(는)", "최소 … 이상" twice over. Our catalogue
(locale/ko, its last block) wins over Django's. Nothing imports this module: it only
names the strings, so that makemessages keeps those entries in our catalogue.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# Forms and fields
gettext_noop("This field is required.")
gettext_noop("Enter a valid email address.")
gettext_noop("Null characters are not allowed.")
gettext_noop("Select a valid choice. That choice is not one of the available choices.")
gettext_noop("Select a valid choice. %(value)s is not one of the available choices.")
ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
)

# Sign-up, log-in and passwords
gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.")
gettext_noop(
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
    "characters."
)
gettext_noop("Your password can’t be too similar to your other personal information.")
gettext_noop("Your password can’t be a commonly used password.")
gettext_noop("Your password can’t be entirely numeric.")
ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
)
gettext_noop("Enter the same password as before, for verification.")
gettext_noop("The two password fields didn’t match.")
gettext_noop("The password is too similar to the %(verbose_name)s.")
gettext_noop("This password is too common.")
gettext_noop("This password is entirely numeric.")
ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)
gettext_noop("Your old password was entered incorrectly. Please enter it again.")
