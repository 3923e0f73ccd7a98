"""gunicorn settings for the portal's app servers (see docs/operations.md).

Every value can be overridden from the environment, so one file serves the
docker-compose deployment, systemd and the benchmark.
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # behind nginx on a private network
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
threads = 1
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Heartbeat files on a memory filesystem: a slow disk must not stall workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
preload_app = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# %(D)s is the time the worker spent on the request, in microseconds.
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT", '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "portal"
