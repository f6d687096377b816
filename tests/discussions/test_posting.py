"""Posting, replying, editing and deleting, with bad input handled and nothing lost."""

import html
import re
import uuid

import pytest
from django.urls import reverse

from discussions.models import Post

pytestmark = pytest.mark.django_db


def thread_url(school):
    return reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])


def test_student_posts_and_sees_it_in_the_thread(client, classmate, school, post_as):
    client.force_login(classmate)
    response = post_as(client, school.ours, school.prompt, "I think *power* mattered more. ¶2")
    post = Post.objects.get(author=classmate)
    assert response.status_code == 302
    assert response.url == f"{thread_url(school)}#post-{post.pk}"
    page = client.get(thread_url(school)).content.decode()
    assert "<em>power</em>" in page
    assert f'href="{school.prompt.lesson.get_absolute_url()}#p2"' in page
    assert "Ben Kowalski" in page


def test_posting_from_the_lesson_page_returns_to_it(client, classmate, school, post_as):
    client.force_login(classmate)
    lesson_url = f"{school.prompt.lesson.get_absolute_url()}?class={school.ours.pk}"
    response = post_as(
        client, school.ours, school.prompt, "Back to the lesson", next_url=lesson_url
    )
    post = Post.objects.get(author=classmate)
    assert response.url == f"{lesson_url}#post-{post.pk}"


def test_offsite_next_is_ignored(client, classmate, school, post_as):
    client.force_login(classmate)
    response = post_as(client, school.ours, school.prompt, "x", next_url="https://evil.example/")
    assert response.url.startswith(thread_url(school))


def test_lesson_page_loads_the_class_discussion_of_each_prompt(client, classmate, school):
    client.force_login(classmate)
    lesson_url = school.prompt.lesson.get_absolute_url()
    page = client.get(lesson_url).content.decode()
    slots = re.findall(r'class="thread-slot" data-hx-get="([^"]+)"', page)
    assert len(slots) == school.prompt.lesson.prompts.published().count()
    assert "(1 post)" in page  # the count shows before the thread loads
    first = html.unescape(slots[0])
    assert first.startswith(f"/discussions/{school.ours.pk}/prompts/")
    fragment = client.get(first, headers={"HX-Request": "true"}).content.decode()
    assert "Stalin won by controlling" in fragment and "<html" not in fragment
    assert f'name="next" value="{lesson_url}"' in fragment  # posting returns to the lesson


def test_long_thread_shows_the_latest_posts_and_the_rest_on_request(
    client, classmate, school, make_user
):
    Post.objects.bulk_create(
        Post(school_class=school.ours, prompt=school.prompt, author=classmate, body=f"Post {n}")
        for n in range(30)
    )
    client.force_login(classmate)
    page = client.get(thread_url(school)).content.decode()
    assert "Show 11 earlier posts" in page
    assert "Post 29" in page and "Stalin won by controlling" not in page
    everything = client.get(thread_url(school), {"all": "1"}).content.decode()
    assert "Stalin won by controlling" in everything and "earlier post" not in everything


@pytest.mark.parametrize("body", ["", "   ", "\n\t \n"])
def test_empty_or_blank_post_is_rejected_clearly(client, classmate, school, post_as, body):
    client.force_login(classmate)
    response = post_as(client, school.ours, school.prompt, body)
    assert response.status_code == 200
    assert "Write something before posting." in response.content.decode()
    assert not Post.objects.filter(author=classmate).exists()


def test_over_long_post_is_rejected_and_the_text_kept(client, classmate, school, post_as):
    client.force_login(classmate)
    text = "Stalin " * 1500  # 10,500 characters
    response = post_as(client, school.ours, school.prompt, text)
    page = response.content.decode()
    assert "Keep it to 10000 characters; this has 10499." in page
    assert text.strip()[:200] in page
    assert not Post.objects.filter(author=classmate).exists()


