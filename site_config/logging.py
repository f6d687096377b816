"""Structured logs: one JSON object a line, easy to search for a failed sign-in or a 500.

Nothing here logs a password or a post: records carry the message and the fields the code
chose to add (``extra=``), plus the request's method, path and client address when there is
one; never bodies, cookies or query strings.
"""

import json
import logging

STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request"}


class RequestFieldsFilter(logging.Filter):
    """Copy safe request fields (method, path, client) onto records that carry a request."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            record.method = request.method
            record.path = request.path
            # Set by accounts.middleware.ClientAddressMiddleware: the address our proxy saw.
            record.client = getattr(request, "client_ip", None) or request.META.get(
                "REMOTE_ADDR", ""
            )
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                record.user_id = user.pk
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
