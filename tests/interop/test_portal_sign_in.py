"""Signing in to the access portal: the `/authorize` page (authorization code flow with PKCE), the `/device`
page (device flow), sign-in throttling, and `gatehouse login` writing a profile that boto3 and the aws CLI use."""
import base64
import hashlib
import html
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse

import pytest
import requests
from botocore.exceptions import ClientError

from gatehouse import BIN, ENV, error, fresh_account, gatehouse, wait_for
from identity_center import clients, new_user, unsigned

NEW_PASSWORD = "Correct-Horse-9!"


def portal(server, users=("alice",)):
    """A management account with an organization, a member account, an Identity Center instance whose users
    need no MFA device, an Admin permission set, and `users` assigned Admin in the member account.
    Returns the start URL, the member account, the identity store and each user's one-time password."""
    keys = fresh_account(server, "portal")
    c = clients(server, keys)
    c["organizations"].create_organization(FeatureSet="ALL")
    member = c["organizations"].create_account(Email=f"work-{time.time_ns()}@example.com", AccountName="Work")["CreateAccountStatus"]["AccountId"]
    instance_arn = c["sso-admin"].create_instance(Name="Company")["InstanceArn"]
    store = c["sso-admin"].describe_instance(InstanceArn=instance_arn)["IdentityStoreId"]
    admin_set = c["sso-admin"].create_permission_set(InstanceArn=instance_arn, Name="Admin")["PermissionSet"]["PermissionSetArn"]
    c["sso-admin"].attach_managed_policy_to_permission_set(
        InstanceArn=instance_arn, PermissionSetArn=admin_set, ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    passwords = {}
    for name in users:
        user_id = new_user(c["identitystore"], store, name)
        c["sso-admin"].create_account_assignment(
            InstanceArn=instance_arn, TargetId=member, TargetType="AWS_ACCOUNT", PermissionSetArn=admin_set, PrincipalType="USER", PrincipalId=user_id)
        passwords[name] = gatehouse(
            "identity-center", "one-time-password", "--identity-store-id", store, "--user", name, data_dir=server.data_dir).stdout.strip()
    gatehouse("identity-center", "settings", "--identity-store-id", store, "--without-mfa", "ALLOWED", data_dir=server.data_dir)
    return {"start_url": f"{server.url}/start/{store}", "member": member, "store": store, "passwords": passwords, "keys": keys}


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def prefilled_fields(page):
    """The inputs of a page's form that come with a value (hidden or shown), as a browser would send them."""
    return {name: html.unescape(value) for name, value in re.findall(r'<input [^>]*name="(\w+)" value="([^"]*)"', page)}


def submit(browser, url, page, **fields):
    """Posts the page's form as a browser does: its hidden fields, the cookie it set, and what the user typed."""
    return browser.post(url, data={**prefilled_fields(page), **fields}, allow_redirects=False)


def query(location):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def register_code_client(oidc, start_url):
    return oidc.register_client(
        clientName="aws-cli", clientType="public", grantTypes=["authorization_code", "refresh_token"],
        redirectUris=["http://127.0.0.1/oauth/callback"], issuerUrl=start_url, scopes=["sso:account:access"])


def authorize_url(server, client, redirect_uri, challenge, state="state-1"):
    return server.url + "/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": client["clientId"], "redirect_uri": redirect_uri, "state": state,
        "code_challenge_method": "S256", "scopes": "sso:account:access", "code_challenge": challenge})


