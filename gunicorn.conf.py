# gunicorn reads this file from the working directory (make serve, the systemd unit in the
# README's Production section). The access log leaves out the query string and the referrer:
# staff search the admin by a patient's name (?q=...), and that must not land in a log line.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'
