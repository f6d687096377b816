"""Cached pages per viewer: a page is rendered once and served again until what it shows changes.

A cached page is keyed on the browser's session (so its CSRF tokens stay valid), the page's
address and the viewer's ``view_version``, a counter on the user row that the signed-in request
has loaded anyway. Whatever changes what someone sees bumps the counter of everyone who sees it
(:func:`bump_viewers`, called from ``classroom.signals`` and a few services), so the next
request renders afresh. Entries also expire after ``PAGE_CACHE_SECONDS``, which bounds what
changes with the clock alone (an assignment falling due). Form fields that must be new on every
view (the discussion forms' one-time submission keys) are replaced with fresh values each time a
cached page is served.
"""

import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import F, Q
from django.http import HttpResponse

PAGE_CACHE_SECONDS = 60  # the setting of the same name overrides it; 0 turns caching off


def bump_viewers(*, users=(), classes=()) -> None:
    """Invalidate the cached pages of ``users`` and of everyone in ``classes``."""
    from accounts.models import User

    condition = Q(pk__in=[getattr(user, "pk", user) for user in users])
    class_ids = [getattr(school_class, "pk", school_class) for school_class in classes]
    if class_ids:
        condition |= Q(enrolments__school_class__in=class_ids)
        condition |= Q(classes_taught__in=class_ids)
    ids = User.objects.filter(condition).values("pk")
    User.objects.filter(pk__in=ids).update(view_version=F("view_version") + 1)


def bump_everyone() -> None:
    from accounts.models import User

    User.objects.update(view_version=F("view_version") + 1)


def per_viewer_cache(view=None, *, fresh_uuids=None):
    """Serve ``view``'s page from the cache for the same viewer, page and data version.

    ``fresh_uuids``: a compiled pattern with two groups around a value that must be new on
    every view (the discussion forms' one-time submission keys); the value between them is
    replaced by a fresh UUID whenever the page is served from the cache.
    """
    if view is None:
        return lambda view: per_viewer_cache(view, fresh_uuids=fresh_uuids)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        timeout = getattr(settings, "PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS)
        key = _key(request) if timeout else None
        if key is None:
            return view(request, *args, **kwargs)
        content = cache.get(key)
        if content is not None:
            if fresh_uuids is not None:
                content = _refresh(fresh_uuids, content)
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:

            def store(rendered):
                cache.set(key, rendered.content, timeout)

            if getattr(response, "is_rendered", True):
                store(response)
            else:  # a TemplateResponse renders later, on its way out
                response.add_post_render_callback(store)
        return response

    return wrapped


def _refresh(pattern, content: bytes) -> bytes:
    return pattern.sub(
        lambda match: match.group(1) + str(uuid.uuid4()).encode() + match.group(2), content
    )


def _key(request) -> str | None:
    user = request.user
    session_key = request.session.session_key
    if (
        request.method != "GET"
        or not user.is_authenticated
        or not session_key
        or len(messages.get_messages(request))  # a page with a message is shown once
    ):
        return None
    # An htmx fragment differs from the full page, and may depend on the page it is shown in.
    fragment = f"hx:{request.htmx.current_url_abs_path}:" if getattr(request, "htmx", False) else ""
    return f"page:{session_key}:{user.pk}:{user.view_version}:{fragment}{request.get_full_path()}"
