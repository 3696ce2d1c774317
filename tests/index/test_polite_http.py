"""Polite HTTP: what one GET sends, and what it refuses to take."""

import pytest

from index.errors import FetchError
from index.polite_http import USER_AGENT, PoliteClient, Politeness

QUICK = Politeness(delay=0, retries=0, timeout=5)


def test_answer_over_the_size_limit_is_refused(wordpress_site):
    with PoliteClient(QUICK, max_bytes=10_000) as client:
        with pytest.raises(FetchError, match=r"page is over the 10,000-byte limit; ask for fewer"):
            client.get(wordpress_site.route_url() + "?per_page=2")
        assert len(client.get(wordpress_site.route_url() + "?per_page=2&_fields=id").body) < 100


def test_requests_name_the_tool_and_ask_for_json(wordpress_site):
    with PoliteClient(QUICK, max_bytes=10**6) as client:
        client.get(wordpress_site.route_url("research-area"))
    assert wordpress_site.requests[0].user_agent == USER_AGENT
    assert USER_AGENT.startswith("research-search/0.")


def test_a_status_that_is_not_retried_comes_back_as_it_is(wordpress_site):
    wordpress_site.answer_with(1, 410, b"gone")
    with PoliteClient(Politeness(delay=0, backoff=0), max_bytes=10**6) as client:
        answer = client.get(wordpress_site.route_url())
    assert (answer.status, answer.body) == (410, b"gone")
    assert len(wordpress_site.requests) == 1