def test_authorization_code_flow_with_pkce(server):
    setup = portal(server)
    oidc = unsigned(server, "sso-oidc")
    with pytest.raises(ClientError) as no_issuer:
        oidc.register_client(clientName="x", clientType="public", grantTypes=["authorization_code"], redirectUris=["http://127.0.0.1/cb"])
    assert error(no_issuer)[0] == "InvalidRequestException"
    client = register_code_client(oidc, setup["start_url"])
    verifier, challenge = pkce_pair()
    redirect_uri = "http://127.0.0.1:43123/oauth/callback"

    browser = requests.Session()
    shown = browser.get(authorize_url(server, client, redirect_uri, challenge))
    assert shown.status_code == 200 and "aws-cli</strong> asks to use your AWS accounts" in shown.text
    assert shown.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in shown.headers["Content-Security-Policy"]
    assert shown.headers["Cache-Control"] == "no-store" and "SameSite=Strict" in shown.headers["Set-Cookie"]

    # A post from elsewhere (no cookie) is refused; a wrong password is refused; a one-time password must be replaced.
    forged = requests.post(server.url + "/authorize", data={**prefilled_fields(shown.text), "username": "alice", "password": "x"}, allow_redirects=False)
    assert forged.status_code == 403 and "Form expired" in forged.text
    wrong = submit(browser, server.url + "/authorize", shown.text, username="alice", password="Wrong-Password-1!")
    assert wrong.status_code == 401 and "The user name or password is wrong." in wrong.text and "Location" not in wrong.headers
    one_time = submit(browser, server.url + "/authorize", shown.text, username="alice", password=setup["passwords"]["alice"])
    assert one_time.status_code == 200 and 'name="new_password"' in one_time.text
    weak = submit(browser, server.url + "/authorize", shown.text, username="alice", password=setup["passwords"]["alice"], new_password="short")
    assert weak.status_code == 401 and "8 to 64 characters" in weak.text
    allowed = submit(
        browser, server.url + "/authorize", shown.text, username="alice", password=setup["passwords"]["alice"], new_password=NEW_PASSWORD)
    assert allowed.status_code == 303
    location = allowed.headers["Location"]
    assert location.startswith(redirect_uri + "?") and query(location)["state"] == "state-1"
    code = query(location)["code"]

    grant = dict(clientId=client["clientId"], clientSecret=client["clientSecret"], grantType="authorization_code", code=code)
    with pytest.raises(ClientError) as wrong_verifier:
        oidc.create_token(**grant, codeVerifier=pkce_pair()[0], redirectUri=redirect_uri)
    assert error(wrong_verifier)[0] == "InvalidGrantException"
    # A failed exchange spends the code: whoever guessed at the verifier cannot go on guessing.
    with pytest.raises(ClientError) as spent:
        oidc.create_token(**grant, codeVerifier=verifier, redirectUri=redirect_uri)
    assert error(spent)[0] == "InvalidGrantException" and "was used already" in spent.value.response["Error"]["Message"]
    fresh = submit(browser, server.url + "/authorize", browser.get(authorize_url(server, client, redirect_uri, challenge)).text,
                   username="alice", password=NEW_PASSWORD)
    grant["code"] = query(fresh.headers["Location"])["code"]
    with pytest.raises(ClientError) as wrong_redirect:
        oidc.create_token(**grant, codeVerifier=verifier, redirectUri="http://127.0.0.1:9/oauth/callback")
    assert error(wrong_redirect)[0] == "InvalidGrantException"
    grant["code"] = query(submit(browser, server.url + "/authorize", browser.get(authorize_url(server, client, redirect_uri, challenge)).text,
                                 username="alice", password=NEW_PASSWORD).headers["Location"])["code"]
    token = oidc.create_token(**grant, codeVerifier=verifier, redirectUri=redirect_uri)
    assert token["tokenType"] == "Bearer" and 3500 < token["expiresIn"] <= 3600 and token["refreshToken"]
    with pytest.raises(ClientError) as reused:
        oidc.create_token(**grant, codeVerifier=verifier, redirectUri=redirect_uri)
    assert error(reused)[0] == "InvalidGrantException"
    accounts = unsigned(server, "sso").list_accounts(accessToken=token["accessToken"])["accountList"]
    assert [a["accountId"] for a in accounts] == [setup["member"]]
    refreshed = oidc.create_token(
        clientId=client["clientId"], clientSecret=client["clientSecret"], grantType="refresh_token", refreshToken=token["refreshToken"])
    assert refreshed["accessToken"] != token["accessToken"]

    # Deny sends the user back with access_denied; the next sign-in needs no new password.
    second = browser.get(authorize_url(server, client, redirect_uri, challenge, state="state-2"))
    denied = submit(browser, server.url + "/authorize", second.text, decision="deny")
    assert denied.status_code == 303 and query(denied.headers["Location"]) == {
        "error": "access_denied", "error_description": "The user denied the sign-in.", "state": "state-2"}
    again = submit(browser, server.url + "/authorize", second.text, username="alice", password=NEW_PASSWORD)
    assert again.status_code == 303 and "code" in query(again.headers["Location"])

    # Each attempt is in the management account's trail: who, from where, and how it ended.
    trail = server.client("cloudtrail", key=setup["keys"]["AccessKeyId"], secret=setup["keys"]["SecretAccessKey"])

    def sign_in_events():
        found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "UserAuthentication"}])["Events"]
        return [json.loads(e["CloudTrailEvent"]) for e in found] if len(found) >= 6 else None

    events = wait_for(sign_in_events)
    outcomes = sorted((e["userIdentity"]["type"], e["userIdentity"]["userName"], e.get("errorCode", "Success")) for e in events)
    assert outcomes == [("IdentityCenterUser", "alice", "AuthenticationFailed")] * 2 + [("IdentityCenterUser", "alice", "Success")] * 4
    assert {e["eventSource"] for e in events} == {"signin.amazonaws.com"} and {e["sourceIPAddress"] for e in events} == {"127.0.0.1"}


