"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`."""

import multiprocessing
import os

bind = os.environ.get("WIDGETS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WIDGETS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = 4
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# restart workers now and then so a slow leak cannot grow without bound
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("WIDGETS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# no query strings and no referrers: they can carry what visitors typed
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s'
errorlog = "-"
