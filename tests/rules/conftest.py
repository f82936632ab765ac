"""The live-server fixture of tests/http, for the rules' HTTP tests."""

from tests.http.conftest import server  # noqa: F401