def test_authorize_refuses_bad_requests(server):
    setup = portal(server)
    oidc = unsigned(server, "sso-oidc")
    client = register_code_client(oidc, setup["start_url"])
    _, challenge = pkce_pair()
    browser = requests.Session()
    # An address the client did not register is never redirected to.
    elsewhere = browser.get(authorize_url(server, client, "http://evil.example/oauth/callback", challenge), allow_redirects=False)
    assert elsewhere.status_code == 400 and "did not register" in elsewhere.text and "Location" not in elsewhere.headers
    unknown = browser.get(authorize_url(server, {"clientId": "nobody"}, "http://127.0.0.1/oauth/callback", challenge), allow_redirects=False)
    assert unknown.status_code == 400 and "not registered" in unknown.text
    # Faults the client can hear about go back to it.
    plain = browser.get(authorize_url(server, client, "http://127.0.0.1:5000/oauth/callback", "too-short"), allow_redirects=False)
    assert plain.status_code == 303 and query(plain.headers["Location"])["error"] == "invalid_request"
    device_only = oidc.register_client(clientName="device", clientType="public")
    no_grant = browser.get(authorize_url(server, device_only, "http://127.0.0.1/oauth/callback", challenge), allow_redirects=False)
    assert no_grant.status_code == 400


def test_sign_in_is_throttled(server):
    setup = portal(server, users=("carol",))
    oidc = unsigned(server, "sso-oidc")
    client = register_code_client(oidc, setup["start_url"])
    _, challenge = pkce_pair()
    browser = requests.Session()
    page = browser.get(authorize_url(server, client, "http://127.0.0.1:5000/oauth/callback", challenge)).text
    for _ in range(5):
        assert "password is wrong" in submit(browser, server.url + "/authorize", page, username="carol", password="Not-Her-Password-1").text
    # Even the right password is refused now, and the server keeps serving everyone else.
    locked = submit(browser, server.url + "/authorize", page, username="carol", password=setup["passwords"]["carol"], new_password=NEW_PASSWORD)
    assert locked.status_code == 401 and "Too many failed sign-in attempts. Try again in 15 minutes." in locked.text
    assert server.client("sts").get_caller_identity()["Account"] == "000000000000"
    # A name the store does not have is refused alike, and the trail does not repeat it.
    nobody = submit(browser, server.url + "/authorize", page, username="nobody-here", password="Whatever-1!")
    assert nobody.status_code == 401 and "The user name or password is wrong." in nobody.text
    trail = server.client("cloudtrail", key=setup["keys"]["AccessKeyId"], secret=setup["keys"]["SecretAccessKey"])
    unknown = wait_for(lambda: [
        e for e in trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "HIDDEN_DUE_TO_SECURITY_REASONS"}])["Events"]])
    assert json.loads(unknown[0]["CloudTrailEvent"])["userIdentity"]["type"] == "Unknown" and "nobody-here" not in unknown[0]["CloudTrailEvent"]


def start_device(server, setup):
    oidc = unsigned(server, "sso-oidc")
    client = oidc.register_client(clientName="device", clientType="public")
    started = oidc.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=setup["start_url"])
    poll = dict(clientId=client["clientId"], clientSecret=client["clientSecret"], grantType="urn:ietf:params:oauth:grant-type:device_code",
                deviceCode=started["deviceCode"])
    return oidc, started, poll


def approve_on_device_page(address, user, password, new_password=None, decision="allow"):
    browser = requests.Session()
    page = browser.get(address)
    assert page.status_code == 200
    fields = {"username": user, "password": password, "decision": decision}
    if new_password:
        fields["new_password"] = new_password
    return submit(browser, urllib.parse.urljoin(address, "/device"), page.text, **fields)


