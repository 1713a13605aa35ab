"""Drop-in for suites written against local emulators: --permissive, --dev-account-id, reset, reset-auth."""
import json
import subprocess
import time

import botocore
import pytest
import requests
from botocore.exceptions import ClientError

from gatehouse import BIN, ENV, Server, fresh_account
from signing import without_signature


@pytest.fixture
def emulator():
    server = Server(dev=False, extra_args=["--permissive", "--dev-account-id", "123456789012"]).start()
    yield server
    server.stop()


def reset(server):
    response = requests.post(server.url + "/moto-api/reset", timeout=10)
    assert response.status_code == 200


def reset_auth(server, count):
    response = requests.post(server.url + "/moto-api/reset-auth", data=str(count), timeout=10)
    assert response.status_code == 200
    return json.loads(response.text)["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]


def test_unknown_keys_act_as_the_dev_root(emulator):
    assert "PERMISSIVE MODE" in emulator.read_log()
    sts = emulator.client("sts", key="AKIAIOSFODNN7EXAMPLE", secret="made-up")
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:root"
    iam = emulator.client("iam", key="AKIAIOSFODNN7EXAMPLE", secret="made-up")
    assert iam.create_user(UserName="suite-user")["User"]["Arn"] == "arn:aws:iam::123456789012:user/suite-user"
    unsigned = emulator.client("iam", signature_version=botocore.UNSIGNED)
    assert [u["UserName"] for u in unsigned.list_users()["Users"]] == ["suite-user"]


def test_authorization_is_not_enforced_but_calls_are_audited(emulator):
    iam = emulator.client("iam", key="AKIAIOSFODNN7EXAMPLE", secret="x")
    iam.create_user(UserName="powerless")
    key = iam.create_access_key(UserName="powerless")["AccessKey"]
    # A real key with no policies would be refused everything; here it is not.
    emulator.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"]).list_users()
    # Known keys are still verified.
    with pytest.raises(ClientError) as excinfo:
        emulator.client("iam", key=key["AccessKeyId"], secret="wrong").list_users()
    assert excinfo.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    events = emulator.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
    record = json.loads(events[0]["CloudTrailEvent"])
    assert record["additionalEventData"]["gatehousePermissive"] is True


def test_malformed_signatures_are_still_refused(emulator):
    client = without_signature(emulator.client("sts", key="AKIAIOSFODNN7EXAMPLE", secret="x"), "before-send.sts.GetCallerIdentity")
    with pytest.raises(ClientError) as excinfo:
        client.get_caller_identity()
    assert excinfo.value.response["Error"]["Code"] == "IncompleteSignature"


def test_reset_returns_to_first_start(emulator):
    iam = emulator.client("iam", key="AKIAIOSFODNN7EXAMPLE", secret="x")
    iam.create_user(UserName="leftover")
    iam.create_group(GroupName="leftovers")
    iam.create_account_alias(AccountAlias="leftover-alias")
    reset(emulator)
    assert iam.list_users()["Users"] == []
    assert iam.list_groups()["Groups"] == []
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_user(UserName="leftover")  # the name is free again
    assert emulator.client("sts").get_caller_identity()["Account"] == "123456789012"
    time.sleep(0.5)
    names = {e["EventName"] for e in emulator.client("cloudtrail").lookup_events()["Events"]}
    assert "CreateGroup" not in names


def test_reset_auth_switches_enforcement_on(emulator):
    assert reset_auth(emulator, 2) == float("inf")
    sts = emulator.client("sts", key="AKIAIOSFODNN7EXAMPLE", secret="x")
    sts.get_caller_identity()
    sts.get_caller_identity()
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert excinfo.value.response["Error"]["Code"] == "InvalidClientTokenId"
    # Enforced now: the dev root works, a user without policies is refused.
    iam = emulator.client("iam")
    iam.create_user(UserName="checked")
    key = iam.create_access_key(UserName="checked")["AccessKey"]
    with pytest.raises(ClientError) as excinfo:
        emulator.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"]).list_users()
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    assert reset_auth(emulator, 5) == 0
    bad = requests.post(emulator.url + "/_gatehouse/reset-auth", data="many", timeout=10)
    assert bad.status_code == 400


def test_dev_mode_with_allow_reset_offers_reset_but_enforces(tmp_path):
    server = Server(dev=True, data_dir=str(tmp_path), extra_args=["--allow-reset"]).start()
    assert "development resets are on" in server.read_log()
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", key="AKIAIOSFODNN7EXAMPLE", secret="x").get_caller_identity()
    assert excinfo.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert reset_auth(server, 1) == 0
    assert server.client("sts", key="AKIAIOSFODNN7EXAMPLE", secret="x").get_caller_identity()["Account"] == "000000000000"
    server.client("iam").create_user(UserName="gone-after-reset")
    requests.post(server.url + "/_gatehouse/reset", timeout=10).raise_for_status()
    assert server.client("iam").list_users()["Users"] == []
    server.stop()


def test_dev_mode_alone_serves_no_reset(server):
    """`--dev` servers hold real work too: the switches exist only where asked for."""
    for path in ("/_gatehouse/reset", "/moto-api/reset", "/_gatehouse/reset-auth"):
        response = requests.post(server.url + path, data="1000000", timeout=10)
        assert response.status_code == 403
        assert "<Code>MissingAuthenticationToken</Code>" in response.text
    assert server.client("sts").get_caller_identity()["Account"] == "000000000000"


def test_a_web_page_cannot_reset(emulator):
    """A cross-site form or fetch carries Origin, or a form content type: neither switch takes it."""
    emulator.client("iam").create_user(UserName="kept")
    attempts = [
        ("/moto-api/reset", {"Origin": "https://attacker.example"}, ""),
        ("/_gatehouse/reset", {"Content-Type": "text/plain"}, "x"),
        ("/_gatehouse/reset", {"Content-Type": "application/x-www-form-urlencoded"}, "a=b"),
        ("/_gatehouse/reset-auth", {"Origin": "null", "Content-Type": "text/plain"}, "0"),
        ("/moto-api/reset-auth", {"Content-Type": "multipart/form-data; boundary=x"}, "0"),
    ]
    for path, headers, body in attempts:
        response = requests.post(emulator.url + path, headers=headers, data=body, timeout=10)
        assert response.status_code == 403, (path, headers)
    assert [u["UserName"] for u in emulator.client("iam").list_users()["Users"]] == ["kept"]
    # Still permissive: reset-auth was not taken.
    assert reset_auth(emulator, 0) == float("inf")


def test_no_reset_of_a_data_folder_with_accounts_of_its_own(tmp_path):
    server = Server(dev=True, data_dir=str(tmp_path), extra_args=["--allow-reset"]).start()
    try:
        real = fresh_account(server, "real")
        response = requests.post(server.url + "/_gatehouse/reset", timeout=10)
        assert response.status_code == 409
        assert "not the development account's" in response.json()["message"]
        assert server.client("sts", key=real["AccessKeyId"], secret=real["SecretAccessKey"]).get_caller_identity()["Account"] == real["AccountId"]
        # Turns of reset-auth go to the development account only: the real account's users stay checked.
        real_iam = server.client("iam", key=real["AccessKeyId"], secret=real["SecretAccessKey"])
        real_iam.create_user(UserName="intern")
        key = real_iam.create_access_key(UserName="intern")["AccessKey"]
        assert reset_auth(server, 1000000) == 0
        with pytest.raises(ClientError) as excinfo:
            server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"]).list_users()
        assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
        assert server.client("sts", key="AKIAIOSFODNN7EXAMPLE", secret="x").get_caller_identity()["Account"] == "000000000000"
        # An unchecked turn does not open a real account's role: its trust policy still decides.
        real_iam.create_role(RoleName="Admin", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{real['AccountId']}:user/intern"}, "Action": "sts:AssumeRole"}]}))
        dev_iam = server.client("iam")
        dev_iam.create_user(UserName="mallory")
        mallory = dev_iam.create_access_key(UserName="mallory")["AccessKey"]
        with pytest.raises(ClientError) as excinfo:
            server.client("sts", key=mallory["AccessKeyId"], secret=mallory["SecretAccessKey"]).assume_role(
                RoleArn=f"arn:aws:iam::{real['AccountId']}:role/Admin", RoleSessionName="pwn")
        assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    finally:
        server.stop()


def test_no_reset_without_dev():
    server = Server(dev=False).start()
    try:
        response = requests.post(server.url + "/moto-api/reset", timeout=10)
        assert response.status_code == 403
        assert "<Code>MissingAuthenticationToken</Code>" in response.text
    finally:
        server.stop()


def test_dev_account_id_is_fixed_per_data_folder(tmp_path):
    (tmp_path / "data").mkdir()
    data = str(tmp_path / "data")
    first = Server(dev=True, data_dir=data).start()
    first.stop()
    result = subprocess.run(
        [BIN, "serve", "--dev", "--dev-account-id", "123456789012", "--data-dir", data, "--listen", "127.0.0.1:0"],
        capture_output=True, text=True, env=ENV, timeout=30,
    )
    assert result.returncode != 0
    assert "development account is 000000000000" in result.stderr
    bad = subprocess.run([BIN, "serve", "--dev-account-id", "12345", "--data-dir", data], capture_output=True, text=True, env=ENV, timeout=30)
    assert bad.returncode != 0 and "12 digits" in bad.stderr


def test_identity_center_names_a_suite_makes_up_exist_on_first_reference(emulator):
    """As emulators do: a made-up instance ARN or identity store ID works at once; a server that enforces refuses it."""
    admin = emulator.client("sso-admin", key="AKIAIOSFODNN7EXAMPLE", secret="made-up")
    ids = emulator.client("identitystore", key="AKIAIOSFODNN7EXAMPLE", secret="made-up")
    instance_arn = "arn:aws:sso:::instance/ssoins-1111111111111111"
    created = admin.create_permission_set(InstanceArn=instance_arn, Name="Suite")["PermissionSet"]
    assert created["PermissionSetArn"].startswith("arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-")
    instances = admin.list_instances()["Instances"]
    assert [i["InstanceArn"] for i in instances] == [instance_arn] and instances[0]["OwnerAccountId"] == "123456789012"
    store = instances[0]["IdentityStoreId"]
    user = ids.create_user(IdentityStoreId=store, UserName="suite", DisplayName="Suite", Name={"GivenName": "S", "FamilyName": "U"})
    assert ids.describe_user(IdentityStoreId=store, UserId=user["UserId"])["UserName"] == "suite"
    # A second, different instance is not made up: the account has its one instance.
    with pytest.raises(ClientError) as other:
        admin.list_permission_sets(InstanceArn="arn:aws:sso:::instance/ssoins-2222222222222222")
    assert other.value.response["Error"]["Code"] == "ResourceNotFoundException"

    trail = emulator.client("cloudtrail", key="AKIAIOSFODNN7EXAMPLE", secret="made-up")
    made = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateInstance"}])["Events"]
    assert len(made) == 1 and json.loads(made[0]["CloudTrailEvent"])["additionalEventData"]["gatehousePermissive"] is True

    # After a reset, an identity store ID named first makes the instance, and ListInstances alone makes one too.
    reset(emulator)
    assert ids.list_users(IdentityStoreId="d-1234567890")["Users"] == []
    assert admin.list_instances()["Instances"][0]["IdentityStoreId"] == "d-1234567890"
    reset(emulator)
    assert len(admin.list_instances()["Instances"]) == 1


def test_an_enforcing_server_makes_nothing_up(server):
    keys = fresh_account(server, "nothing-made-up")
    admin = server.client("sso-admin", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"])
    with pytest.raises(ClientError) as missing:
        admin.list_permission_sets(InstanceArn="arn:aws:sso:::instance/ssoins-1111111111111111")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert admin.list_instances()["Instances"] == []
