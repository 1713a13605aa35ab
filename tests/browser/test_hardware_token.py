"""A hardware TOTP token in the console: the operator registered it; the root user assigns it by serial number and
two codes on My security credentials, and sign-in then asks for its code."""
import time

from console import sign_in_root, sign_out
from test_console_root import PASSWORD, new_account
from test_hardware_tokens import register_token


def test_root_assigns_a_hardware_token_and_signs_in_with_it(server, page):
    serial, totp = register_token(server)
    email, _ = new_account(server, "hwtoken")
    sign_in_root(page, server, email, PASSWORD)
    page.wait_for_url(server.url + "/console")
    page.click("nav >> text=My security credentials")
    page.fill("#serial", serial)
    now = time.time()
    page.fill("#hw_code1", totp.at(now - 30))
    page.fill("#hw_code2", totp.at(now))
    page.click("button:has-text('Assign hardware TOTP token')")
    assert f"Hardware TOTP token {serial} assigned" in page.inner_text("[role=status]")
    assert serial in page.inner_text("table")
    page.shots(page, "hardware-token")
    sign_out(page)
    sign_in_root(page, server, email, PASSWORD, code=totp.at(time.time() + 30))
    page.wait_for_url(server.url + "/console")
    assert "The root user has MFA." in page.inner_text("main")
