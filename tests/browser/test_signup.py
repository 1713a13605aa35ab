"""Journey 1, step 1, in the browser: public sign-up (when the server offers it) with the email checked through the
outbox, then the first root sign-in."""
import re
import uuid

import requests

from console import Localhost, sign_in_root
from gatehouse import Server
from test_invitations import mails

PASSWORD = "Signup-Passw0rd!"


def test_sign_up_verify_email_and_sign_in_as_root(server, page):
    site = Localhost(server)
    email = f"founder-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(site.url + "/console/signin")
    page.click("text=Create a new account")
    page.fill("#email", email)
    page.fill("#account_name", "Founders")
    page.fill("#password", "short")
    page.fill("#confirm_password", "short")
    page.click("button:has-text('Verify email address')")
    assert "8 to 128 characters" in page.inner_text("[role=alert]")
    page.fill("#password", PASSWORD)
    page.fill("#confirm_password", PASSWORD)
    page.click("button:has-text('Verify email address')")
    assert "Check your email" in page.inner_text("h1")
    page.shots(page, "check-email")

    [message] = mails(server, email)
    assert message["Subject"] == "Verify your email for your new Gatehouse account"
    link = re.search(r"(http://\S+/console/signup/verify\?token=\S+)", message.get_payload(decode=True).decode()).group(1)
    # Opening the link creates nothing by itself (mail scanners open links): a click does.
    page.goto(link)
    page.wait_for_url(site.url + "/console/signup/verify")
    assert "Founders" in page.inner_text("main") and email in page.inner_text("main")
    page.click("button:has-text('Create account')")
    account_id = page.inner_text("#account-id")
    assert re.fullmatch(r"\d{12}", account_id)
    page.shots(page, "account-created")
    page.goto(link)
    assert "Link not valid" in page.inner_text("h1")

    sign_in_root(page, site, email, PASSWORD)
    page.wait_for_url(site.url + "/console")
    assert account_id in page.inner_text("nav")
    assert "Add MFA for the root user" in page.inner_text("main")


def test_sign_up_is_closed_unless_the_server_offers_it():
    closed = Server(dev=True).start()
    try:
        assert requests.get(closed.url + "/console/signup").status_code == 404
        assert "Create a new account" not in requests.get(closed.url + "/console/signin").text
    finally:
        closed.stop()