def error_of(call):
    with pytest.raises(ClientError) as refused:
        call()
    return error(refused)[0]


def test_device_page_approves_and_denies(server):
    setup = portal(server)
    oidc, started, poll = start_device(server, setup)
    page = requests.get(started["verificationUriComplete"])
    assert f'value="{started["userCode"]}"' in page.text
    approved = approve_on_device_page(started["verificationUriComplete"], "alice", setup["passwords"]["alice"], new_password=NEW_PASSWORD)
    assert approved.status_code == 200 and "Sign-in approved" in approved.text
    token = oidc.create_token(**poll)
    assert unsigned(server, "sso").list_account_roles(accessToken=token["accessToken"], accountId=setup["member"])["roleList"][0]["roleName"] == "Admin"

    # Denying takes a sign-in too: a stranger who guessed the code cannot cancel someone else's sign-in.
    oidc, started, poll = start_device(server, setup)
    stranger = approve_on_device_page(started["verificationUriComplete"], "", "", decision="deny")
    assert stranger.status_code == 401 and "Sign-in denied" not in stranger.text
    assert error_of(lambda: oidc.create_token(**poll)) == "AuthorizationPendingException"
    denied = approve_on_device_page(started["verificationUriComplete"], "alice", NEW_PASSWORD, decision="deny")
    assert "Sign-in denied" in denied.text
    with pytest.raises(ClientError) as refused:
        oidc.create_token(**poll)
    assert error(refused)[0] == "AccessDeniedException"
    unknown = approve_on_device_page(server.url + "/device?user_code=BCDF-GHJK", "alice", NEW_PASSWORD)
    assert unknown.status_code == 401 and "No sign-in is waiting for the code BCDF-GHJK." in unknown.text


def test_device_page_guesses_are_throttled(fresh_server):
    """Each guess at a user code counts against the address: after 30 failures in 15 minutes it may not try again."""
    server = fresh_server.start()
    setup = portal(server, users=("frank",))
    _, started, _ = start_device(server, setup)
    page = server.url + "/device?user_code=BCDF-GHJK"
    answers = [approve_on_device_page(page, "frank", "Wrong-Password-1!", decision="deny").status_code for _ in range(31)]
    assert set(answers) == {401}
    locked = approve_on_device_page(started["verificationUriComplete"], "frank", setup["passwords"]["frank"], new_password=NEW_PASSWORD)
    assert "Too many failed sign-in attempts" in locked.text and "Sign-in approved" not in locked.text


def login_environment(home):
    env = {k: v for k, v in ENV.items() if not k.startswith("AWS_")}
    return {**env, "HOME": home}


def start_login(setup, home, *extra):
    return subprocess.Popen(
        [BIN, "login", "--start-url", setup["start_url"], "--profile", "work", "--no-browser", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=login_environment(home))


def read_address(process):
    """The sign-in address `gatehouse login` prints, indented on its own line."""
    for line in process.stdout:
        if line.startswith("  http"):
            return line.strip()
    raise AssertionError("gatehouse login printed no address: " + process.stderr.read())


def caller_through_profile(home, profile="work"):
    """sts get-caller-identity with nothing but the profile: boto3 in a fresh interpreter, and the aws CLI."""
    script = "import boto3, json; print(json.dumps(boto3.Session(profile_name=%r).client('sts').get_caller_identity()))" % profile
    through_boto3 = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=login_environment(home))
    assert through_boto3.returncode == 0, through_boto3.stderr
    through_cli = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--profile", profile, "--output", "json"], capture_output=True, text=True, env=login_environment(home))
    assert through_cli.returncode == 0, through_cli.stderr
    identity = json.loads(through_boto3.stdout)
    assert json.loads(through_cli.stdout)["Arn"] == identity["Arn"]
    return identity


