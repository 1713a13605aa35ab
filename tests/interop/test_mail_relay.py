"""Mail through an SMTP relay: a real SMTP server (aiosmtpd) with STARTTLS, its certificate from a test CA the
server is told to trust; messages written while the relay is down stay queued and go out once it is up."""
import contextlib
import glob
import os
import re
import ssl

import requests
import trustme
from aiosmtpd.controller import Controller

from gatehouse import Server, free_port, wait_for


class Collector:
    """An SMTP handler that keeps what it receives, and whether the session was encrypted."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append({"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.content.decode(),
                              "tls": session.ssl is not None})
        return "250 OK"


def relay(port, tmp_path):
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "relay-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    return controller, collector, str(ca_file)


def sign_up(server, email):
    browser = requests.Session()
    form = browser.get(server.url + "/console/signup").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form).group(1)
    answer = browser.post(server.url + "/console/signup", data={
        "csrf": csrf, "email": email, "account_name": "Relayed", "password": "Relay-Passw0rd!", "confirm_password": "Relay-Passw0rd!"})
    assert "Check your email" in answer.text


@contextlib.contextmanager
def relayed_server(port, ca_file):
    """A Gatehouse server with sign-up open whose mail goes to the relay on `port`, trusting `ca_file`."""
    server = Server(dev=True, extra_args=["--allow-signup", "--smtp-url", f"smtp://127.0.0.1:{port}", "--smtp-ca-file", ca_file]).start()
    try:
        yield server
    finally:
        server.stop()


def outbox(server, *folder):
    return glob.glob(os.path.join(server.data_dir, "outbox", *folder, "*.eml"))


def test_mail_goes_through_the_relay_with_starttls(tmp_path):
    port = free_port()
    controller, collector, ca_file = relay(port, tmp_path)
    controller.start()
    try:
        with relayed_server(port, ca_file) as server:
            sign_up(server, "relayed@example.com")
            [message] = wait_for(lambda: collector.received, timeout=15)
            assert message["to"] == ["relayed@example.com"] and message["tls"]
            assert "Subject: Verify your email for your new Gatehouse account" in message["data"]
            assert wait_for(lambda: outbox(server, "sent"))
            assert outbox(server) == []
    finally:
        controller.stop()


def test_mail_waits_while_the_relay_is_down(tmp_path):
    port = free_port()
    controller, collector, ca_file = relay(port, tmp_path)
    try:
        with relayed_server(port, ca_file) as server:
            sign_up(server, "queued@example.com")
            assert wait_for(lambda: "mail delivery failed" in server.read_log(), timeout=15)
            assert len(outbox(server)) == 1
            controller.start()
            [message] = wait_for(lambda: collector.received, timeout=90)
            assert message["to"] == ["queued@example.com"]
            assert wait_for(lambda: outbox(server, "sent"))
    finally:
        controller.stop()


def test_an_untrusted_relay_certificate_gets_nothing(tmp_path):
    port = free_port()
    controller, collector, _ = relay(port, tmp_path)
    controller.start()
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    try:
        with relayed_server(port, str(other)) as server:
            sign_up(server, "untrusted@example.com")
            assert wait_for(lambda: "mail delivery failed" in server.read_log(), timeout=15)
            assert collector.received == []
            assert len(outbox(server)) == 1
    finally:
        controller.stop()
