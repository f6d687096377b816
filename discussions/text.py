"""Students' text: cleaned on the way in, rendered safely on the way out.

Stored text is exactly what the student typed (less control characters). On display it is
escaped first, so any HTML shows as text; then a small Markdown subset applies (paragraphs,
bold, italics, lists, quotes, links); ¶N becomes a link to that paragraph of the reading; and
nh3 sanitises the result, whatever is stored, so no markup but that subset reaches a page.
"""

import hashlib
import re
import threading
import unicodedata
from pathlib import Path

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a"}
URL_SCHEMES = {"http", "https", "mailto"}
# How students cite a paragraph: "¶3", "¶ 3", "p3", "p. 3", "para 3", "para. 3", "paragraph 3".
# Not inside a word or a link (mp3, a URL's "p3"), and at most two digits.
PARAGRAPH_CITATION = re.compile(
    r"(?<![\w/.=&?#-])(¶\s?|p\.?\s?|paras?\.?\s?|paragraph\s)(\d{1,2})\b(?![^<]*</a>)",
    re.IGNORECASE,
)
SAFE_HREF = re.compile(r"^(https?://|mailto:|/lessons/[\w-]+/#p\d+$)", re.IGNORECASE)


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    # Only absolute web and mail links, and our own ¶ links: no relative tricks.
    if attribute == "href":
        return value if SAFE_HREF.match(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes={"*": set(), "a": {"href"}},
    attribute_filter=_keep_safe_links,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow ugc",
)

_local = threading.local()


def _markdown() -> markdown.Markdown:
    # A Markdown instance is not thread-safe; keep one per thread, reset between uses.
    if not hasattr(_local, "markdown"):
        converter = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        # No images: they would load from anywhere. The text shows instead.
        converter.inlinePatterns.deregister("image_link")
        converter.inlinePatterns.deregister("image_reference")
        converter.inlinePatterns.deregister("short_image_ref")
        _local.markdown = converter
    return _local.markdown


def clean_text(text: str) -> str:
    """Remove control characters (NUL and friends) but keep line breaks and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs")
    )


def render_post(text: str, *, reading_url: str = "") -> SafeString:
    """The post as safe HTML: escaped, a small Markdown subset, ¶N linked, sanitised."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    converter = _markdown()
    converter.reset()
    html = converter.convert(escaped)
    html = PARAGRAPH_CITATION.sub(
        lambda match: f'<a href="{reading_url}#p{match.group(2)}">{match.group(0)}</a>', html
    )
    return mark_safe(_CLEANER.clean(html))


# The rendering rules themselves: a release that changes this module renders every post anew.
RENDERING_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _cache_key(post, reading_url: str) -> str:
    digest = hashlib.sha256(post.body.encode()).hexdigest()[:16]
    return f"post-html:{RENDERING_VERSION}:{post.pk}:{digest}:{reading_url}"


def rendered_posts(posts, *, reading_url: str) -> None:
    """Set ``post.html`` on each post, from the cache where it can (many posts, one round trip).

    Keyed on the post and a hash of its text, so an edit renders anew; the rendering is the
    same sanitised output as :func:`render_post`.
    """
    keys = {post.pk: _cache_key(post, reading_url) for post in posts}
    cached = cache.get_many(keys.values())
    fresh = {}
    for post in posts:
        html = cached.get(keys[post.pk])
        if html is None:
            html = render_post(post.body, reading_url=reading_url)
            fresh[keys[post.pk]] = str(html)
        post.html = mark_safe(html)
    if fresh:
        cache.set_many(fresh, timeout=60 * 60 * 24 * 7)
