"""Journey 1 in the browser: the root user signs in, follows the dashboard's advice (MFA, no access keys), and signs in with MFA."""
import json
import uuid

from console import assign_authenticator, next_code, sign_in_root, sign_out
from gatehouse import gatehouse, wait_for

PASSWORD = "Root-Passw0rd!"


def new_account(server, tag, root_key=True):
    email = f"{tag}-{uuid.uuid4().hex[:8]}@example.com"
    args = ["account", "create", "--email", email, "--name", tag, "--password-stdin", "--json"]
    if root_key:
        args.append("--root-access-key")
    created = json.loads(gatehouse(*args, data_dir=server.data_dir, stdin=PASSWORD + "\n").stdout)
    if root_key:
        # The server learns of the account from the store's change feed, within moments.
        wait_for(lambda: server.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"]).get_caller_identity())
    return email, created


def test_root_locks_itself_down(server, page, tmp_path):
    email, created = new_account(server, "lockdown")
    sign_in_root(page, server, email, PASSWORD)
    page.wait_for_url(server.url + "/console")
    page.shots(page, "dashboard-before")
    advice = page.inner_text("main")
    assert "Add MFA for the root user" in advice
    assert "Delete the root user's access keys" in advice
    assert "Set a password policy" in advice

    totp = assign_authenticator(page, tmp_path, "root-phone")
    assert "MFA device root-phone assigned" in page.inner_text("[role=status]")
    assert f"arn:aws:iam::{created['AccountId']}:mfa/root-phone" in page.inner_text("main")
    page.shots(page, "mfa-assigned")
    page.fill("input[aria-label='New name for root-phone']", "Root phone in the safe")
    page.click("tr:has-text('root-phone') >> button:has-text('Rename')")
    assert "Device renamed to Root phone in the safe." in page.inner_text("[role=status]")
    assert "Root phone in the safe" in page.inner_text("tr:has-text('mfa/root-phone')")

    key = created["AccessKeyId"]
    page.click(f"tr:has-text('{key}') >> button:has-text('Deactivate')")
    assert f"Access key {key} is now inactive" in page.inner_text("[role=status]")
    page.click(f"tr:has-text('{key}') >> button:has-text('Delete')")
    assert "No access keys." in page.inner_text("main")
    page.shots(page, "keys-deleted")

    page.click("nav >> text=Dashboard")
    advice = page.inner_text("main")
    assert "Add MFA for the root user" not in advice and "The root user has MFA." in advice
    assert "Delete the root user's access keys" not in advice and "The root user has no access keys." in advice
    page.shots(page, "dashboard-after")

    sign_out(page)
    page.goto(server.url + "/console")
    page.wait_for_url("**/console/signin")

    sign_in_root(page, server, email, PASSWORD, code="000000" if next_code(totp) != "000000" else "111111")
    assert "The MFA code is not valid" in page.inner_text("[role=alert]")
    before_mfa = [c["value"] for c in page.context.cookies() if c["name"] == "gatehouse_console"]
    page.shots(page, "mfa-refused")
    page.fill("#mfa_code", next_code(totp))
    page.click("button:has-text('Submit')")
    page.wait_for_url(server.url + "/console")
    assert "Root user" in page.inner_text("nav")
    # Passing MFA issues a new session token too.
    after_mfa = [c["value"] for c in page.context.cookies() if c["name"] == "gatehouse_console"]
    assert len(before_mfa) == 1 and len(after_mfa) == 1 and before_mfa != after_mfa