def test_htmx_error_keeps_the_text_in_the_refreshed_thread(client, classmate, school, post_as):
    client.force_login(classmate)
    text = "x" * 10_001
    response = post_as(client, school.ours, school.prompt, text, htmx=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Keep it to 10000 characters" in page
    assert text in page


def test_nul_and_control_characters_are_cleaned_not_a_500(client, classmate, school, post_as):
    client.force_login(classmate)
    response = post_as(client, school.ours, school.prompt, "Lenin\x00 died\x07 in 1924\x1b.")
    assert response.status_code == 302
    assert Post.objects.get(author=classmate).body == "Lenin died in 1924."


def test_a_post_of_only_control_characters_is_empty(client, classmate, school, post_as):
    client.force_login(classmate)
    response = post_as(client, school.ours, school.prompt, "\x00\x01\x02")
    assert "Write something before posting." in response.content.decode()


UNICODE_TEXTS = [
    "Сталин пришёл к власти в 1924–1929 годах.",
    "ستالين والاتحاد السوفيتي — نص من اليمين إلى اليسار",
    "斯大林与苏联 · スターリン · 스탈린",
    "Emoji 🇺🇦🏳️‍🌈👩🏽‍🏫 and combining: e\u0301 (not é)",
    "Mixed ltr עברית rtl \u202e reversed \u202c end",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_every_script_round_trips_exactly(client, classmate, school, post_as, text):
    client.force_login(classmate)
    post_as(client, school.ours, school.prompt, text)
    assert Post.objects.get(author=classmate).body == text
    page = client.get(thread_url(school)).content.decode()
    assert text.replace("&", "&amp;") in page


def test_double_submit_creates_one_post(client, classmate, school, post_as):
    client.force_login(classmate)
    key = uuid.uuid4()
    first = post_as(client, school.ours, school.prompt, "Only once", key=key)
    second = post_as(client, school.ours, school.prompt, "Only once", key=key)
    assert Post.objects.filter(author=classmate).count() == 1
    assert first.url == second.url


def test_same_key_from_two_students_makes_two_posts(client, student, classmate, school, post_as):
    key = uuid.uuid4()
    for user in (student, classmate):
        client.force_login(user)
        post_as(client, school.ours, school.prompt, "Same form key", key=key)
    assert Post.objects.filter(body="Same form key").count() == 2


def test_a_race_on_the_same_key_still_makes_one_post(classmate, school, monkeypatch):
    """Two requests pass the existence check together; the constraint stops the second."""
    from discussions import services

    key = uuid.uuid4()
    services.post_create(
        author=classmate,
        school_class=school.ours,
        prompt=school.prompt,
        body="first",
        submission_key=key,
    )
    real_filter = Post.objects.filter

    def blind_filter(*args, **kwargs):  # the second request did not see the first's row yet
        if kwargs.get("submission_key") == key and "author" in kwargs:
            return Post.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(services.Post.objects, "filter", blind_filter)
    post, created = services.post_create(
        author=classmate,
        school_class=school.ours,
        prompt=school.prompt,
        body="first",
        submission_key=key,
    )
    monkeypatch.undo()
    assert not created
    assert Post.objects.filter(author=classmate).count() == 1


def test_reply_attaches_to_the_post(client, classmate, school, reply_as):
    client.force_login(classmate)
    response = reply_as(client, school.post, "I disagree, see ¶3.")
    reply = Post.objects.get(author=classmate)
    assert response.status_code == 302
    assert reply.parent == school.post and reply.reply_to == school.post


def test_reply_to_a_reply_goes_under_the_same_post_and_quotes_whom(
    client, student, classmate, school, reply_as
):
    client.force_login(classmate)
    reply_as(client, school.post, "First reply from Ben")
    first_reply = Post.objects.get(author=classmate)
    client.force_login(student)
    reply_as(client, first_reply, "Answering Ben")
    second = Post.objects.get(body="Answering Ben")
    assert second.parent == school.post
    assert second.reply_to == first_reply
    page = client.get(thread_url(school)).content.decode()
    assert "Replying to Ben Kowalski: “First reply from Ben”" in page


def test_reply_page_works_without_javascript(client, classmate, school):
    client.force_login(classmate)
    page = client.get(reverse("discussions:reply", args=[school.post.pk])).content.decode()
    assert "Reply to Amara Okafor" in page
    assert "Stalin won by controlling" in page


def test_author_edits_and_the_post_shows_edited_with_the_time(client, student, school):
    client.force_login(student)
    client.get(thread_url(school))  # the old text is now rendered and cached
    url = reverse("discussions:edit", args=[school.post.pk])
    assert "Stalin won by controlling" in client.get(url).content.decode()
    response = client.post(url, {"body": "Stalin won by appointments (¶1)."})
    assert response.status_code == 302
    school.post.refresh_from_db()
    assert school.post.body == "Stalin won by appointments (¶1)."
    assert school.post.edited_at is not None
    page = client.get(thread_url(school)).content.decode()
    assert 'class="post-edited">edited' in page
    assert "Stalin won by appointments" in page and "Stalin won by controlling" not in page


def test_edit_to_blank_is_refused_and_keeps_the_original(client, student, school):
    client.force_login(student)
    response = client.post(reverse("discussions:edit", args=[school.post.pk]), {"body": "  "})
    assert "Write something, or delete the post instead." in response.content.decode()
    school.post.refresh_from_db()
    assert school.post.body == "Stalin won by controlling ¶1."


def test_saving_an_unchanged_post_does_not_mark_it_edited(client, student, school):
    client.force_login(student)
    client.post(reverse("discussions:edit", args=[school.post.pk]), {"body": school.post.body})
    school.post.refresh_from_db()
    assert school.post.edited_at is None


def test_deleting_a_post_with_replies_leaves_deleted_by_author_and_the_replies(
    client, student, classmate, school, reply_as
):
    client.force_login(classmate)
    reply_as(client, school.post, "A reply that must survive")
    client.force_login(student)
    assert (
        "Delete your post?"
        in client.get(reverse("discussions:delete", args=[school.post.pk])).content.decode()
    )
    client.post(reverse("discussions:delete", args=[school.post.pk]))
    school.post.refresh_from_db()
    assert school.post.is_deleted and school.post.body == ""
    client.force_login(classmate)
    page = client.get(thread_url(school)).content.decode()
    assert "Deleted by author." in page
    assert "A reply that must survive" in page
    assert "Stalin won by controlling" not in page


def test_deleting_a_post_without_replies_removes_it_from_view(client, student, school):
    client.force_login(student)
    client.post(reverse("discussions:delete", args=[school.post.pk]))
    page = client.get(thread_url(school)).content.decode()
    assert "Deleted by author." not in page
    assert "No posts yet" in page


def test_archived_class_discussion_is_read_only(client, student, school, post_as):
    school.ours.is_archived = True
    school.ours.save()
    client.force_login(student)
    page = client.get(thread_url(school)).content.decode()
    assert "This discussion is read-only." in page
    assert post_as(client, school.ours, school.prompt, "too late").status_code == 403
