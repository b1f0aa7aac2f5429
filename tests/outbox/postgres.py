"""A throwaway PostgreSQL cluster on a port of its own, to be stopped and started under a worker."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile


def _program(name):
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if found is None:
        raise RuntimeError(
            f"{name} not found: install PostgreSQL's server programs (apt-get install postgresql)"
        )
    return found


class ThrowawayPostgres:
    def __init__(self, port):
        self.port = port
        self.root = tempfile.mkdtemp(prefix=f"outbox-pg-{port}-")
        self.data = os.path.join(self.root, "data")
        # PostgreSQL refuses to run as root; CI runs as root, so the cluster belongs to "postgres" there.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{port}/clinic"

    def _run(self, *command):
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=60)

    def create(self):
        self._run(_program("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self._run(_program("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "clinic")

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(_program("pg_ctl"), "-D", self.data, "-o", options, "-w", "-l", f"{self.root}/log", "start")

    def stop(self):
        self._run(_program("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def load_schema_of(self, settings_dict):
        """The tables of the test database (what migrate made), without its rows."""
        dump = subprocess.run(
            [_program("pg_dump"), "--schema-only", "--no-owner", "-h", settings_dict["HOST"], "-p",
             str(settings_dict["PORT"]), "-U", settings_dict["USER"], settings_dict["NAME"]],
            check=True, capture_output=True, timeout=60,
            env={**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""},
        ).stdout  # fmt: skip
        subprocess.run(
            [_program("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "clinic"],
            input=dump, check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
