"""Live-server fixtures for the web-security tests (the same real server as tests/http)."""

from tests.http.conftest import server  # noqa: F401  (re-exported fixture)
