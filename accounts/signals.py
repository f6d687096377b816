"""Log signing in and out for the school's IT: who, when, from where; never a password."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .network import client_ip

logger = logging.getLogger("site.auth")


def _client(request) -> str:
    return (client_ip(request) or "") if request is not None else ""


@receiver(user_logged_in)
def log_sign_in(sender, request, user, **kwargs):
    logger.info(
        "sign-in",
        extra={
            "event": "sign_in",
            "user_id": user.pk,
            "username": user.username,
            "client": _client(request),
        },
    )


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    # ``credentials`` is already cleansed by Django; take the username only, to be sure.
    logger.warning(
        "sign-in failed",
        extra={
            "event": "sign_in_failed",
            "username": str(credentials.get("username", ""))[:150],
            "client": _client(request),
        },
    )


@receiver(user_logged_out)
def log_sign_out(sender, request, user, **kwargs):
    if user is not None:
        logger.info(
            "sign-out", extra={"event": "sign_out", "user_id": user.pk, "client": _client(request)}
        )
