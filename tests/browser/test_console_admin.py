"""Journey 2 in the browser: root sets the password policy and an alias, creates IAM-Administrator with a forced
reset; the administrator signs in with the alias, chooses a password the policy accepts, assigns MFA, makes an
access key the SDK then uses, and the trail shows every console sign-in."""
import csv
import io
import json
import uuid

import boto3
from botocore.config import Config

from console import Localhost, assign_authenticator, next_code, sign_in_root, sign_in_user, sign_out
from test_console_root import PASSWORD, new_account
from test_security_keys import virtual_authenticator


def test_root_creates_an_administrator_who_takes_over(server, page, tmp_path):
    site = Localhost(server)
    cdp, authenticator = virtual_authenticator(page)
    email, created = new_account(server, "takeover", root_key=False)
    account_id = created["AccountId"]
    sign_in_root(page, site, email, PASSWORD)
    page.wait_for_url(site.url + "/console")

    page.click("nav >> text=Password policy")
    page.fill("#minimum_length", "14")
    page.fill("#reuse", "5")
    page.click("button:has-text('Save changes')")
    assert "Password policy saved." in page.inner_text("[role=status]")
    page.shots(page, "password-policy")

    alias = f"takeover-{uuid.uuid4().hex[:8]}"
    page.click("nav >> text=Account")
    page.fill("#alias", alias)
    page.click("button:has-text('Create alias')")
    assert page.inner_text("#account-alias") == alias
    assert page.inner_text("#billing-access") == "off"
    page.click("button:has-text('Activate IAM access')")
    assert page.inner_text("#billing-access") == "on"
    page.shots(page, "account")

    page.click("nav >> text=Groups")
    page.fill("#group_name", "devops")
    page.check("input[name='policy:arn:aws:iam::aws:policy/PowerUserAccess']")
    page.click("button:has-text('Create group')")
    assert "PowerUserAccess" in page.inner_text("tr:has-text('devops')")

    page.goto(site.url + "/console/users/create")
    page.fill("#username", "IAM-Administrator")
    page.check("input[name='policy:arn:aws:iam::aws:policy/AdministratorAccess']")
    page.check("input[name='group:devops']")
    for index, (key, value) in enumerate([("Owner", "alice"), ("Project", "lockdown"), ("MFAEnabled", "pending")], start=1):
        page.fill(f"input[name=tag_key_{index}]", key)
        page.fill(f"input[name=tag_value_{index}]", value)
    page.click("button:has-text('Create user')")
    assert "User IAM-Administrator created" in page.inner_text("h1")
    password = page.inner_text("#console-password")
    assert len(password) == 20
    with page.expect_download() as download:
        page.click("text=Download .csv file")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert rows == [{"User name": "IAM-Administrator", "Password": password, "Console sign-in URL": f"{site.url}/console/signin?account={account_id}"}]
    page.shots(page, "user-created")

    page.click("text=View user")
    details = page.inner_text("main")
    for expected in ["AdministratorAccess", "IAMUserChangePassword", "devops", "Owner", "alice"]:
        assert expected in details
    sign_out(page)

    # The administrator signs in with the alias and must choose a new password first.
    sign_in_user(page, site, alias, "IAM-Administrator", password)
    page.wait_for_url("**/console/password")
    assert "You must choose a new password" in page.inner_text("main")
    page.goto(site.url + "/console/users")
    page.wait_for_url("**/console/password")
    page.fill("#old_password", password)
    page.fill("#new_password", "Short1!")
    page.fill("#confirm_password", "Short1!")
    page.click("button:has-text('Change password')")
    assert "PasswordPolicyViolation" in page.inner_text("[role=alert]")
    page.shots(page, "password-refused")
    new_password = "Administrator-Passw0rd!"
    page.fill("#old_password", password)
    page.fill("#new_password", new_password)
    page.fill("#confirm_password", new_password)
    page.click("button:has-text('Change password')")
    assert "Your password has been changed." in page.inner_text("[role=status]")

    totp = assign_authenticator(page, tmp_path, "admin-phone")
    assert "MFA device admin-phone assigned" in page.inner_text("[role=status]")

    page.click("button:has-text('Create access key')")
    key_id = page.inner_text("#new-key-id")
    secret = page.inner_text("#new-key-secret")
    assert key_id.startswith("AKIA") and len(secret) == 40
    page.shots(page, "access-key")
    with page.expect_download() as download:
        page.click("text=Download .csv file")
    assert list(csv.reader(open(download.value.path())))[1] == [key_id, secret]
    # Shown once: the file is gone after one download, and the credentials page lists the key without its secret.
    assert page.request.get(site.url + "/console/download").status == 404
    page.goto(site.url + "/console/security-credentials")
    assert key_id in page.content() and secret not in page.content()
    sign_out(page)

    sign_in_user(page, site, account_id, "IAM-Administrator", new_password, code=next_code(totp))
    page.wait_for_url(site.url + "/console")
    assert "IAM-Administrator" in page.inner_text("nav")

    # A security key as the second device; from then on either signs in.
    page.click("nav >> text=My security credentials")
    page.fill("#key_name", "admin-key")
    page.click("button:has-text('Assign security key or passkey')")
    page.click("button:has-text('Register security key')")
    page.wait_for_url("**/security-key/finish")
    assert "Security key admin-key assigned" in page.inner_text("[role=status]")
    assert f":u2f/user/IAM-Administrator/admin-key-" in page.inner_text("main")
    sign_out(page)
    sign_in_user(page, site, account_id, "IAM-Administrator", new_password)
    assert page.locator("#mfa_code").is_visible()
    page.shots(page, "mfa-choice")
    page.click("button:has-text('Use security key')")
    page.wait_for_url(site.url + "/console")
    assert cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"][0]["signCount"] >= 2

    session = dict(endpoint_url=server.url, aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1",
                   config=Config(retries={"max_attempts": 1}))
    identity = boto3.client("sts", **session).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{account_id}:user/IAM-Administrator"
    events = boto3.client("cloudtrail", **session).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}])["Events"]
    records = [json.loads(event["CloudTrailEvent"]) for event in events]
    admin = [r for r in records if r["userIdentity"].get("userName") == "IAM-Administrator"]
    assert [r["additionalEventData"]["MFAUsed"] for r in sorted(admin, key=lambda r: r["eventTime"])] == ["No", "Yes", "Yes"]
    assert all(r["responseElements"]["ConsoleLogin"] == "Success" and r["eventType"] == "AwsConsoleSignIn" for r in admin)
    assert any(r["userIdentity"]["type"] == "Root" for r in records)
    created_user = boto3.client("cloudtrail", **session).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
    assert json.loads(created_user[0]["CloudTrailEvent"])["userIdentity"]["type"] == "Root"
