"""Real SMTP in tests: a sink that keeps what zorgid sends, and a way to send to ``zorgid mail-in``.

zorgid queues its mail (zorgid.outbox); while a test waits for mail, the sink runs passes of the real
sending code (``zorgid mail send --once``), as the worker beside the server would.
"""

from __future__ import annotations

import smtplib
import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """An SMTP server that keeps every message (aiosmtpd)."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        from zorgid.outbox.services import send_due

        deadline = time.monotonic() + timeout
        send_due()  # at least one pass: what is queued by now goes out
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
            send_due()
        return self.messages


def send(port: int, *, subject: str, body: str, attachments: tuple[tuple[str, bytes], ...] = (),
         sender: str = "tb@linde.example") -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "aanvragen@localhost", subject
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="xml", filename=name)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)

