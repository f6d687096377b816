"""Cached pages per viewer: a page is rendered once and served again until what it shows changes.

A cached page is keyed on the browser's session (so its CSRF tokens stay valid), the page's
address and the viewer's ``view_version``, a counter on the user row that the signed-in request
has loaded anyway. Whatever changes what someone sees bumps the counter of everyone who sees it
(:func:`bump_viewers`, called from ``classroom.signals`` and a few services), so the next
request renders afresh. Entries also expire after ``PAGE_CACHE_SECONDS``, which bounds what
changes with the clock alone (an assignment falling due). Pages with forms whose fields must be
fresh on every render (the discussion threads' one-time submission keys) are not cached.
"""

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


def per_viewer_cache(view):
    """Serve ``view``'s page from the cache for the same viewer, page and data version."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        timeout = getattr(settings, "PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS)
        key = _key(request) if timeout else None
        if key is None:
            return view(request, *args, **kwargs)
        content = cache.get(key)
        if content is not None:
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


def _key(request) -> str | None:
    user = request.user
    session_key = request.session.session_key
    if (
        request.method != "GET"
        or getattr(request, "htmx", False)
        or not user.is_authenticated
        or not session_key
        or len(messages.get_messages(request))  # a page with a message is shown once
    ):
        return None
    return f"page:{session_key}:{user.pk}:{user.view_version}:{request.get_full_path()}"
