"""Security keys in the browser: Chromium's virtual authenticator (CDP WebAuthn) registers as the root user's MFA
device, then answers the sign-in challenge; the API sees the key as an MFA device; a removed key signs in no more."""
import boto3
from botocore.config import Config

from console import Localhost, sign_in_root, sign_out
from test_console_root import PASSWORD, new_account


def virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
               "isUserVerified": True, "automaticPresenceSimulation": True}
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator


def test_root_registers_a_security_key_and_signs_in_with_it(server, page):
    site = Localhost(server)
    email, created = new_account(server, "fido")
    cdp, authenticator = virtual_authenticator(page)
    sign_in_root(page, site, email, PASSWORD)
    page.wait_for_url(site.url + "/console")
    page.click("nav >> text=My security credentials")
    page.fill("#key_name", "yubikey")
    page.click("button:has-text('Assign security key or passkey')")
    page.shots(page, "register-key")
    page.click("button:has-text('Register security key')")
    page.wait_for_url("**/security-key/finish")
    assert "Security key yubikey assigned" in page.inner_text("[role=status]")
    assert f"arn:aws:iam::{created['AccountId']}:u2f/root/yubikey-" in page.inner_text("main")
    page.shots(page, "key-assigned")

    iam = boto3.client("iam", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=created["AccessKeyId"],
                       aws_secret_access_key=created["SecretAccessKey"], config=Config(retries={"max_attempts": 1}))
    [device] = iam.list_mfa_devices()["MFADevices"]
    assert ":u2f/root/yubikey-" in device["SerialNumber"]
    # GetMFADevice is AWS's call for FIDO security keys.
    assert iam.get_mfa_device(SerialNumber=device["SerialNumber"])["SerialNumber"] == device["SerialNumber"]
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []

    sign_out(page)
    sign_in_root(page, site, email, PASSWORD)
    assert "Use security key" in page.inner_text("main")
    assert page.locator("#mfa_code").count() == 0
    page.shots(page, "mfa-step")
    page.click("button:has-text('Use security key')")
    page.wait_for_url(site.url + "/console")
    assert "The root user has MFA." in page.inner_text("main")
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert credential["signCount"] >= 2

    # Removed, the key no longer opens the account: sign-in asks for no MFA at all.
    page.click("nav >> text=My security credentials")
    page.click(f"tr:has-text('yubikey') >> button:has-text('Remove')")
    assert "Security key removed." in page.inner_text("[role=status]")
    assert iam.list_mfa_devices()["MFADevices"] == []


def test_a_forged_answer_is_refused(server, page):
    """An answer the security key did not sign, posted in place of the browser's, does not sign anyone in."""
    site = Localhost(server)
    email, _ = new_account(server, "fido2")
    virtual_authenticator(page)
    sign_in_root(page, site, email, PASSWORD)
    page.click("nav >> text=My security credentials")
    page.fill("#key_name", "key")
    page.click("button:has-text('Assign security key or passkey')")
    page.click("button:has-text('Register security key')")
    page.wait_for_url("**/security-key/finish")
    assert "Security key key assigned" in page.inner_text("[role=status]")
    sign_out(page)
    sign_in_root(page, site, email, PASSWORD)
    form = page.locator("#webauthn-form")
    form.evaluate("f => { f.dataset.done = '1'; f.elements.credential_id.value = 'AAAA'; f.elements.client_data.value = 'e30'; "
                  "f.elements.authenticator_data.value = 'AAAA'; f.elements.signature.value = 'AAAA'; f.submit(); }")
    page.wait_for_load_state()
    assert "The security key's answer is not valid" in page.inner_text("[role=alert]")
