"""IAM access keys: created, listed, deactivated, deleted, used; the root user's own keys; a user with no policies."""
import datetime
import json
import re
import time

import pytest
from botocore.exceptions import ClientError

from gatehouse import wait_for, error, fresh_account


def refusal(call):
    """The (code, status) a call is refused with, or None if it succeeds."""
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None


@pytest.fixture(scope="module")
def account(server):
    return fresh_account(server, "iam-keys")


@pytest.fixture(scope="module")
def iam(server, account):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])


def test_create_list_and_delete_keys_for_a_user(iam):
    iam.create_user(UserName="keyholder")
    first = iam.create_access_key(UserName="keyholder")["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", first["AccessKeyId"])
    assert len(first["SecretAccessKey"]) == 40
    assert first["Status"] == "Active"
    assert first["UserName"] == "keyholder"
    assert isinstance(first["CreateDate"], datetime.datetime)
    second = iam.create_access_key(UserName="keyholder")["AccessKey"]
    assert second["AccessKeyId"] != first["AccessKeyId"]
    assert second["SecretAccessKey"] != first["SecretAccessKey"]

    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName="keyholder")
    assert error(excinfo) == ("LimitExceeded", 409)

    listed = iam.list_access_keys(UserName="keyholder")
    assert listed["IsTruncated"] is False
    metadata = listed["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in metadata) == sorted([first["AccessKeyId"], second["AccessKeyId"]])
    assert all(k["UserName"] == "keyholder" and k["Status"] == "Active" for k in metadata)
    assert all("SecretAccessKey" not in k for k in metadata)

    iam.delete_access_key(UserName="keyholder", AccessKeyId=first["AccessKeyId"])
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName="keyholder")["AccessKeyMetadata"]] == [second["AccessKeyId"]]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(UserName="keyholder", AccessKeyId=first["AccessKeyId"])
    assert error(excinfo) == ("NoSuchEntity", 404)
    # A third key fits again once one is gone.
    iam.create_access_key(UserName="keyholder")


