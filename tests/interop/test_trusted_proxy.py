"""Behind a reverse proxy: with --trusted-proxy, the proxy's X-Forwarded-For names the client (its aws:SourceIp,
its trail events, its sign-in lock); from anyone else the header is ignored."""
import json
import re

import pytest
import requests

from gatehouse import Server, fresh_account, wait_for
from signing import FORM, signed


@pytest.fixture
def proxied():
    server = Server(dev=True, extra_args=["--trusted-proxy", "127.0.0.1"]).start()
    yield server
    server.stop()


def list_users(server, keys, forwarded):
    return signed(server.url + "/", "iam", b"Action=ListUsers&Version=2010-05-08", {**FORM, "X-Forwarded-For": forwarded},
                  key=keys["AccessKeyId"], secret=keys["SecretAccessKey"])


def source_addresses(server, keys):
    trail = server.client("cloudtrail", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"])
    events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ListUsers"}])["Events"]
    return sorted(json.loads(e["CloudTrailEvent"])["sourceIPAddress"] for e in events)


def test_the_proxy_names_the_client(proxied):
    keys = fresh_account(proxied, "proxied")
    iam = proxied.client("iam", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"])
    iam.create_user(UserName="office")
    user_keys = iam.create_access_key(UserName="office")["AccessKey"]
    iam.put_user_policy(UserName="office", PolicyName="office-only", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}))
    # The rightmost address the trusted proxy did not add is the client's; what the client wrote left of it is not.
    assert list_users(proxied, user_keys, "203.0.113.9").status_code == 200
    assert list_users(proxied, user_keys, "203.0.113.9, 198.51.100.7").status_code == 403
    assert list_users(proxied, user_keys, "198.51.100.7, 203.0.113.9, 127.0.0.1").status_code == 200
    assert list_users(proxied, keys, "garbage").status_code == 200
    assert wait_for(lambda: source_addresses(proxied, keys) if len(source_addresses(proxied, keys)) >= 4 else None) == [
        "127.0.0.1", "198.51.100.7", "203.0.113.9", "203.0.113.9"]


def test_without_a_trusted_proxy_the_header_is_ignored(server):
    keys = fresh_account(server, "direct")
    assert list_users(server, keys, "203.0.113.9").status_code == 200
    assert wait_for(lambda: source_addresses(server, keys)) == ["127.0.0.1"]


def test_the_sign_in_lock_is_per_client_behind_the_proxy(proxied):
    def attempt(address, user):
        browser = requests.Session()
        page = browser.get(proxied.url + "/console/signin", headers={"X-Forwarded-For": address}).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return browser.post(proxied.url + "/console/signin", headers={"X-Forwarded-For": address}, data={
            "csrf": csrf, "step": "password", "kind": "iam", "account": "000000000000", "username": user, "password": "Wrong-1!"}).text

    for n in range(30):
        assert "Your authentication information is incorrect." in attempt("203.0.113.9", f"guess-{n}")
    assert "Too many failed sign-in attempts" in attempt("203.0.113.9", "guess-x")
    # Another client behind the same proxy is not locked out with it.
    assert "Your authentication information is incorrect." in attempt("203.0.113.10", "guess-y")


def test_a_trusted_proxy_must_be_an_address():
    with pytest.raises(RuntimeError, match="--trusted-proxy expects an IP address"):
        Server(dev=False, extra_args=["--trusted-proxy", "proxy.example"]).start()
