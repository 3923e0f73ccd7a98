"""Real HTTP against a server on 127.0.0.1 (pytest-django's live_server or gunicorn)."""

import json
import re
import urllib.error
import urllib.request

from stats.conf import conf
from stats.services import readers

from .conftest import BROWSER_UA


def beacon(base_url, page=None, reader=None, ua=BROWSER_UA, cookies=None, headers=None):
    """POST a beacon; return (status, json body)."""
    cookie_parts = list(cookies or [])
    if reader is not None:
        cookie_parts.append(f"{conf().reader_cookie}={readers.signed(reader)}")
    body = json.dumps({} if page is None else {"page": page}).encode()
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        base_url + "/stats/hit/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": ua, **(headers or {})},
    )
    if cookie_parts:
        request.add_header("Cookie", "; ".join(cookie_parts))
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - 127.0.0.1
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def widget(base_url: str, path: str = "/") -> tuple[int, int]:
    """("Trực tuyến", "Đã truy cập") as a page renders them."""
    with urllib.request.urlopen(base_url + path, timeout=30) as response:  # noqa: S310
        html = response.read().decode()
    online = re.search(r"data-stats-online>([\d.]+)<", html).group(1)
    visits = re.search(r"data-stats-visits>([\d.]+)<", html).group(1)
    return int(online.replace(".", "")), int(visits.replace(".", ""))


def views(base_url: str, path: str) -> int:
    """ "Số lượt xem" as the article page renders it."""
    with urllib.request.urlopen(base_url + path, timeout=30) as response:  # noqa: S310
        html = response.read().decode()
    return int(re.search(r'data-stats-page="\d+">([\d.]+)<', html).group(1).replace(".", ""))
