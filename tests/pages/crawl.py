"""Reading the whole site as each demo user for untranslated words (issue 17 item 13 and "Done when"): every
page a user reaches by links from the inbox is crawled, in one language.

What counts: on a Chinese page, the visible text (not scripts, not attribute values) must hold no
snake_case token (`district_review`), no element id (`Task_CityReview`), no known English enum value as a
word of its own and no "中文 / English" pair (one language per page); on an English page, the labels
(headings to h4, table heads, form labels, buttons, badges, tabs, terms, and the options of a select of
the site's own words: steps, states, sorts) must hold no Chinese character. User data (organisation and
consortium names, opinions) is Chinese in both languages and is not a label; `<code>` holds identifiers
shown on purpose (process keys on the deployments page). The crawl is plain HTTP (`requests` on the live
demo), one or two pages of each URL shape per user, so the whole site is read in well under a minute.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

from service.bureau_settings import BureauSettings
from service.consortium.demo import ORGANISATIONS
from service.consortium.demo_stages import APPLICATIONS
from tests.support.pages import sign_in

PER_SHAPE = 1  # pages of one URL shape (e.g. /tasks/<id>) read per user
ALL_USERS_PER_SHAPE = 4  # and over all users: a user reads what others of its role did not read yet
PER_USER = 60
START = ("/", "/notifications", "/my-applications")  # every user's own pages, always read
SKIP = re.compile(
    r"^/(signout|logout|lang/|static/|engine-rest|api/|health|verify/)|\.(pdf|xlsx|csv|json|bpmn|xml)$"
)
SNAKE = re.compile(r"(?<![\w./:-])[a-z]+(?:_[a-z0-9]+)+(?![\w./:-])")
ELEMENT_ID = re.compile(
    r"(?<![\w./:-])(?:Task|Call|Gateway|Event|Activity|Flow|Process|StartEvent|EndEvent)_\w+"
)
ENGLISH_VALUES = re.compile(
    r"(?<![\w./:@-])(?:drafting|submitted|publicity|filed|expired|revoked|rejected|returned|selected|"
    r"pending|resolved|PENDING|RESOLVED|active|completed|suspended|open|upheld|dismissed|approve|approved|"
    r"accept|accepted|reject|confirm|confirmed|declined|invited|draft|lead|core|general|enterprise|"
    r"university|institute|hospital|excellent|qualified|unqualified|drawn|declared|recused|scheduled|"
    r"cancelled|canceled|unread|true|false|None|null)(?![\w./:@-])"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
# user data, Chinese in both languages: consortium, organisation and round names, the bureau's name
DATA = sorted(
    {a.name for a in APPLICATIONS} | {o[1] for o in ORGANISATIONS}
    | {BureauSettings().name, BureauSettings().department},
    key=len, reverse=True,
)
ROUND_NAME = re.compile(r"\d{4} 年[^（]*（[^）]*）")
LABEL_TAGS = {"th", "label", "button", "h1", "h2", "h3", "h4", "legend", "caption", "dt", "summary"}
# selects whose options are words of the site (steps, states, sorts), not data (units, districts)
WORD_SELECTS = {"step", "due", "claimed", "sort", "order", "view", "status", "kind", "category", "level"}
# on a Chinese page, a "中文 / English" pair: both languages at once (report-users finding 10)
BOTH_LANGUAGES = re.compile(r"[\u4e00-\u9fff）] / [A-Z][a-z]+(?: [a-z]+)*")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Page(HTMLParser):
    """A page's visible text (outside script/style/template), the text of its labels, and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.labels: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._label: list[list[str]] = []
        self._in_select = 0
        self._word_select = 0
        self._option: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "template", "textarea", "code"):  # code: identifiers shown on purpose
            self._hidden += 1
        if tag == "select":
            self._in_select += 1
            self._word_select += attributes.get("name") in WORD_SELECTS
        if tag == "option" and self._word_select:
            self._option = []
        if tag in LABEL_TAGS or "badge" in (attributes.get("class") or "").split():
            self._label.append([])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "textarea", "code") and self._hidden:
            self._hidden -= 1
        if tag == "select" and self._in_select:
            self._in_select -= 1
            self._word_select = 0
        if tag in ("option", "select") and self._option is not None:
            self.labels.append(" ".join(self._option))
            self._option = None
        if (tag in LABEL_TAGS or tag == "span") and self._label:
            self.labels.append(" ".join(self._label.pop()))

    def handle_data(self, data):
        if self._hidden or not data.strip():
            return
        self.text.append(data.strip())
        if self._option is not None:
            self._option.append(data.strip())
        if self._label and not self._in_select:  # a select's options are data (units, districts)
            self._label[-1].append(data.strip())


def shape(path: str) -> str:
    """The URL's shape: ids and numbers folded, so one kind of page is read a few times, not each."""
    path = UUID.sub("<id>", path)
    path = re.sub(r"[A-Z]{2,}-\d{4}-\d+", "<no>", path)
    return re.sub(r"/\d+", "/<n>", path)


class Client(requests.Session):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base + url if url.startswith("/") else url, *args, **kwargs)


def crawl(base: str, login: str, lang: str, read: dict[str, int] | None = None) -> dict[str, Page]:
    """Every page `login` reaches by links from the inbox (GET only, same site), read in `lang`;
    `read` counts the pages of each shape read so far by all users (updated)."""
    read = {} if read is None else read
    client = Client(base)
    assert sign_in(client, login).status_code == 303
    client.get(f"/lang/{lang}")
    seen_shapes: dict[str, int] = {}
    pages: dict[str, Page] = {}
    queue = deque(START)
    while queue and len(pages) < PER_USER:
        path = queue.popleft()
        if path in pages or SKIP.search(path):
            continue
        key = shape(path.split("?")[0])
        if path not in START and (seen_shapes.get(key, 0) >= PER_SHAPE
                                  or read.get(key, 0) >= ALL_USERS_PER_SHAPE):
            continue
        seen_shapes[key] = seen_shapes.get(key, 0) + 1
        read[key] = read.get(key, 0) + 1
        answer = client.get(path)
        if answer.status_code != 200 or "text/html" not in answer.headers.get("Content-Type", ""):
            continue
        page = Page()
        page.feed(answer.text)
        pages[path] = page
        for href in page.links:
            target = urlsplit(urljoin(base + path, href))
            if f"{target.scheme}://{target.netloc}" != base:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in pages:
                queue.append(link)
    return pages


def _without_data(label: str) -> str:
    for name in DATA:
        label = label.replace(name, "")
    return ROUND_NAME.sub("", label)


def _findings(pages: dict[str, Page], lang: str) -> list[str]:
    found = []
    for path, page in pages.items():
        if lang == "zh":
            for text in page.text:
                for pattern in (SNAKE, ELEMENT_ID, ENGLISH_VALUES, BOTH_LANGUAGES):
                    found += [f"{path}: {m.group(0)!r} in {text[:80]!r}" for m in pattern.finditer(text)]
        else:
            found += [f"{path}: {label[:80]!r}" for label in page.labels if CJK.search(_without_data(label))]
    return sorted(set(found))


def problems_on_the_site(base: str, lang: str, users: list[str]) -> tuple[int, list[str]]:
    """(pages read, what is wrong on them) over the crawls of `users` in `lang`."""
    problems: list[str] = []
    crawled = 0
    read: dict[str, int] = {}
    for login in users:
        pages = crawl(base, login, lang, read)
        crawled += len(pages)
        problems += [f"{login} {p}" for p in _findings(pages, lang)]
    return crawled, problems
