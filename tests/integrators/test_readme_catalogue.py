"""The README's table of /engine-rest operations is the routes' own list (service/api/engine_rest/
catalogue.py): adding or removing a route without regenerating it fails here."""

from __future__ import annotations

from pathlib import Path

from service import create_app
from service.api.engine_rest import catalogue

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_exactly_the_engine_rest_routes(sqlite_ctx):
    app = create_app(ctx=sqlite_ctx)
    readme = README.read_text()
    assert catalogue.replace_section(readme, catalogue.markdown(app)) == readme, (
        "README.md's /engine-rest table is stale: run `PYTHONPATH=. python scripts/engine_rest_catalogue.py`"
    )
    listed = catalogue.operations(app)
    assert ("POST", "/external-task/fetchAndLock") in listed
    assert ("GET", "/process-instance/{id}/variables/{varName}") in listed
