"""Mail servers on 127.0.0.1 for the fault tests: a real SMTP server that counts what it is given
(aiosmtpd), one that accepts connections and never answers, and a port where nothing listens."""

import asyncio
import email
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self, hold_after=None):
        self.message_ids = []
        self.lock = threading.Lock()
        self.hold_after = hold_after  # take this many messages, then keep the next one's answer back
        self.holding = threading.Event()  # set while an answer is kept back
        self.let_go = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message_id = email.message_from_bytes(envelope.original_content)["Message-ID"]
        with self.lock:
            self.message_ids.append(message_id)
            count = len(self.message_ids)
        if self.hold_after is not None and count == self.hold_after + 1:
            # The message is here; its sender waits for our "250" that will come too late.
            self.holding.set()
            while not self.let_go.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


class FakeSMTP:
    """A real SMTP server on ``port`` counting deliveries by Message-ID."""

    def __init__(self, port, **handler_options):
        self.handler = CountingHandler(**handler_options)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.handler.let_go.set()
        self.controller.stop()

    @property
    def message_ids(self):
        with self.handler.lock:
            return list(self.handler.message_ids)

    def copies(self) -> Counter:
        return Counter(self.message_ids)

    def wait_for(self, count, timeout=60.0):
        deadline = time.monotonic() + timeout
        while len(set(self.message_ids)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(set(self.message_ids))} of {count} messages arrived")
            time.sleep(0.05)


class HungServer:
    """Accepts connections on ``port`` and never says a word (a mail server that hangs)."""

    def __init__(self, port):
        self.sock = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()
        for conn in self.accepted:
            conn.close()
