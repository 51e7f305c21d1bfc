"""A real SMTP server on 127.0.0.1 for the notification outbox tests (aiosmtpd in a thread).

`SMTPServer()` picks a free port; `start()` and `stop()` can be called again and again, always on
the same port, to simulate a mail server outage. `messages` lists what it accepted;
`refuse[address] = "550 ..."` makes it refuse a recipient with that answer. `settings()` gives the
Django settings that point the SMTP backend at it (for override_settings), `url` the EMAIL_URL for
a worker process."""

from __future__ import annotations

import email
import logging
import socket
import threading
import time
from dataclasses import dataclass

from aiosmtpd.controller import Controller

# aiosmtpd logs each envelope (addresses included) at INFO: keep test logs free of addresses too.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Received:
    to: tuple[str, ...]
    subject: str
    body: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, owner: SMTPServer):
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.owner.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        payload = message.get_payload(decode=True) or b""
        with self.owner.lock:
            self.owner.messages.append(Received(tuple(envelope.rcpt_tos), str(message["Subject"]),
                                                payload.decode(message.get_content_charset() or "utf-8")))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def settings(self, timeout: int = 2) -> dict:
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": self.port, "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
                "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": timeout}

    def start(self) -> SMTPServer:
        if self._controller is None:
            deadline = time.monotonic() + 10
            while True:  # the port may still be held for a moment after a stop
                controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
                try:
                    controller.start()
                    break
                except (OSError, RuntimeError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.to]
