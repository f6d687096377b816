import uuid

import pytest
from django.urls import reverse


@pytest.fixture
def post_as():
    """POST a new post to a thread as the client's user; returns the response."""

    def post(client, school_class, prompt, body, *, key=None, htmx=False, next_url=""):
        prefix = f"prompt-{prompt.pk}"
        data = {f"{prefix}-body": body, f"{prefix}-submission_key": str(key or uuid.uuid4())}
        if next_url:
            data["next"] = next_url
        headers = {"HX-Request": "true"} if htmx else {}
        return client.post(
            reverse("discussions:post_create", args=[school_class.pk, prompt.pk]),
            data,
            headers=headers,
        )

    return post


@pytest.fixture
def reply_as():
    def reply(client, parent, body, *, key=None):
        prefix = f"reply-{parent.pk}"
        data = {f"{prefix}-body": body, f"{prefix}-submission_key": str(key or uuid.uuid4())}
        return client.post(reverse("discussions:reply", args=[parent.pk]), data)

    return reply
