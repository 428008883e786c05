#!/usr/bin/python3
"""A test SMTP server the way port 587 servers work (Office 365, most relays): STARTTLS is
required before anything else, then AUTH PLAIN/LOGIN with one user; each accepted email's
Subject is appended to a file, which the service tests read. Started by scripts/services.sh.

usage: starttls-smtp.py PORT CERT KEY USER PASSWORD SUBJECTS_FILE
"""
import email
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

port, cert, key, user, password, subjects = sys.argv[1:7]


class Keep:
    async def handle_DATA(self, server, session, envelope):
        subject = email.message_from_bytes(envelope.content).get("Subject", "")
        with open(subjects, "a", encoding="utf-8") as out:
            out.write(subject.replace("\n", " ") + "\n")
        return "250 OK kept"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(
    Keep(),
    hostname="127.0.0.1",
    port=int(port),
    tls_context=context,
    require_starttls=True,
    authenticator=authenticate,
    auth_required=True,
    auth_require_tls=True,
)
controller.start()
threading.Event().wait()
