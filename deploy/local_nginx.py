"""Render a loopback nginx setup around the deployed proxy and cache rules.

The tests and the benchmark run a real nginx on 127.0.0.1 with exactly the
locations of deploy/nginx/ (portal-locations.conf and portal-proxy.conf, copied
verbatim); only the outer frame differs: plain HTTP on a loopback port, an
upstream on 127.0.0.1, and a private prefix for logs, temp files and the cache.

    python deploy/local_nginx.py PREFIX --listen 127.0.0.1:8080 --upstream 127.0.0.1:8000
    (--upstream again for each further app server; the scale-out drill runs two)
    nginx -p PREFIX -c conf/nginx.conf
"""

import argparse
import os
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent / "nginx"
SNIPPETS = ("portal-locations.conf", "portal-proxy.conf")


def http_level_rules() -> str:
    """The cache zone and cookie map of portal.conf, with the cache under the prefix."""
    text = (HERE / "portal.conf").read_text()
    cache = re.search(r"proxy_cache_path .*?;", text, re.S).group(0)
    cache = cache.replace("/var/cache/nginx/portal", "cache")
    cookie_map = re.search(r"map \$http_cookie .*?\n}", text, re.S).group(0)
    return f"{cache}\n\n{cookie_map}\n"


def upstream_servers(addresses: list[str]) -> str:
    """One `server` line per app server, with the options of portal.conf's upstream
    (max_fails, fail_timeout), so a dead server is taken out as in production."""
    text = (HERE / "portal.conf").read_text()
    options = re.search(r"server app:8000([^;]*);", text).group(1)
    return "\n".join(f"        server {address}{options};" for address in addresses)


def render(
    prefix: Path,
    listen: str,
    upstream: str | list[str],
    static_root: Path | None = None,
    extra_server: str = "",
) -> Path:
    prefix = Path(prefix)
    for folder in ("conf/snippets", "logs", "cache", "tmp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    for name in SNIPPETS:
        text = (HERE / name).read_text()
        if name == "portal-locations.conf" and static_root is not None:
            text = text.replace("/srv/portal/static/", f"{static_root}/")
        (prefix / "conf/snippets" / name).write_text(text)
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    config = f"""{user}worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_timeout 0;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;

{http_level_rules()}
    upstream portal_app {{
{upstream_servers([upstream] if isinstance(upstream, str) else upstream)}
        keepalive 32;
    }}

    server {{
        listen {listen};
        include snippets/portal-locations.conf;
    }}
{extra_server}}}
"""
    (prefix / "conf/nginx.conf").write_text(config)
    # nginx workers run as nobody when started by root: let them use the prefix.
    for path in [prefix, *prefix.rglob("*")]:
        if path.is_dir():
            path.chmod(0o777)
    return prefix / "conf/nginx.conf"


def nginx_binary() -> str:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is not installed (Debian package: nginx)")
    return binary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prefix", type=Path)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--upstream", required=True, action="append")
    parser.add_argument("--static-root", type=Path)
    args = parser.parse_args()
    print(render(args.prefix, args.listen, args.upstream, args.static_root))


if __name__ == "__main__":
    main()
