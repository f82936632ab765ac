"""A real SMTP server on loopback (aiosmtpd) and a context whose outbox mails to it, for the mail tests."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from service.bootstrap import build_context
from service.config import Config
from service.context import Context
from service.deadline_settings import DeadlineSettings

SENDER = "noreply@kjj.qingdao.example"


class Inbox:
    """What the server received, parsed as the recipient's mail client would."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if any(a.addr_spec == address for a in m["To"].addresses)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@contextmanager
def receiving(port: int) -> Iterator[Inbox]:
    """The server runs for the block; the inbox stays readable after it."""
    controller, inbox = smtp_server(port)
    try:
        yield inbox
    finally:
        controller.stop()


def mail_context(database_url: str, clock, port: int, **settings) -> Context:
    """A context whose mail relay is the loopback server on `port`."""
    deadlines = DeadlineSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_from=SENDER, **settings)
    return build_context(Config(database_url=database_url, deadlines=deadlines), clock=clock)