def test_gatehouse_login_with_device_code(server):
    setup = portal(server)
    home = tempfile.mkdtemp(prefix="home-")
    process = start_login(setup, home, "--use-device-code", "--account", setup["member"], "--role", "Admin")
    address = read_address(process)
    assert address.startswith(server.url + "/device?user_code=")
    approve_on_device_page(address, "alice", setup["passwords"]["alice"], new_password=NEW_PASSWORD)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Signed in: profile work is role Admin in account " + setup["member"] in out

    config = open(os.path.join(home, ".aws", "config")).read()
    assert "[profile work]\nsso_session = work\nsso_account_id = %s\nsso_role_name = Admin\n" % setup["member"] in config
    assert f"[sso-session work]\nsso_start_url = {setup['start_url']}\nsso_region = us-east-1\n" in config
    cache_path = os.path.join(home, ".aws", "sso", "cache", hashlib.sha1(b"work").hexdigest() + ".json")
    assert oct(os.stat(cache_path).st_mode & 0o777) == "0o600"
    identity = caller_through_profile(home)
    assert identity["Account"] == setup["member"]
    assert re.fullmatch(rf"arn:aws:sts::{setup['member']}:assumed-role/AWSReservedSSO_Admin_[0-9a-f]{{16}}/alice", identity["Arn"])

    # Near its expiry the SDK renews the access token with the refresh token in the cache, and goes on.
    cache = json.load(open(cache_path))
    cache["expiresAt"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
    json.dump(cache, open(cache_path, "w"))
    assert caller_through_profile(home)["Arn"] == identity["Arn"]
    assert json.load(open(cache_path))["accessToken"] != cache["accessToken"]


def test_gatehouse_login_in_a_browser(server):
    setup = portal(server)
    home = tempfile.mkdtemp(prefix="home-")
    os.makedirs(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write("[profile other]\nregion = eu-west-1\n\n[profile work]\nregion = ap-south-1\n")
    process = start_login(setup, home)
    address = read_address(process)
    assert address.startswith(server.url + "/authorize?response_type=code&client_id=")

    # The browser: the sign-in page, then the redirect to the listener `gatehouse login` runs on loopback.
    browser = requests.Session()
    page = browser.get(address)
    signed_in = submit(browser, server.url + "/authorize", page.text, username="alice", password=setup["passwords"]["alice"], new_password=NEW_PASSWORD)
    assert signed_in.status_code == 303 and signed_in.headers["Location"].startswith("http://127.0.0.1:")
    back = requests.get(signed_in.headers["Location"])
    assert "You are signed in." in back.text
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err

    config = open(os.path.join(home, ".aws", "config")).read()
    assert config.startswith("[profile other]\nregion = eu-west-1\n") and "ap-south-1" not in config and config.count("[profile work]") == 1
    assert caller_through_profile(home)["Arn"].endswith("/alice")


def test_gatehouse_login_refusals(server):
    setup = portal(server)
    home = tempfile.mkdtemp(prefix="home-")
    wrong_portal = subprocess.run(
        [BIN, "login", "--start-url", f"{server.url}/start/d-0000000000", "--profile", "x", "--use-device-code"],
        capture_output=True, text=True, env=login_environment(home), timeout=60)
    assert wrong_portal.returncode != 0 and "InvalidRequestException" in wrong_portal.stderr
    process = start_login(setup, home)
    address = read_address(process)
    browser = requests.Session()
    page = browser.get(address)
    denied = submit(browser, server.url + "/authorize", page.text, decision="deny")
    requests.get(denied.headers["Location"])
    out, err = process.communicate(timeout=60)
    assert process.returncode != 0 and "access_denied" in err
    assert not os.path.exists(os.path.join(home, ".aws", "config"))


def test_a_spent_authorization_code_stays_spent_after_a_restart(fresh_server):
    from gatehouse import Server

    server = fresh_server.start()
    setup = portal(server, users=("jon",))
    oidc = unsigned(server, "sso-oidc")
    client = register_code_client(oidc, setup["start_url"])
    verifier, challenge = pkce_pair()
    redirect_uri = "http://127.0.0.1:43123/oauth/callback"
    browser = requests.Session()
    shown = browser.get(authorize_url(server, client, redirect_uri, challenge))
    answer = submit(browser, server.url + "/authorize", shown.text, username="jon", password=setup["passwords"]["jon"], new_password=NEW_PASSWORD)
    code = query(answer.headers["Location"])["code"]
    grant = dict(clientId=client["clientId"], clientSecret=client["clientSecret"], grantType="authorization_code", code=code, redirectUri=redirect_uri)
    with pytest.raises(ClientError):
        oidc.create_token(**grant, codeVerifier=pkce_pair()[0])
    server.stop()
    restarted = Server(dev=True, data_dir=server.data_dir).start()
    try:
        with pytest.raises(ClientError) as spent:
            unsigned(restarted, "sso-oidc").create_token(**grant, codeVerifier=verifier)
        assert error(spent)[0] == "InvalidGrantException"
    finally:
        restarted.stop()
