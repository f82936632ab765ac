"""The live server and Camunda's OpenAPI document, as tests/http uses them."""

from tests.http.conftest import camunda_openapi, server  # noqa: F401
