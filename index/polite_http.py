"""Polite HTTP GETs: a pause between requests, retries with backoff, a size cap, one-line errors."""

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from index.errors import FetchError

USER_AGENT = f"research-search/{version('research-search')} (WordPress fetch)"
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class Politeness:
    # Seconds between two requests; retries wait by `backoff` instead (or by Retry-After).
    delay: float = 1.0
    retries: int = 4
    # urllib3's factor: the retries wait 0, 2*backoff, 4*backoff ... seconds.
    backoff: float = 1.0
    timeout: float = 30.0


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class PoliteClient:
    """One session to a site; a context manager that closes its connections."""

    def __init__(self, politeness: Politeness, max_bytes: int):
        self.politeness = politeness
        self.max_bytes = max_bytes
        self.session = _session(politeness)
        self._next_request_at = 0.0

    def __enter__(self) -> "PoliteClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    def get(self, url: str) -> Answer:
        """The answer at ``url`` once retries are spent; FetchError when there is none."""
        time.sleep(max(0.0, self._next_request_at - time.monotonic()))
        try:
            with self.session.get(url, timeout=self.politeness.timeout, stream=True) as response:
                answer = Answer(response.status_code, response.headers, self._body(response, url))
        except requests.RequestException as error:
            raise FetchError(url, describe_request_error(error, self.politeness)) from error
        finally:
            self._next_request_at = time.monotonic() + self.politeness.delay
        if answer.status in RETRY_STATUSES and self.politeness.retries:
            retries = self.politeness.retries
            raise FetchError(url, f"HTTP {answer.status}, still after {retries} retries")
        return answer

    def _body(self, response: requests.Response, url: str) -> bytes:
        body = bytearray()
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > self.max_bytes:
                limit = f"{self.max_bytes:,}-byte limit"
                raise FetchError(url, f"page is over the {limit}; ask for fewer with --per-page")
        return bytes(body)


def describe_request_error(error: requests.RequestException, politeness: Politeness) -> str:
    """One line for a failed request, without urllib3's object reprs."""
    tries = f"{politeness.retries + 1} tries"
    if isinstance(error, requests.Timeout):
        return f"no answer within {politeness.timeout:g} s ({tries})"
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return "the connection broke in the middle of the page"
    if isinstance(error, requests.ConnectionError):
        reason = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(error))
        return f"cannot connect: {reason[1] if reason else 'connection failed'} ({tries})"
    if isinstance(error, requests.TooManyRedirects):
        return "too many redirects"
    return f"{type(error).__name__}: {error}"


def _session(politeness: Politeness) -> requests.Session:
    retry = Retry(
        total=politeness.retries,
        backoff_factor=politeness.backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods={"GET"},
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session
