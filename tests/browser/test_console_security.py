"""The console's defences, seen from a client: CSRF tokens, cookie flags, a new session token at each sign-in step,
sign-out, lockout after failed sign-ins (in the audit trail), and pages that show AccessDenied as the API words it."""
import html
import json
import re

import pytest
import requests

from gatehouse import Server, fresh_account, wait_for

PASSWORD = "Console-Passw0rd!"


def csrf(response):
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', response.text).group(1)


def user_with_password(server, tag, policies=()):
    account = fresh_account(server, tag)
    iam = server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])
    iam.create_user(UserName="carol")
    iam.create_login_profile(UserName="carol", Password=PASSWORD, PasswordResetRequired=False)
    for arn in policies:
        iam.attach_user_policy(UserName="carol", PolicyArn=arn)
    return account, iam


def sign_in(server, account_id, password, browser=None):
    browser = browser or requests.Session()
    form = browser.get(server.url + "/console/signin")
    return browser, browser.post(
        server.url + "/console/signin",
        data={"csrf": csrf(form), "step": "password", "kind": "iam", "account": account_id, "username": "carol", "password": password},
        allow_redirects=False,
    )


def test_forms_need_the_sessions_csrf_token(server):
    browser = requests.Session()
    form = browser.get(server.url + "/console/signin")
    cookie = form.headers["Set-Cookie"]
    assert "gatehouse_console=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert form.headers["X-Frame-Options"] == "DENY" and form.headers["Cache-Control"] == "no-store"
    fields = {"step": "password", "kind": "root", "email": "x@example.com", "password": "x"}
    assert browser.post(server.url + "/console/signin", data=fields).status_code == 403
    assert browser.post(server.url + "/console/signin", data={**fields, "csrf": "0" * 64}).status_code == 403
    # A token from another browser's session is worth nothing here.
    other = csrf(requests.get(server.url + "/console/signin"))
    assert browser.post(server.url + "/console/signin", data={**fields, "csrf": other}).status_code == 403


def test_sign_in_issues_a_new_session_token_and_sign_out_ends_it(server):
    account, _ = user_with_password(server, "rotate")
    browser = requests.Session()
    browser.get(server.url + "/console/signin")
    before = browser.cookies["gatehouse_console"]
    browser, response = sign_in(server, account["AccountId"], PASSWORD, browser)
    assert response.status_code == 303 and response.headers["Location"] == "/console"
    after = browser.cookies["gatehouse_console"]
    assert after != before
    stale = requests.get(server.url + "/console", cookies={"gatehouse_console": before}, allow_redirects=False)
    assert stale.status_code == 303 and stale.headers["Location"] == "/console/signin"
    dashboard = browser.get(server.url + "/console")
    assert dashboard.status_code == 200 and "IAM dashboard" in dashboard.text
    browser.post(server.url + "/console/signout", data={"csrf": csrf(dashboard)})
    gone = requests.get(server.url + "/console", cookies={"gatehouse_console": after}, allow_redirects=False)
    assert gone.status_code == 303


def test_five_failures_lock_the_user_and_the_trail_shows_it(server):
    account, _ = user_with_password(server, "lockout")
    for _ in range(5):
        _, response = sign_in(server, account["AccountId"], "wrong-password")
        assert response.status_code == 401 and "Your authentication information is incorrect" in response.text
    _, response = sign_in(server, account["AccountId"], PASSWORD)
    assert response.status_code == 401 and "Too many failed sign-in attempts" in response.text
    trail = server.client("cloudtrail", key=account["AccessKeyId"], secret=account["SecretAccessKey"])

    def failures():
        events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}])["Events"]
        return [json.loads(e["CloudTrailEvent"]) for e in events]

    records = wait_for(lambda: (lambda r: r if len(r) >= 6 else None)(failures()))
    assert all(r["responseElements"]["ConsoleLogin"] == "Failure" and r["userIdentity"]["userName"] == "carol" for r in records)
    assert sum(r["errorMessage"] == "Failed authentication" for r in records) == 5
    assert any(r["errorMessage"].startswith("Too many failed sign-in attempts") for r in records)


def test_pages_show_access_denied_as_the_api_words_it(server):
    account, _ = user_with_password(server, "denied", policies=["arn:aws:iam::aws:policy/IAMUserChangePassword"])
    browser, response = sign_in(server, account["AccountId"], PASSWORD)
    assert response.status_code == 303
    users = browser.get(server.url + "/console/users")
    arn = f"arn:aws:iam::{account['AccountId']}:user/carol"
    assert f"AccessDenied: User: {arn} is not authorized to perform: iam:ListUsers" in html.unescape(users.text)
    account_page = browser.get(server.url + "/console/account")
    toggle = browser.post(server.url + "/console/account", data={"csrf": csrf(account_page), "action": "billing", "enabled": "true"})
    assert toggle.status_code == 403 and "Only the root user can change IAM access to billing." in toggle.text


def test_an_https_public_url_makes_every_cookie_secure_and_a_bad_one_is_refused():
    behind_proxy = Server(dev=True, extra_args=["--public-url", "https://gatehouse.example.com"]).start()
    try:
        cookie = requests.get(behind_proxy.url + "/console/signin").headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie
    finally:
        behind_proxy.stop()
    with pytest.raises(RuntimeError) as refused:
        Server(dev=True, extra_args=["--public-url", "ftp://gatehouse.example.com/path"]).start()
    assert "--public-url must look like" in str(refused.value)
