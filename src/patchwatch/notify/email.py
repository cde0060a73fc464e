"""Email over SMTP (aiosmtplib): plain text with an HTML alternative."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from patchwatch.notify.render import Message
from patchwatch.settings import Settings

EMAIL_OFF = "email is off: PATCHWATCH_SMTP_HOST is not set"


def email_enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def build(settings: Settings, to_address: str, message: Message) -> EmailMessage:
    """The MIME message: text/plain first, text/html as the alternative."""
    email = EmailMessage()
    email["From"] = settings.smtp_from
    email["To"] = to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="patchwatch")
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


async def send(settings: Settings, to_address: str, message: Message) -> None:
    """Send one email; raises (``aiosmtplib.SMTPException``, ``OSError``) when it fails."""
    await aiosmtplib.send(
        build(settings, to_address, message),
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )
