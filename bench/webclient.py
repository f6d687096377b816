"""A small browser for the drills and the classroom scenario: cookies, forms, CSRF, no redirects.

Everything a drill does goes through the site's real pages and forms, as a person with a browser
would: :func:`parse_forms` reads every ``<form>`` of a page (inputs, textareas, selects with
their selected options, submit buttons), :meth:`Form.fill` changes fields by name, and the
result is posted with the page's CSRF token and cookie. Redirects are never followed, so a
302 to the sign-in page (a lost session) is visible.

Two clients share that:

- :class:`Browser`, synchronous (``http.client``), for the drills; a new connection a request;
- :class:`AsyncBrowser`, asyncio with one keep-alive connection per browser, for the classroom
  scenario's hundreds of students in one process.

Both can bind their side of the connection to a chosen loopback address (``source``, e.g.
``127.0.0.2``; all of 127.0.0.0/8 is this machine), so nginx sees different clients. Only
127.0.0.1 may be the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = "csrfmiddlewaretoken"


# Forms -------------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # submit buttons' name, value
    checkboxes: dict[str, str] = field(default_factory=dict)  # unchecked: name -> value
    options: dict[str, list[str]] = field(default_factory=dict)  # select name -> its values

    def names(self) -> list[str]:
        return [name for name, _ in self.fields]

    def get(self, name: str, default: str | None = None) -> str | None:
        return next((value for key, value in self.fields if key == name), default)

    def fill(self, **values) -> Form:
        """Set fields (a list sets a multiple select; None removes the field)."""
        return self.fill_map(values)

    def fill_map(self, values: dict) -> Form:
        fields = [(k, v) for k, v in self.fields if k not in values]
        for name, value in values.items():
            if value is None:
                continue
            for item in value if isinstance(value, list | tuple) else [value]:
                fields.append((name, str(item)))
        self.fields = fields
        return self

    def data(self, button: str | None = None) -> list[tuple[str, str]]:
        """What the browser sends, pressing the submit button named (or valued) ``button``."""
        data = list(self.fields)
        for name, value in self.buttons:
            if button is not None and button in (name, value):
                data.append((name, value))
                break
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), a)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image", "button"):
                if kind == "submit":
                    form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
                else:
                    form.checkboxes[name] = a.get("value", "on")
            elif kind != "file":
                form.fields.append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [], [])
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            value = value if value is not None else "".join(text).strip()
            self._select[3].append(value)
            if selected:
                self._select[2].append(value)
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, selected, values = self._select
            self._form.options[name] = values
            if not selected and not multiple and values:
                selected = [values[0]]
            self._form.fields += [(name, value) for value in selected]
            self._select = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html: str, *, action: str | None = None, has_field: str | None = None) -> Form:
    """The page's form whose action ends with ``action`` and/or that has ``has_field``."""
    for form in parse_forms(html):
        if action is not None and not form.action.split("?")[0].endswith(action):
            continue
        if has_field is not None and has_field not in form.names():
            continue
        return form
    raise LookupError(f"no form with action {action!r} and field {has_field!r} on the page")


# Cookies and responses ---------------------------------------------------------------------------


class CookieJar(dict):
    """Cookies by name (one site, so no domains); Set-Cookie with a past expiry deletes."""

    def update_from(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            jar = SimpleCookie()
            try:
                jar.load(header)
            except Exception:  # noqa: BLE001 (an odd cookie is not ours)
                continue
            for name, morsel in jar.items():
                gone = morsel["max-age"] == "0" or morsel["expires"].endswith("1970 00:00:00 GMT")
                if gone or morsel.value == "":
                    self.pop(name, None)
                else:
                    self[name] = morsel.value

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.items())


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: str
    elapsed_ms: float
    started: float = 0.0
    error: str | None = None

    def header(self, name: str, default: str = "") -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), default)

    @property
    def location(self) -> str:
        return self.header("Location")

    @property
    def app_server(self) -> str:
        """Which bench app server answered (X-Bench-App-Server), when known."""
        return self.header("X-Bench-App-Server", "?")

    @property
    def from_nginx_limit(self) -> bool:
        """A 429 made by nginx's limit_req (its own error page), not by the app."""
        return self.status == 429 and "<center>nginx" in self.body


def _split_base(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"the bench clients talk to 127.0.0.1 only, not {base_url}")
    return parts.hostname, parts.port or 80


def _request_headers(host: str, port: int, cookies: CookieJar, extra: dict | None) -> dict:
    headers = {"Host": f"{host}:{port}", "User-Agent": "stalin-unit-bench"}
    if cookies:
        headers["Cookie"] = cookies.header()
    headers.update(extra or {})
    return headers


# The synchronous browser -------------------------------------------------------------------------


