"""Every sign-in does the same work for a name that exists and one that does not: the password hasher runs once
for each (counted by the server's gatehouse_password_checks_total metric, not timed), so timing tells nobody
which root emails, IAM users or portal users exist."""
import re
import uuid

import requests

from gatehouse import Server, fresh_account, gatehouse, wait_for
from test_portal_sign_in import authorize_url, pkce_pair, portal, register_code_client, submit, unsigned


def password_checks(server):
    metrics = requests.get(server.url + "/metrics", timeout=5).text
    found = re.search(r"^gatehouse_password_checks_total(?:\{[^}]*\})? (\d+)", metrics, re.M)
    return int(found.group(1)) if found else 0


def checks_for(server, attempt):
    """How many password checks one refused attempt cost, and its answer."""
    before = password_checks(server)
    response = attempt()
    return password_checks(server) - before, response


def console_attempt(server, **fields):
    browser = requests.Session()
    page = browser.get(server.url + "/console/signin").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return lambda: browser.post(server.url + "/console/signin", data={"csrf": csrf, "step": "password", **fields}, allow_redirects=False)


def test_console_root_sign_in_checks_a_password_for_unknown_emails(server):
    email = f"root-{uuid.uuid4().hex[:8]}@example.com"
    gatehouse("account", "create", "--email", email, "--name", "work", "--password-stdin", stdin="Root-Password-123!\n", data_dir=server.data_dir)
    wait_for(lambda: console_attempt(server, kind="root", email=email, password="Root-Password-123!")().status_code in (200, 303))
    for address in (f"nobody-{uuid.uuid4().hex[:6]}@example.com", email):
        cost, answer = checks_for(server, console_attempt(server, kind="root", email=address, password="Not-The-Password-1"))
        assert answer.status_code == 401 and "Your authentication information is incorrect." in answer.text
        assert cost == 1, address


def test_console_iam_sign_in_checks_a_password_whatever_is_unknown(server):
    keys = fresh_account(server, "iamwork")
    iam = server.client("iam", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"])
    account_id = server.client("sts", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"]).get_caller_identity()["Account"]
    iam.create_user(UserName="with-password")
    iam.create_login_profile(UserName="with-password", Password="Some-Password-123!")
    iam.create_user(UserName="without-password")
    cases = {
        "unknown account": ("999999999999", "with-password"),
        "unknown user": (account_id, "nobody"),
        "user without a password": (account_id, "without-password"),
        "wrong password": (account_id, "with-password"),
    }
    for case, (account, user) in cases.items():
        cost, answer = checks_for(server, console_attempt(server, kind="iam", account=account, username=user, password="Not-The-Password-1"))
        assert answer.status_code == 401 and "Your authentication information is incorrect." in answer.text, case
        assert cost == 1, case


def test_portal_sign_in_checks_a_password_for_unknown_users(server):
    setup = portal(server, users=("erin",))
    client = register_code_client(unsigned(server, "sso-oidc"), setup["start_url"])
    _, challenge = pkce_pair()
    browser = requests.Session()
    page = browser.get(authorize_url(server, client, "http://127.0.0.1:5000/oauth/callback", challenge)).text
    for user in ("erin", "nobody-here"):
        cost, answer = checks_for(server, lambda: submit(browser, server.url + "/authorize", page, username=user, password="Not-Her-Password-1"))
        assert answer.status_code == 401 and "The user name or password is wrong." in answer.text, user
        assert cost == 1, user


def console_user(server, name, password):
    """A new account with an IAM user who has a console password; returns the account's ID."""
    keys = fresh_account(server, name)
    iam = server.client("iam", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"])
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password=password)
    return server.client("sts", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"]).get_caller_identity()["Account"]


def test_a_lockout_survives_a_restart(fresh_server):
    server = fresh_server.start()
    account_id = console_user(server, "gina", "Gina-Password-123!")
    for _ in range(5):
        assert console_attempt(server, kind="iam", account=account_id, username="gina", password="Not-Her-Password-1")().status_code == 401
    assert "Too many failed sign-in attempts" in console_attempt(server, kind="iam", account=account_id, username="gina", password="Gina-Password-123!")().text
    server.stop()
    restarted = Server(dev=True, data_dir=server.data_dir).start()
    try:
        refused = console_attempt(restarted, kind="iam", account=account_id, username="gina", password="Gina-Password-123!")()
        assert refused.status_code == 401 and "Too many failed sign-in attempts. Try again in 15 minutes." in refused.text
    finally:
        restarted.stop()


def test_guesses_made_at_once_cannot_all_start_before_the_lockout(fresh_server):
    """20 guesses at once: each counts from the moment it is let in, so at most 5 are checked, and the right
    password among them does not open the lock for the rest."""
    import concurrent.futures

    server = fresh_server.start()
    account_id = console_user(server, "ivan", "Ivan-Password-123!")
    attempts = [console_attempt(server, kind="iam", account=account_id, username="ivan", password=f"Guess-{n}-Password!") for n in range(20)]
    before = password_checks(server)
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda attempt: attempt(), attempts))
    assert password_checks(server) - before <= 5
    assert sum("Too many failed sign-in attempts" in answer.text for answer in answers) >= 15


def test_a_password_hashed_at_another_cost_is_hashed_again_at_sign_in(server):
    """A root user made at cost 11 (by a CLI with other settings) on a server at cost 10: the first sign-in stores the
    password at the server's cost, so afterwards the known name costs what the stand-in for unknown ones does."""
    import os
    import sqlite3
    import subprocess

    from gatehouse import BIN, ENV

    email = f"cost-{uuid.uuid4().hex[:8]}@example.com"
    subprocess.run([BIN, "account", "create", "--email", email, "--name", "cost", "--password-stdin", "--data-dir", server.data_dir],
                   input="Cost-Password-123!\n", text=True, check=True, capture_output=True, env={**ENV, "GATEHOUSE_BCRYPT_COST": "11"})

    def stored_cost():
        with sqlite3.connect(os.path.join(server.data_dir, "gatehouse.sqlite")) as db:
            return db.execute("SELECT root_password_hash FROM accounts WHERE email = ?", (email,)).fetchone()[0].split("$")[2]

    assert stored_cost() == "11"
    wait_for(lambda: console_attempt(server, kind="root", email=email, password="Cost-Password-123!")().status_code in (200, 303))
    assert stored_cost() == "10"
    assert console_attempt(server, kind="root", email=email, password="Cost-Password-123!")().status_code in (200, 303)
