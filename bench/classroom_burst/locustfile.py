"""A class of students on the site at once: sign in, read, open the discussion, post answers.

Run by ``bench/classroom_burst/run.py`` (which starts the server, prepares the data and checks
the database afterwards); it needs two environment variables:

- ``BENCH_SETUP_FILE``: the JSON written by ``bench.setup_data`` (URLs, usernames, password);
- ``BENCH_EVENTS_FILE``: where to append one JSON line per request and per acknowledged post.

Each simulated user is a different student of the bench class. It signs in through the real
form (CSRF token from the page, the real password, so PBKDF2 runs for every sign-in), then, with
a few seconds' thought between steps, reads lessons, opens the busy discussion, looks at its
dashboard and posts answers through the thread page's own form (its ``prompt-<id>-body`` and
``prompt-<id>-submission_key`` fields). A post the server answers with 302 to ``#post-<pk>`` is
acknowledged, and its submission key is written down. A post that fails is sent again with the
same key, as a student pressing "Post" again would: at most ``POST_ATTEMPTS`` times, waiting
1, 2, 3 then 4 s in between.

Redirects are never followed, so a lost session (302 to the sign-in page) counts as a failure
instead of passing as a 200 sign-in page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

SETUP = json.loads(Path(os.environ["BENCH_SETUP_FILE"]).read_text())
EVENTS_FILE = Path(os.environ["BENCH_EVENTS_FILE"]).open("a", buffering=1)  # noqa: SIM115
POST_ATTEMPTS = 5
SIGN_IN_ATTEMPTS = 5
# Before the n-th retry, wait n seconds: 1 + 2 + 3 + 4 = 10 s of patience in all.
RETRY_PAUSE_S = 1.0

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY_FIELD = re.compile(
    r'name="prompt-{}-submission_key" value="([^"]+)"'.format(SETUP["prompt_pk"])
)
# One student for each simulated user, in order: never two users signed in as one student.
_students = iter(SETUP["students"])
_post_numbers = itertools.count(1)


def write_event(**fields) -> None:
    EVENTS_FILE.write(json.dumps(fields) + "\n")


@events.request.add_listener
def record_request(request_type, name, response_time, response, exception, start_time=None, **_):
    """Every request, with its start time, so a fault drill can tell when failures happened."""
    write_event(
        kind="request",
        name=name,
        method=request_type,
        start=start_time,
        end=time.time(),
        ms=response_time,
        status=getattr(response, "status_code", 0) or 0,
        ok=exception is None,
        error=None if exception is None else str(exception)[:200],
    )


class Student(HttpUser):
    wait_time = between(2, 6)

    def on_start(self):
        try:
            self.username = next(_students)
        except StopIteration:
            raise RuntimeError("More users than bench students: lower --users") from None
        self.signed_in = False
        self.sign_in()

    # Steps --------------------------------------------------------------------------------

    def sign_in(self) -> None:
        for attempt in range(SIGN_IN_ATTEMPTS):
            if attempt:
                time.sleep(RETRY_PAUSE_S * attempt)
            page = self.get(SETUP["sign_in_url"], "sign-in page")
            token = page and CSRF_FIELD.search(page)
            if not token:
                continue
            with self.client.post(
                SETUP["sign_in_url"],
                data={
                    "username": self.username,
                    "password": SETUP["password"],
                    "csrfmiddlewaretoken": token.group(1),
                    "next": "",
                },
                name="sign-in",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code == 302 and SETUP["sign_in_url"] not in location:
                    self.signed_in = True
                    return
                response.failure(f"sign-in answered {response.status_code} {location}")

    @task(4)
    def read_lesson(self):
        self.get(random.choice(SETUP["lesson_urls"]), "lesson")

    @task(2)
    def open_thread(self):
        self.get(SETUP["urls"]["discussion"], "thread")

    @task(1)
    def dashboard(self):
        self.get(SETUP["urls"]["dashboard"], "dashboard")

    @task(2)
    def post_answer(self):
        page = self.get(SETUP["urls"]["discussion"], "thread")
        token, key = page and CSRF_FIELD.search(page), page and SUBMISSION_KEY_FIELD.search(page)
        if not (token and key):
            return
        number = next(_post_numbers)
        prefix = f"prompt-{SETUP['prompt_pk']}"
        data = {
            "csrfmiddlewaretoken": token.group(1),
            f"{prefix}-body": (
                f"Answer {number} from {self.username}: ¶{number % 12 + 1} shows that "
                "**control of the party** mattered more than ideas."
            ),
            f"{prefix}-submission_key": key.group(1),
            "next": SETUP["urls"]["discussion"],
        }
        for attempt in range(POST_ATTEMPTS):
            if attempt:
                time.sleep(RETRY_PAUSE_S * attempt)
            with self.client.post(
                SETUP["post_url"],
                data=data,
                name="post answer" if attempt == 0 else "post answer (resend)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code == 302 and "#post-" in location:
                    write_event(
                        kind="ack",
                        username=self.username,
                        submission_key=key.group(1),
                        post_pk=int(location.rsplit("#post-", 1)[1]),
                        attempts=attempt + 1,
                        t=time.time(),
                    )
                    return
                response.failure(f"post answered {response.status_code} {location}")

    # Helpers ------------------------------------------------------------------------------

    def get(self, url: str, name: str) -> str | None:
        """GET ``url``; the body when it answered 200, else None (and a recorded failure)."""
        if not self.signed_in and name != "sign-in page":
            self.sign_in()
            if not self.signed_in:
                return None
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 200:
                return response.text
            location = response.headers.get("Location", "")
            response.failure(f"{name} answered {response.status_code} {location}")
            if response.status_code == 302 and SETUP["sign_in_url"] in location:
                self.signed_in = False  # the session is gone: sign in again next time
            return None
