"""Bad input is a clear error, never a server error: every URL pattern and filter fed ids that
are not ids (letters, NUL, a number too big for the database) and query strings with NUL.

PostgreSQL refuses NUL in any text value, even in a lookup, so the CI run (on PostgreSQL) is the
one that catches a lookup that reaches the database unchecked; SQLite runs it too.
"""

import re

import pytest
from django.test import Client

from tests.test_urls import concrete, walk

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "1%00", "99999999999999999999999"]
QUERIES = [
    "?q=%00",
    "?school_class=abc",
    "?school_class=%00",
    "?lesson__id__exact=abc",
    "?role=%00",
    "?class=%00",
    "?assignment=1%00",
    "?all=%00",
    "?p=abc",
    "?o=%00",
]
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def with_bad_ids(route, school, student, bad):
    good = concrete(route, school, student)
    if not PARAMETER.search(route.pattern):
        return []
    # Replace each parameter in turn, so every one of them meets the bad value.
    paths = []
    names = PARAMETER.findall(route.pattern)
    for name in names:
        pattern = PARAMETER.sub(
            lambda match, name=name: bad if match.group(1) == name else match.group(0),
            route.pattern,
        )
        path = concrete(type(route)(route.name, pattern), school, student)
        if path != good:
            paths.append(path)
    return paths


@pytest.fixture
def signed_in(school, student, teacher, administrator, superuser):
    clients = {}
    for name, user in {
        "student": student,
        "teacher": teacher,
        "administrator": administrator,
        "superuser": superuser,
    }.items():
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)
    return clients


@pytest.mark.parametrize("persona", ["student", "teacher", "superuser"])
def test_ids_that_are_not_ids_never_make_a_server_error(signed_in, school, student, persona):
    client = signed_in[persona]
    checked = 0
    for route in walk():
        for bad in NOT_IDS:
            for path in with_bad_ids(route, school, student, bad):
                for method in (client.get, client.post):
                    response = method(path)
                    assert response.status_code < 500, f"{method.__name__} {path}: 500"
                    checked += 1
    assert checked > 200


@pytest.mark.parametrize("persona", ["teacher", "superuser"])
def test_query_strings_with_nul_or_letters_never_make_a_server_error(
    signed_in, school, student, persona
):
    client = signed_in[persona]
    for route in walk():
        path = concrete(route, school, student)
        if client.get(path).status_code != 200:
            continue  # a page this persona cannot open has no filters to try
        for query in QUERIES:
            response = client.get(path + query)
            assert response.status_code < 500, f"{path}{query}: 500"


def test_nul_in_an_autocomplete_search_is_a_clear_error(signed_in):
    for term in ("%00", "am%00"):
        response = signed_in["teacher"].get(
            "/admin/autocomplete/?app_label=classroom&model_name=enrolment&field_name=student"
            f"&term={term}"
        )
        assert response.status_code == 400
        assert "NUL" in response.content.decode()
