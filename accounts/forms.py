import hashlib
import logging

from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache

logger = logging.getLogger("site.auth")


class SignInForm(AuthenticationForm):
    """The sign-in form, with the autocomplete hints password managers and phones use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class ThrottledPasswordResetForm(PasswordResetForm):
    """Password reset that sends at most a few e-mails per account and per address an hour.

    The page answers the same whether or not an e-mail went (so it never tells who has an
    account); past the limits it simply sends nothing, and says so in the log. Counts live in
    the shared cache (Redis when several app servers run), so they hold across servers.
    """

    PER_ACCOUNT = 3
    PER_ADDRESS = 20
    WINDOW_SECONDS = 60 * 60

    def save(self, *args, request=None, **kwargs):
        email = self.cleaned_data["email"].casefold()
        address = (getattr(request, "client_ip", None) if request is not None else None) or "-"
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        over = [
            what
            for what, key, limit in (
                ("account", f"reset:account:{digest}", self.PER_ACCOUNT),
                ("address", f"reset:address:{address}", self.PER_ADDRESS),
            )
            if _count(key, self.WINDOW_SECONDS) > limit
        ]
        if over:
            logger.warning(
                "password reset throttled",
                extra={"event": "reset_throttled", "by": ",".join(over), "client": address},
            )
            return
        super().save(*args, request=request, **kwargs)


def _count(key: str, window: int) -> int:
    """Add one to a counter that starts when first used and ends after ``window`` seconds."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1
