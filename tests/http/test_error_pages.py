"""Every HTTP error a browser can meet is a page in the site's layout and language (issue 17 item 13)."""

from __future__ import annotations

import requests

from tests.support.pages import sign_in


def _browser(server, login: str | None = "lead1") -> requests.Session:
    client = requests.Session()
    client.headers["Accept"] = "text/html"
    client.request = _prefixed(client.request, server.base)  # type: ignore[method-assign]
    if login:
        assert sign_in(client, login).status_code == 303
    return client


def _prefixed(request, base: str):
    def call(method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 60)
        return request(method, base + url if url.startswith("/") else url, *args, **kwargs)
    return call


def _is_site_page(response: requests.Response) -> None:
    assert response.headers["Content-Type"].startswith("text/html")
    assert '<header class="top">' in response.text, response.text[:300]


def test_a_get_on_a_post_only_address_is_a_chinese_405_page_then_english(server):
    client = _browser(server)
    answer = client.get("/applications")
    assert answer.status_code == 405
    _is_site_page(answer)
    assert "此地址不支持这种访问方式" in answer.text and "Method Not Allowed" not in answer.text
    assert "POST" in answer.headers["Allow"]

    client.get("/lang/en?next=/")
    answer = client.get("/applications")
    assert answer.status_code == 405 and "does not accept this kind of request" in answer.text
    assert "此地址" not in answer.text


def test_a_too_large_upload_is_a_chinese_413_page(server):
    client = _browser(server)
    big = b"0" * (13 * 1024 * 1024)
    answer = client.post("/tasks/no-such-task", files={"attachment": ("plan.pdf", big, "application/pdf")})
    assert answer.status_code == 413
    _is_site_page(answer)
    assert "上传的内容过大（单次不超过 12 MB）" in answer.text
    assert "Request Entity Too Large" not in answer.text


def test_anonymous_404_and_the_api_keeps_json(server):
    client = _browser(server, None)
    answer = client.get("/no/such/page")
    assert answer.status_code == 404
    _is_site_page(answer)
    assert "页面不存在" in answer.text
    api = requests.get(server.base + "/api/no-such", timeout=60)
    assert api.status_code == 404 and api.headers["Content-Type"].startswith("application/json")


def test_an_unexpected_failure_is_a_chinese_500_page(server):
    def broken():
        raise RuntimeError("a fault no one foresaw")

    server.app.add_url_rule("/broken-for-test", "broken_for_test", broken)  # before the first request
    answer = requests.get(server.base + "/broken-for-test", timeout=60)
    assert answer.status_code == 500
    _is_site_page(answer)
    assert "服务器内部错误" in answer.text and "a fault no one foresaw" not in answer.text
