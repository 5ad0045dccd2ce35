"""Email with two real bodies: the HTML table and a plain-text table, sent through the standard library.

apprise takes one body and derives an email's text part from the HTML cell by cell (one cell per line,
an empty cell gone), so values no longer sit under their headers. A `mailto://` / `mailtos://` alert is
sent here instead: apprise still reads the URL (host, port, TLS mode, login, sender, recipients), the
message is built and sent with `email` and `smtplib`, one message per recipient as apprise sends them.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

import apprise

EMAIL_SCHEMES = ("mailto", "mailtos")


def is_email(url: str) -> bool:
    return urlsplit(url).scheme.lower() in EMAIL_SCHEMES


def send_email(url: str, title: str, text: str, html: str, redact: Callable[[str], str]) -> str | None:
    """Send `html` with `text` as its plain-text alternative to the URL's recipients; None when every
    recipient's server took it, else why not (the URL shown redacted)."""
    mail: Any = apprise.Apprise.instantiate(url)
    if mail is None or not getattr(mail, "targets", None):
        return f"{redact(url)} is not an email URL apprise understands (or it names no recipient)"
    names = getattr(mail, "names", {}) or {}
    context = ssl.create_default_context()
    if not mail.verify_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    timeout = mail.socket_connect_timeout
    try:
        smtp: smtplib.SMTP
        if str(mail.secure_mode) == "ssl":
            smtp = smtplib.SMTP_SSL(mail.smtp_host, mail.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(mail.smtp_host, mail.port, timeout=timeout)
        with smtp:
            if str(mail.secure_mode) == "starttls":
                smtp.starttls(context=context)
            if mail.user and mail.password:
                smtp.login(mail.user, mail.password)
            for to_name, to_addr in mail.targets:
                cc = sorted(set(mail.cc) - set(mail.bcc) - {to_addr})
                bcc = sorted(set(mail.bcc) - {to_addr})
                message = EmailMessage()
                message["Subject"] = " ".join(title.split())
                message["From"] = formataddr((mail.from_addr[0] or "", mail.from_addr[1]))
                message["To"] = formataddr((to_name or "", to_addr))
                if cc:
                    message["Cc"] = ", ".join(formataddr((names.get(a) or "", a)) for a in cc)
                reply_to = sorted(set(mail.reply_to) - {to_addr})
                if reply_to:
                    message["Reply-To"] = ", ".join(reply_to)
                message["Date"] = formatdate(localtime=True)
                message["Message-ID"] = make_msgid(domain=mail.smtp_host or None)
                message.set_content(text)
                message.add_alternative(html, subtype="html")
                smtp.send_message(message, from_addr=mail.from_addr[1], to_addrs=[to_addr, *cc, *bcc])
    except (OSError, smtplib.SMTPException) as exc:
        return f"{redact(url)}: {type(exc).__name__}: {exc}"
    return None
