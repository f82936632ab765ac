"""Rewrite README.md's table of /engine-rest operations from the app's routes.

    PYTHONPATH=. python scripts/engine_rest_catalogue.py

tests/integrators/test_readme_catalogue.py fails until this has been run after a route changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from service import create_app
from service.api.engine_rest import catalogue
from service.bootstrap import build_context
from service.config import Config

if __name__ == "__main__":
    os.environ.setdefault("CONSORTIUM_SECRET_KEY", "catalogue-only")  # no secret_key file is written
    readme = Path(__file__).resolve().parents[1] / "README.md"
    context = build_context(Config(database_url="sqlite://"))
    readme.write_text(
        catalogue.replace_section(readme.read_text(), catalogue.markdown(create_app(ctx=context)))
    )