class Browser:
    """One person's browser: a cookie jar, talking to ``base_url`` (nginx or an app server)."""

    def __init__(self, base_url: str, *, source: str | None = None, timeout: float = 60):
        self.base_url = base_url
        self.source = source
        self.timeout = timeout
        self.cookies = CookieJar()

    def request(
        self,
        method: str,
        path: str,
        *,
        data: list[tuple[str, str]] | dict | None = None,
        headers: dict | None = None,
        base_url: str | None = None,
    ) -> Response:
        host, port = _split_base(base_url or self.base_url)
        body = None
        send = _request_headers(host, port, self.cookies, headers)
        if data is not None:
            body = urlencode(data).encode()
            send["Content-Type"] = "application/x-www-form-urlencoded"
            # Django checks the Referer of HTTPS posts only; a browser sends one anyway.
            send.setdefault("Referer", f"http://{host}:{port}{path}")
        started = time.time()
        began = time.perf_counter()
        connection = http.client.HTTPConnection(
            host,
            port,
            timeout=self.timeout,
            source_address=(self.source, 0) if self.source else None,
        )
        try:
            connection.request(method, path, body=body, headers=send)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
            response = Response(
                raw.status,
                raw.getheaders(),
                text,
                (time.perf_counter() - began) * 1000,
                started,
            )
        except OSError as error:
            return Response(0, [], "", (time.perf_counter() - began) * 1000, started, str(error))
        finally:
            connection.close()
        self.cookies.update_from([v for k, v in response.headers if k.lower() == "set-cookie"])
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data, **kwargs) -> Response:
        return self.request("POST", path, data=data, **kwargs)

    def submit(self, form: Form, page_path: str, *, button: str | None = None, **kwargs):
        """Post ``form`` as a browser would from ``page_path`` (empty action: the page)."""
        action = form.action or page_path
        return self.post(action, form.data(button), **kwargs)

    def sign_in(self, username: str, password: str, *, path: str = "/accounts/sign-in/"):
        """GET the sign-in form, POST it filled in; returns (form page, answer to the POST)."""
        page = self.get(path)
        if page.status != 200:
            return page, page
        form = find_form(page.body, has_field="password")
        form.fill(username=username, password=password)
        return page, self.submit(form, path)


def signed_in(response: Response, sign_in_path: str = "/accounts/sign-in/") -> bool:
    """A sign-in POST that worked: a redirect away from the sign-in page."""
    return response.status == 302 and sign_in_path not in response.location


# The asynchronous browser ------------------------------------------------------------------------


class AsyncBrowser:
    """One person's browser for asyncio: a cookie jar and one keep-alive connection."""

    def __init__(self, base_url: str, *, source: str | None = None, timeout: float = 60):
        self.host, self.port = _split_base(base_url)
        self.source = source
        self.timeout = timeout
        self.cookies = CookieJar()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None

    async def _connect(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(
            self.host,
            self.port,
            local_addr=(self.source, 0) if self.source else None,
            limit=2**22,
        )

    async def request(
        self, method: str, path: str, *, data=None, headers: dict | None = None
    ) -> Response:
        send = _request_headers(self.host, self.port, self.cookies, headers)
        body = b""
        if data is not None:
            body = urlencode(data).encode()
            send["Content-Type"] = "application/x-www-form-urlencoded"
            send.setdefault("Referer", f"http://{self.host}:{self.port}{path}")
        send["Content-Length"] = str(len(body))
        send["Connection"] = "keep-alive"
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in send.items())
        payload = head.encode("latin-1") + b"\r\n" + body
        started = time.time()
        began = time.perf_counter()
        try:
            response = await asyncio.wait_for(self._exchange(payload, method), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            await self.close()
            kind = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
            return Response(0, [], "", (time.perf_counter() - began) * 1000, started, kind)
        status, headers, text, keep = response
        if not keep:
            await self.close()
        self.cookies.update_from([v for k, v in headers if k.lower() == "set-cookie"])
        return Response(status, headers, text, (time.perf_counter() - began) * 1000, started)

    async def _exchange(self, payload: bytes, method: str):
        for attempt in range(2):
            fresh = self._writer is None
            if fresh:
                await self._connect()
            assert self._writer is not None and self._reader is not None
            try:
                self._writer.write(payload)
                await self._writer.drain()
                line = await self._reader.readline()
                if not line:
                    raise ConnectionResetError("closed before answering")
            except (ConnectionResetError, BrokenPipeError):
                await self.close()
                # A kept-alive connection the server had closed: retry once on a new one.
                if fresh or attempt:
                    raise
                continue
            return await self._read_rest(line, method)
        raise ConnectionResetError("no answer")

    async def _read_rest(self, status_line: bytes, method: str):
        assert self._reader is not None
        parts = status_line.decode("latin-1").split(" ", 2)
        status = int(parts[1])
        headers = []
        while True:
            line = await self._reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        lookup = {name.lower(): value for name, value in headers}
        if method == "HEAD" or status in (204, 304):
            body = b""
        elif "chunked" in lookup.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int((await self._reader.readline()).split(b";")[0].strip(), 16)
                if size == 0:
                    await self._reader.readline()
                    break
                chunks.append(await self._reader.readexactly(size))
                await self._reader.readline()
            body = b"".join(chunks)
        elif "content-length" in lookup:
            body = await self._reader.readexactly(int(lookup["content-length"]))
        else:
            body = await self._reader.read()
            lookup["connection"] = "close"
        keep = lookup.get("connection", "").lower() != "close"
        return status, headers, body.decode("utf-8", "replace"), keep

    async def get(self, path: str, **kwargs) -> Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, data, **kwargs) -> Response:
        return await self.request("POST", path, data=data, **kwargs)


SUBMISSION_KEY = re.compile(r'name="([\w-]*submission_key)" value="([0-9a-f-]{36})"')
