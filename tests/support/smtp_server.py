#!/usr/bin/python3
"""A loopback SMTP server for tocsin's tests, built on Debian's aiosmtpd.

Listens on 127.0.0.1 on an ephemeral port and prints "PORT <n>" once ready. Every accepted message
is stored in --dir as msg-<n>.eml (the raw DATA) plus msg-<n>.json: envelope sender, recipients,
EHLO name, whether the session was encrypted, the AUTH mechanism and login, and the message as
Python's email package reads it (decoded headers, the addresses of address headers, every
non-multipart part with its decoded content, parser defects) - an independent MIME decoder, so
tests do not check tocsin's encoder with tocsin's own decoder. The .json file is renamed into
place last, so its presence means the message is complete.

Modes: plain (no TLS), starttls (STARTTLS offered with --cert/--key), implicit (TLS from the first
byte, like port 465). --auth USER:PASSWORD requires authentication (PLAIN or LOGIN); with
starttls, AUTH is refused before the session is encrypted.

The server never outlives its test: it exits when stdin reaches end-of-file (the test process
closed the pipe or died) or after --lifetime seconds.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender")


def describe(raw):
    """The message as Python's email package (policy.default) decodes it."""
    out = {"headers": [], "addresses": {}, "parts": [], "defects": []}
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        out["content_type"] = msg.get_content_type()
        for name, value in msg.items():
            out["headers"].append([name, str(value)])
            if name in ADDRESS_HEADERS:
                out["addresses"].setdefault(name, []).extend(
                    a.addr_spec for a in value.addresses)
        out["defects"] += [repr(d) for d in msg.defects]
        for part in msg.walk():
            out["defects"] += [repr(d) for d in part.defects]
            if part.is_multipart():
                continue
            out["parts"].append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "content": part.get_content(),
            })
    except Exception as e:  # a test wants to see this, not a dead server
        out["parse_error"] = repr(e)
    return out


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "msg-%d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        transport = server.transport
        encrypted = session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "helo": session.host_name,
            "tls": encrypted,
            "auth": session.auth_data,
        }
        meta.update(describe(envelope.original_content or envelope.content))
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
                and auth_data.password == password.encode()):
            return AuthResult(success=True, auth_data="%s %s" % (mechanism, user))
        return AuthResult(success=False, handled=False)
    return authenticate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--mode", choices=["plain", "starttls", "implicit"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth", help="USER:PASSWORD")
    parser.add_argument("--lifetime", type=float, default=120)
    args = parser.parse_args()

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    authenticator = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        authenticator = make_authenticator(user, password)

    handler = Store(args.dir)

    def factory():
        return SMTP(handler,
                    hostname="tocsin-test-smtp",
                    tls_context=context if args.mode == "starttls" else None,
                    authenticator=authenticator,
                    auth_required=authenticator is not None,
                    auth_require_tls=args.mode == "starttls",
                    timeout=30)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        factory, "127.0.0.1", 0, ssl=context if args.mode == "implicit" else None))
    port = server.sockets[0].getsockname()[1]

    def on_stdin():
        if not os.read(sys.stdin.fileno(), 4096):
            loop.stop()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    loop.call_later(args.lifetime, loop.stop)
    print("PORT %d" % port, flush=True)
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
