"""gunicorn settings for a school server: ``gunicorn -c deploy/gunicorn.conf.py``.

Every value can be overridden with an environment variable (GUNICORN_*), so the systemd unit
or a benchmark can change the port or worker count without editing this file.
"""

import multiprocessing
import os

wsgi_app = "site_config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers are right for a database-bound Django site: (2 × cores) + 1.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak can never take the site down. (0 turns it off:
# bench/throughput.py does, so no page's measurement pays for a worker start.)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200 if max_requests else 0
# One control socket per instance, not the shared ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Log the request line, status, size and time; never bodies or cookies.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