def test_a_key_is_only_found_under_its_own_user(iam):
    iam.create_user(UserName="owner-a")
    iam.create_user(UserName="owner-b")
    key = iam.create_access_key(UserName="owner-a")["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        iam.update_access_key(UserName="owner-b", AccessKeyId=key, Status="Inactive")
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(UserName="owner-b", AccessKeyId=key)
    assert error(excinfo) == ("NoSuchEntity", 404)
    assert iam.list_access_keys(UserName="owner-a")["AccessKeyMetadata"][0]["Status"] == "Active"


def test_a_users_key_identifies_the_user(server, iam, account):
    user = iam.create_user(UserName="caller", Path="/staff/")["User"]
    key = iam.create_access_key(UserName="caller")["AccessKey"]
    sts = server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    identity = wait_for(sts.get_caller_identity)
    assert identity["Arn"] == f"arn:aws:iam::{account['AccountId']}:user/staff/caller"
    assert identity["UserId"] == user["UserId"]
    assert identity["Account"] == account["AccountId"]


def test_an_inactive_key_no_longer_authenticates(server, iam):
    iam.create_user(UserName="switch")
    key = iam.create_access_key(UserName="switch")["AccessKey"]
    sts = server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    wait_for(sts.get_caller_identity)

    iam.update_access_key(UserName="switch", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert iam.list_access_keys(UserName="switch")["AccessKeyMetadata"][0]["Status"] == "Inactive"
    assert wait_for(lambda: refusal(sts.get_caller_identity)) == ("InvalidClientTokenId", 403)

    iam.update_access_key(UserName="switch", AccessKeyId=key["AccessKeyId"], Status="Active")
    assert iam.list_access_keys(UserName="switch")["AccessKeyMetadata"][0]["Status"] == "Active"
    assert wait_for(sts.get_caller_identity)["Arn"].endswith(":user/switch")


def test_a_deleted_key_no_longer_authenticates(server, iam):
    iam.create_user(UserName="shredder")
    key = iam.create_access_key(UserName="shredder")["AccessKey"]
    sts = server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    wait_for(sts.get_caller_identity)
    iam.delete_access_key(UserName="shredder", AccessKeyId=key["AccessKeyId"])
    assert wait_for(lambda: refusal(sts.get_caller_identity)) == ("InvalidClientTokenId", 403)


def test_invalid_status_is_a_validation_error(iam):
    iam.create_user(UserName="statusy")
    key = iam.create_access_key(UserName="statusy")["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        iam.update_access_key(UserName="statusy", AccessKeyId=key, Status="Paused")
    assert error(excinfo) == ("ValidationError", 400)


def test_access_key_last_used(server, iam):
    iam.create_user(UserName="tracked")
    key = iam.create_access_key(UserName="tracked")["AccessKey"]
    unused = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert unused["UserName"] == "tracked"
    assert unused["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    assert unused["AccessKeyLastUsed"]["Region"] == "N/A"
    assert "LastUsedDate" not in unused["AccessKeyLastUsed"]

    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    sts = server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"], region="eu-west-1")
    wait_for(sts.get_caller_identity)

    def used():
        last = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        return last if last["ServiceName"] != "N/A" else None

    last = wait_for(used, timeout=3.0)
    assert last["ServiceName"] == "sts"
    assert last["Region"] == "eu-west-1"
    assert last["LastUsedDate"] >= before


def test_root_manages_its_own_keys(server, iam, account):
    root_keys = iam.list_access_keys()["AccessKeyMetadata"]
    assert account["AccessKeyId"] in [k["AccessKeyId"] for k in root_keys]

    created = iam.create_access_key()["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", created["AccessKeyId"])
    assert len(created["SecretAccessKey"]) == 40
    assert created["AccessKeyId"] in [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]]

    sts = server.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"])
    identity = wait_for(sts.get_caller_identity)
    assert identity["Arn"] == f"arn:aws:iam::{account['AccountId']}:root"
    assert identity["UserId"] == account["AccountId"]

    # The root user, like every user, has at most two keys.
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key()
    assert error(excinfo) == ("LimitExceeded", 409)

    iam.delete_access_key(AccessKeyId=created["AccessKeyId"])
    assert created["AccessKeyId"] not in [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]]
    assert wait_for(lambda: refusal(sts.get_caller_identity)) == ("InvalidClientTokenId", 403)


def test_root_cannot_reach_a_users_key_without_naming_the_user(iam):
    iam.create_user(UserName="not-root")
    key = iam.create_access_key(UserName="not-root")["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(AccessKeyId=key)  # no UserName: the root user's own keys
    assert error(excinfo) == ("NoSuchEntity", 404)
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName="not-root")["AccessKeyMetadata"]] == [key]


def test_a_user_with_no_policies_is_refused_list_users(server, iam, account):
    iam.create_user(UserName="powerless")
    key = iam.create_access_key(UserName="powerless")["AccessKey"]
    wait_for(server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"]).get_caller_identity)
    user_iam = server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    with pytest.raises(ClientError) as excinfo:
        user_iam.list_users()
    assert error(excinfo) == ("AccessDenied", 403)
    message = excinfo.value.response["Error"]["Message"]
    prefix = f"User: arn:aws:iam::{account['AccountId']}:user/powerless is not authorized to perform: iam:ListUsers on resource: "
    assert message.startswith(prefix), message
    assert message.endswith(" because no identity-based policy allows the iam:ListUsers action"), message
    # AWS names the listed path as the resource: ListUsers (PathPrefix "/") is refused "on resource:
    # arn:aws:iam::<account>:user/", as the aws CLI shows it.
    resource = message[len(prefix):].split(" because ")[0]
    assert resource == f"arn:aws:iam::{account['AccountId']}:user/", message


def test_keys_through_the_aws_cli(server, iam, account):
    creds = {"key": account["AccessKeyId"], "secret": account["SecretAccessKey"]}
    iam.create_user(UserName="cli-keys")
    created = json.loads(server.aws("iam", "create-access-key", "--user-name", "cli-keys", **creds).stdout)["AccessKey"]
    assert created["UserName"] == "cli-keys" and created["Status"] == "Active"
    listed = json.loads(server.aws("iam", "list-access-keys", "--user-name", "cli-keys", **creds).stdout)
    assert [k["AccessKeyId"] for k in listed["AccessKeyMetadata"]] == [created["AccessKeyId"]]
    identity = json.loads(server.aws("sts", "get-caller-identity", key=created["AccessKeyId"], secret=created["SecretAccessKey"]).stdout)
    assert identity["Arn"] == f"arn:aws:iam::{account['AccountId']}:user/cli-keys"
    server.aws("iam", "update-access-key", "--user-name", "cli-keys", "--access-key-id", created["AccessKeyId"], "--status", "Inactive", **creds)
    refused = server.aws("sts", "get-caller-identity", key=created["AccessKeyId"], secret=created["SecretAccessKey"], check=False)
    assert refused.returncode != 0 and "InvalidClientTokenId" in refused.stderr
