# gunicorn reads this file from the working directory (make serve, the systemd unit in the
# README's Production section). There is no access log unless it is asked for (nginx keeps one;
# GUNICORN_CMD_ARGS=--access-logfile=- adds gunicorn's). Its format leaves out the query string and
# the referrer: staff search the admin by a patient's name (?q=...), and that must not land in a log.
import os
import sys

from gunicorn.glogging import Logger

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'

# The load balancer's probe, every few seconds, would bury the requests that matter.
QUIET_PATHS = ("/healthz",)


class AccessLogWithoutProbes(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in QUIET_PATHS:
            return
        super().access(resp, req, environ, request_time)


logger_class = AccessLogWithoutProbes


def on_starting(server):
    """Before any worker starts: tell the settings how many workers there will be, run Django's
    system checks (manage.py runs them, gunicorn otherwise would not; an error stops the start),
    and say which cache the workers share."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings")
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    django.setup()
    try:
        call_command("check")
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        sys.exit(1)

    from clinic_site.checks import describe_cache

    server.log.info(describe_cache(workers=server.cfg.workers, threads=server.cfg.threads))
