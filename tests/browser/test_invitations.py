"""Identity Center users get in by mail: the console adds a user with an invitation (or a one-time password), the
invitation's link from the outbox sets the password once, and "Forgot password?" mails a reset link."""
import email
import glob
import os
import re
import time

import pyotp
import requests

from console import Localhost, read_qr, sign_in_root
from gatehouse import gatehouse, wait_for
from identity_center import clients
from test_console_root import PASSWORD, new_account
from test_portal_sign_in import portal

BOB_PASSWORD = "Bob-Builder-42!"


def mails(server, to):
    """The messages in the server's outbox addressed to `to`, oldest first."""
    found = []
    for path in sorted(glob.glob(os.path.join(server.data_dir, "outbox", "*.eml"))):
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f)
        if message["To"] == to:
            found.append(message)
    return found


def link(message):
    return re.search(r"(http://\S+/setup\?token=\S+)", message.get_payload(decode=True).decode()).group(1)


def test_invitation_and_password_reset_by_mail(server, page, tmp_path):
    # Links in mail are built from the server's public URL (by default http://localhost:<port>), never from a request.
    site = Localhost(server)
    root_email, created = new_account(server, "invite")
    c = clients(server, created)
    c["organizations"].create_organization(FeatureSet="ALL")
    member = c["organizations"].create_account(Email=f"team-{time.time_ns()}@example.com", AccountName="Team")["CreateAccountStatus"]["AccountId"]
    instance = c["sso-admin"].create_instance(Name="Company")["InstanceArn"]
    store = c["sso-admin"].describe_instance(InstanceArn=instance)["IdentityStoreId"]
    admin = c["sso-admin"].create_permission_set(InstanceArn=instance, Name="Admin")["PermissionSet"]["PermissionSetArn"]
    sign_in_root(page, site, root_email, PASSWORD)
    page.wait_for_url(site.url + "/console")
    page.click("nav >> text=Identity Center")
    assert page.inner_text("#start-url") == f"{site.url}/start/{store}"
    bob = f"bob-{time.time_ns()}@example.com"
    for field, value in [("#username", "bob"), ("#email", bob), ("#given_name", "Bob"), ("#family_name", "Builder")]:
        page.fill(field, value)
    page.click("button:has-text('Add user')")
    assert f"An invitation is on its way to {bob}" in page.inner_text("[role=status]")
    page.shots(page, "user-added")
    page.fill("#username", "carol")
    page.fill("#email", f"carol-{time.time_ns()}@example.com")
    page.fill("#given_name", "Carol")
    page.fill("#family_name", "Jones")
    page.check("input[name=password_choice][value=one-time]")
    page.click("button:has-text('Add user')")
    assert len(page.inner_text("#one-time-password")) >= 16

    [invitation] = mails(server, bob)
    assert invitation["Subject"] == "Invitation to join Gatehouse Identity Center"
    url = link(invitation)
    bob_id = c["identitystore"].get_user_id(
        IdentityStoreId=store, AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "bob"}})["UserId"]
    c["sso-admin"].create_account_assignment(
        InstanceArn=instance, TargetId=member, TargetType="AWS_ACCOUNT", PermissionSetArn=admin, PrincipalType="USER", PrincipalId=bob_id)

    # The link's token goes into a session at once; the page the user sees has no token in its address.
    page.goto(url)
    page.wait_for_url(f"{site.url}/start/{store}/setup")
    assert "Accept the invitation" in page.inner_text("h1") and "bob" in page.inner_text("main")
    page.fill("#password", "weak")
    page.fill("#confirm_password", "weak")
    page.click("button:has-text('Set password')")
    assert "8 to 64 characters" in page.inner_text("[role=alert]")
    page.fill("#password", BOB_PASSWORD)
    page.fill("#confirm_password", BOB_PASSWORD)
    page.click("button:has-text('Set password')")
    page.wait_for_url(f"{site.url}/start/{store}?username=bob")
    page.shots(page, "password-set")
    assert page.input_value("#username") == "bob"
    page.fill("#password", BOB_PASSWORD)
    page.click("button:has-text('Sign in')")
    # MFA is required (the instance's default) and bob has no device yet: he registers one on the spot.
    totp = pyotp.parse_uri(read_qr(page, tmp_path))
    now = time.time()
    page.fill("#code1", totp.at(now - 30))
    page.fill("#code2", totp.at(now))
    page.click("button:has-text('Register and sign in')")
    page.wait_for_url(f"{site.url}/start/{store}")
    assert "Team" in page.inner_text(f"section[aria-label='Account {member}']")

    # The link works once.
    page.goto(url)
    assert "Link not valid" in page.inner_text("h1")

    # Forgot password (signed out): the same answer for a real and an unknown user; only the real one gets mail.
    page.goto(f"{site.url}/start/{store}")
    page.click("button:has-text('Sign out')")
    page.goto(f"{site.url}/start/{store}/forgot")
    page.fill("#username", "nobody")
    page.click("button:has-text('Send reset link')")
    unknown_answer = page.inner_text("[role=status]")
    page.fill("#username", "bob")
    page.click("button:has-text('Send reset link')")
    assert page.inner_text("[role=status]") == unknown_answer
    page.shots(page, "forgot")
    reset = mails(server, bob)[-1]
    assert reset["Subject"] == "Reset your Gatehouse access portal password"
    page.goto(link(reset))
    assert "Reset your password" in page.inner_text("h1")
    page.fill("#password", "Rebuilt-Bob-43!")
    page.fill("#confirm_password", "Rebuilt-Bob-43!")
    page.click("button:has-text('Set password')")
    page.fill("#password", BOB_PASSWORD)
    page.click("button:has-text('Sign in')")
    assert "user name or password is wrong" in page.inner_text("[role=alert]")
    page.fill("#password", "Rebuilt-Bob-43!")
    page.fill("#mfa_code", totp.at(time.time() + 30))
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{site.url}/start/{store}")


def test_cli_invitation_replaces_the_earlier_link(server):
    setup = portal(server, users=("dave",))
    address = gatehouse("identity-center", "invite", "--identity-store-id", setup["store"], "--user", "dave", "--portal-url", server.url,
                        data_dir=server.data_dir).stdout.strip()
    assert address == "dave@example.com"
    first = link(mails(server, address)[-1])
    gatehouse("identity-center", "invite", "--identity-store-id", setup["store"], "--user", "dave", "--portal-url", server.url, data_dir=server.data_dir)
    second = link(mails(server, address)[-1])
    assert first != second

    def opened(url):
        return requests.get(url, allow_redirects=True, timeout=5)

    page = wait_for(lambda: (lambda r: r if r.status_code == 200 else None)(opened(second)))
    assert "Accept the invitation" in page.text and "token=" not in page.url
    assert opened(first).status_code == 404


def test_a_forged_host_header_does_not_change_the_links(server):
    """A reset asked for with `Host: evil.example` still mails a link to the server's own public URL."""
    setup = portal(server, users=("erin",))
    browser = requests.Session()
    form = browser.get(f"{server.url}/start/{setup['store']}/forgot", headers={"Host": "evil.example"}).text
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form).group(1)
    browser.post(f"{server.url}/start/{setup['store']}/forgot", data={"csrf": csrf, "username": "erin"}, headers={"Host": "evil.example"})
    mailed = link(wait_for(lambda: mails(server, "erin@example.com")[-1:])[0])
    assert mailed.startswith(f"{Localhost(server).url}/start/{setup['store']}/setup?token=") and "evil" not in mailed
