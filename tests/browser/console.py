"""What a person does in the console, step by step, as helpers the browser suites share."""
import subprocess
import time

import pyotp


def sign_in_root(page, server, email, password, code=None):
    page.goto(server.url + "/console/signin")
    page.check("input[name=kind][value=root]")
    page.fill("#email", email)
    page.click("text=Next")
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    if code is not None:
        page.fill("#mfa_code", code)
        page.click("button:has-text('Submit')")


def sign_in_user(page, server, account, user, password, code=None):
    page.goto(server.url + "/console/signin")
    page.check("input[name=kind][value=iam]")
    page.fill("#account", account)
    page.click("text=Next")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    if code is not None:
        page.fill("#mfa_code", code)
        page.click("button:has-text('Submit')")


def sign_out(page):
    page.click("nav button:has-text('Sign out')")
    page.wait_for_url("**/console/signin")


def read_qr(page, tmp_path):
    """Reads the QR code on the page as a phone would: a picture of it, decoded by zbarimg."""
    path = tmp_path / "qr.png"
    page.locator("svg.qr").screenshot(path=str(path))
    result = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def assign_authenticator(page, tmp_path, name):
    """Assigns an authenticator app from My security credentials; returns its TOTP generator."""
    page.click("nav >> text=My security credentials")
    page.fill("#device_name", name)
    page.click("button:has-text('Assign authenticator app')")
    uri = read_qr(page, tmp_path)
    secret = page.inner_text("#mfa-secret")
    assert f"secret={secret}&" in uri
    page.shots(page, "mfa-setup")
    totp = pyotp.parse_uri(uri)
    now = time.time()
    page.fill("#code1", totp.at(now - 30))
    page.fill("#code2", totp.at(now))
    page.click("button:has-text('Add MFA')")
    return totp


def next_code(totp):
    """A code sign-in accepts after two were just used: the next step's (within the ±1 step window)."""
    return totp.at(time.time() + 30)


class Localhost:
    """The server as the browser reaches it for WebAuthn, which needs a domain name (localhost), not an IP address."""

    def __init__(self, server):
        self.url = server.url.replace("127.0.0.1", "localhost")
