"""No payload in a post ever becomes markup on the page; the text stays readable."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from discussions.models import Post
from discussions.text import ALLOWED_TAGS, render_post

from .xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db


class MarkupAudit(HTMLParser):
    """Collects every tag and attribute in a fragment."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def audit(html: str) -> MarkupAudit:
    parser = MarkupAudit()
    parser.feed(html)
    return parser


def test_there_are_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rendered_payload_has_only_safe_tags_and_attributes(payload):
    result = audit(str(render_post(payload, reading_url="/lessons/x/")))
    assert set(result.tags) <= ALLOWED_TAGS
    for name, value in result.attributes:
        assert name in ("href", "rel"), (payload, name)
        if name == "href":
            assert value.startswith(("http://", "https://", "mailto:", "/lessons/")), value


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_posted_and_shown_stays_inert_and_readable(client, classmate, school, payload):
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body=payload
    )
    client.force_login(school.post.author)
    page = client.get(
        reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])
    ).content.decode()
    bodies = re.findall(r'<div class="post-body">(.*?)</div>', page, re.S)
    assert bodies, "no posts shown"
    for body in bodies:
        result = audit(body)
        assert set(result.tags) <= ALLOWED_TAGS
        assert not any(name.startswith("on") or name == "style" for name, _ in result.attributes)
    # Readable: the payload's words are on the page as text (for a Markdown link, its label).
    label = re.match(r"^\[([^\]]+)\]\(", payload)
    words = [label.group(1)] if label else re.findall(r"[A-Za-z_]{4,}", payload)
    shown = "".join(audit("".join(bodies)).text)
    assert any(word in shown for word in words), (payload, shown)
