"""Journey 3, step 7, in the browser: an Identity Center user signs in at the start URL with a one-time password,
chooses a password, is made to register an authenticator app, sees the assigned account and role, takes
command-line credentials that boto3 uses, and opens the console as the role."""
import time

import boto3
import pyotp
from botocore.config import Config

from console import read_qr
from gatehouse import gatehouse
from test_portal_sign_in import NEW_PASSWORD, portal


def test_user_registers_mfa_and_gets_credentials_and_the_console(server, page, tmp_path):
    setup = portal(server)
    gatehouse("identity-center", "settings", "--identity-store-id", setup["store"], "--without-mfa", "REGISTER_AT_SIGN_IN",
              data_dir=server.data_dir)
    page.goto(setup["start_url"])
    page.shots(page, "start")
    page.fill("#username", "alice")
    page.fill("#password", setup["passwords"]["alice"])
    page.click("button:has-text('Sign in')")
    assert "one-time password" in page.inner_text("[role=alert]")
    page.fill("#password", setup["passwords"]["alice"])
    page.fill("#new_password", NEW_PASSWORD)
    page.click("button:has-text('Sign in')")

    # MFA is required and alice has no device: she registers one on the spot.
    assert "Register an authenticator app" in page.inner_text("main")
    page.shots(page, "register-mfa")
    uri = read_qr(page, tmp_path)
    assert f"secret={page.inner_text('#mfa-secret')}&" in uri
    totp = pyotp.parse_uri(uri)
    page.fill("#code1", "000000" if totp.now() != "000000" else "111111")
    page.fill("#code2", "000000")
    page.click("button:has-text('Register and sign in')")
    assert "two consecutive codes" in page.inner_text("[role=alert]")
    now = time.time()
    page.fill("#code1", totp.at(now - 30))
    page.fill("#code2", totp.at(now))
    page.click("button:has-text('Register and sign in')")
    page.wait_for_url(setup["start_url"])
    assert page.inner_text("#portal-user") == "Alice"
    account = page.locator(f"section[aria-label='Account {setup['member']}']")
    assert "Work" in account.inner_text() and "Admin" in account.inner_text()
    page.shots(page, "dashboard")

    account.locator("button:has-text('Command line or programmatic access')").click()
    page.shots(page, "credentials")
    exports = dict(line.removeprefix("export ").split("=", 1) for line in page.inner_text("#bash").splitlines())
    values = {name: value.strip('"') for name, value in exports.items()}
    assert values["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    assert f"[{setup['member']}_Admin]" in page.inner_text("#credentials-file")
    assert f'$Env:AWS_SESSION_TOKEN="{values["AWS_SESSION_TOKEN"]}"' in page.inner_text("#powershell")
    sts = boto3.client("sts", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=values["AWS_ACCESS_KEY_ID"],
                       aws_secret_access_key=values["AWS_SECRET_ACCESS_KEY"], aws_session_token=values["AWS_SESSION_TOKEN"],
                       config=Config(retries={"max_attempts": 1}))
    arn = sts.get_caller_identity()["Arn"]
    assert arn.startswith(f"arn:aws:sts::{setup['member']}:assumed-role/AWSReservedSSO_Admin_") and arn.endswith("/alice")

    page.go_back()
    page.locator(f"section[aria-label='Account {setup['member']}'] >> button:has-text('Management console')").click()
    page.wait_for_url(server.url + "/console")
    assert "alice" in page.inner_text("nav") and setup["member"] in page.inner_text("nav")
    assert "IAM dashboard" in page.inner_text("h1")
    page.shots(page, "federated-console")

    # Signing out of the portal ends its token: the start page asks to sign in again.
    page.goto(setup["start_url"])
    page.click("button:has-text('Sign out')")
    assert page.locator("#username").is_visible()

    # From now on a sign-in needs a code from the registered app.
    page.fill("#username", "alice")
    page.fill("#password", NEW_PASSWORD)
    page.click("button:has-text('Sign in')")
    assert "Enter the code from your authenticator app" in page.inner_text("[role=alert]")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#mfa_code", totp.at(time.time() + 30))
    page.click("button:has-text('Sign in')")
    page.wait_for_url(setup["start_url"])
    assert page.inner_text("#portal-user") == "Alice"
