"""Account-level IAM: the account alias, GetAccountSummary, and the audit trail of IAM calls."""
import datetime
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gatehouse import create_account, wait_for, error

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def new_account(server, prefix):
    created = create_account(server.data_dir, f"{prefix}-{uuid.uuid4().hex[:8]}@example.com", prefix)
    wait_for(lambda: server.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"]).get_caller_identity())
    return created


def clients(server, account, *services):
    return [server.client(s, key=account["AccessKeyId"], secret=account["SecretAccessKey"]) for s in services]


@pytest.fixture(scope="module")
def account(server):
    return new_account(server, "iam-account")


@pytest.fixture(scope="module")
def iam(server, account):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])


# The account alias


def test_alias_lifecycle(iam):
    assert iam.list_account_aliases()["AccountAliases"] == []
    first = f"acme-{uuid.uuid4().hex[:8]}"
    iam.create_account_alias(AccountAlias=first)
    listed = iam.list_account_aliases()
    assert listed["AccountAliases"] == [first]
    assert listed["IsTruncated"] is False

    # An account has one alias: a new one overwrites the previous one
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/console-account-alias.html).
    second = f"acme-two-{uuid.uuid4().hex[:8]}"
    iam.create_account_alias(AccountAlias=second)
    assert iam.list_account_aliases()["AccountAliases"] == [second]

    with pytest.raises(ClientError) as excinfo:
        iam.delete_account_alias(AccountAlias=first)
    assert error(excinfo) == ("NoSuchEntity", 404)
    iam.delete_account_alias(AccountAlias=second)
    assert iam.list_account_aliases()["AccountAliases"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.delete_account_alias(AccountAlias=second)
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_replaced_alias_is_free_for_another_account(server, iam):
    old, new = f"old-{uuid.uuid4().hex[:8]}", f"new-{uuid.uuid4().hex[:8]}"
    iam.create_account_alias(AccountAlias=old)
    iam.create_account_alias(AccountAlias=new)
    (other_iam,) = clients(server, new_account(server, "alias-free"), "iam")
    other_iam.create_account_alias(AccountAlias=old)
    assert other_iam.list_account_aliases()["AccountAliases"] == [old]
    iam.delete_account_alias(AccountAlias=new)


def test_an_alias_taken_by_another_account(server, iam):
    alias = f"taken-{uuid.uuid4().hex[:8]}"
    (other_iam,) = clients(server, new_account(server, "alias-owner"), "iam")
    other_iam.create_account_alias(AccountAlias=alias)
    with pytest.raises(ClientError) as excinfo:
        iam.create_account_alias(AccountAlias=alias)
    assert error(excinfo) == ("EntityAlreadyExists", 409)
    assert alias not in iam.list_account_aliases()["AccountAliases"]
    assert other_iam.list_account_aliases()["AccountAliases"] == [alias]


@pytest.mark.parametrize("alias", ["UpperCase", "double--dash", "-leading", "trailing-", "under_score"])
def test_invalid_alias_is_a_validation_error(iam, alias):
    with pytest.raises(ClientError) as excinfo:
        iam.create_account_alias(AccountAlias=alias)
    assert error(excinfo) == ("ValidationError", 400)


def test_alias_through_the_aws_cli(server, account):
    creds = {"key": account["AccessKeyId"], "secret": account["SecretAccessKey"]}
    alias = f"cli-{uuid.uuid4().hex[:8]}"
    server.aws("iam", "create-account-alias", "--account-alias", alias, **creds)
    assert json.loads(server.aws("iam", "list-account-aliases", **creds).stdout)["AccountAliases"] == [alias]
    server.aws("iam", "delete-account-alias", "--account-alias", alias, **creds)
    assert json.loads(server.aws("iam", "list-account-aliases", **creds).stdout)["AccountAliases"] == []


# GetAccountSummary


def test_account_summary_counts(server):
    acct = new_account(server, "summary")
    (iam,) = clients(server, acct, "iam")
    summary = iam.get_account_summary()["SummaryMap"]
    assert (summary["Users"], summary["Groups"], summary["Roles"], summary["Policies"]) == (0, 0, 0, 0)
    assert summary["AccountMFAEnabled"] == 0
    assert summary["AccountAccessKeysPresent"] == 1
    assert summary["UsersQuota"] > 0 and summary["AccessKeysPerUserQuota"] == 2

    for name in ("s1", "s2", "s3"):
        iam.create_user(UserName=name)
    for name in ("g1", "g2"):
        iam.create_group(GroupName=name)
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_policy(PolicyName="p1", PolicyDocument=json.dumps(DOCUMENT))
    iam.create_policy(PolicyName="p2", PolicyDocument=json.dumps(DOCUMENT))
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 3 == len(iam.list_users()["Users"])
    assert summary["Groups"] == 2 == len(iam.list_groups()["Groups"])
    assert summary["Roles"] == 1 == len(iam.list_roles()["Roles"])
    assert summary["Policies"] == 2 == len(iam.list_policies(Scope="Local")["Policies"])
    assert summary["PolicyVersionsInUse"] == 0
    p1 = next(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == "p1")
    iam.attach_user_policy(UserName="s1", PolicyArn=p1)
    iam.attach_group_policy(GroupName="g1", PolicyArn=p1)
    iam.attach_role_policy(RoleName="r1", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert iam.get_account_summary()["SummaryMap"]["PolicyVersionsInUse"] == 3
    iam.detach_user_policy(UserName="s1", PolicyArn=p1)
    assert iam.get_account_summary()["SummaryMap"]["PolicyVersionsInUse"] == 2

    iam.delete_user(UserName="s3")
    iam.delete_group(GroupName="g2")
    assert iam.get_account_summary()["SummaryMap"]["Users"] == 2
    assert iam.get_account_summary()["SummaryMap"]["Groups"] == 1


def test_account_access_keys_present_follows_the_root_keys(server):
    acct = new_account(server, "root-keys")
    (iam,) = clients(server, acct, "iam")
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1
    # A user's key is not a root key.
    iam.create_user(UserName="not-root")
    iam.create_access_key(UserName="not-root")
    # Swap the root key for a new one: still present.
    replacement = iam.create_access_key()["AccessKey"]
    iam2 = server.client("iam", key=replacement["AccessKeyId"], secret=replacement["SecretAccessKey"])
    wait_for(iam2.get_account_summary)
    iam2.delete_access_key(AccessKeyId=acct["AccessKeyId"])
    assert [k["AccessKeyId"] for k in iam2.list_access_keys()["AccessKeyMetadata"]] == [replacement["AccessKeyId"]]
    assert iam2.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1
    # With no root key left, no long-term credential of this account can call GetAccountSummary (the IAM user has
    # no policies, and GetSessionToken credentials cannot call IAM without MFA on AWS; see the next test), so the
    # value 0 is not observable through the AWS API here.


def test_session_credentials_without_mfa_cannot_call_iam(server):
    # AWS: "You cannot call any IAM API operations unless MFA authentication information is included in the
    # request" (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html); IAM answers
    # InvalidClientTokenId, 403 (https://github.com/99designs/aws-vault/issues/1056).
    acct = new_account(server, "session-iam")
    (sts,) = clients(server, acct, "sts")
    credentials = sts.get_session_token()["Credentials"]
    session_iam = server.client("iam", key=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"], token=credentials["SessionToken"])
    session_sts = server.client("sts", key=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"], token=credentials["SessionToken"])
    assert session_sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{acct['AccountId']}:root"
    with pytest.raises(ClientError) as excinfo:
        session_iam.get_account_summary()
    assert error(excinfo) == ("InvalidClientTokenId", 403)
    with pytest.raises(ClientError) as excinfo:
        session_iam.create_user(UserName="via-session")
    assert error(excinfo) == ("InvalidClientTokenId", 403)


# The audit trail of IAM calls


def test_create_user_is_in_the_trail_at_once(server):
    acct = new_account(server, "iam-trail")
    iam, cloudtrail = clients(server, acct, "iam", "cloudtrail")
    request_id = iam.create_user(UserName="audited")["ResponseMetadata"]["RequestId"]
    # No waiting: a state-changing call commits its event with the change.
    events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
    (event,) = [e for e in events if json.loads(e["CloudTrailEvent"])["requestID"] == request_id]
    assert event["EventName"] == "CreateUser"
    assert event["EventSource"] == "iam.amazonaws.com"
    assert event["ReadOnly"] == "false"
    assert event["Username"] == "root"
    assert event["AccessKeyId"] == acct["AccessKeyId"]
    record = json.loads(event["CloudTrailEvent"])
    assert record["eventSource"] == "iam.amazonaws.com"
    assert record["readOnly"] is False
    assert record["eventType"] == "AwsApiCall"
    assert record["recipientAccountId"] == acct["AccountId"]
    assert record["userIdentity"]["arn"] == f"arn:aws:iam::{acct['AccountId']}:root"
    assert "errorCode" not in record


def test_iam_record_parameters_are_named_as_cloudtrail_names_them(server):
    # CloudTrail's IAM example records: "requestParameters": {"userName": "Bob"}, "responseElements": {"user":
    # {"userName": "Bob", "arn": ..., "path": "/", "userId": ...}}
    # (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html#cloudtrail-log-file-examples-iam).
    acct = new_account(server, "iam-trail-names")
    iam, cloudtrail = clients(server, acct, "iam", "cloudtrail")
    created = iam.create_user(UserName="Bob")["User"]["CreateDate"]
    (event,) = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
    record = json.loads(event["CloudTrailEvent"])
    assert record["requestParameters"] == {"userName": "Bob"}
    assert record["responseElements"]["user"]["userName"] == "Bob"
    assert record["responseElements"]["user"]["arn"] == f"arn:aws:iam::{acct['AccountId']}:user/Bob"
    # Timestamps in a record are written as CloudTrail writes them: "createDate": "Jul 9, 2018 12:56:54 PM" (UTC).
    written = datetime.datetime.strptime(record["responseElements"]["user"]["createDate"], "%b %d, %Y %I:%M:%S %p")
    assert written.replace(tzinfo=datetime.timezone.utc) == created.replace(microsecond=0)


def test_refused_iam_calls_are_in_the_trail(server):
    acct = new_account(server, "iam-trail-refused")
    iam, cloudtrail = clients(server, acct, "iam", "cloudtrail")
    with pytest.raises(ClientError):
        iam.get_user(UserName="ghost")
    with pytest.raises(ClientError):
        iam.create_user(UserName="bad name!")

    def find(name, code):
        events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])["Events"]
        return [e for e in events if json.loads(e["CloudTrailEvent"]).get("errorCode") == code]

    (got,) = wait_for(lambda: find("GetUser", "NoSuchEntity"), timeout=2.0)
    assert got["ReadOnly"] == "true"
    assert wait_for(lambda: find("CreateUser", "ValidationError"), timeout=2.0)


def test_secrets_never_enter_the_trail(server):
    acct = new_account(server, "iam-trail-secrets")
    iam, cloudtrail = clients(server, acct, "iam", "cloudtrail")
    password, new_password = "Hush-Hush-Passw0rd!", "Quieter-Passw0rd!"
    iam.create_user(UserName="secretive")
    iam.create_login_profile(UserName="secretive", Password=password)
    iam.update_login_profile(UserName="secretive", Password=new_password)
    user_key = iam.create_access_key(UserName="secretive")["AccessKey"]
    root_key = iam.create_access_key()["AccessKey"]

    events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "iam.amazonaws.com"}], MaxResults=50)["Events"]
    names = {e["EventName"] for e in events}
    assert {"CreateLoginProfile", "UpdateLoginProfile", "CreateAccessKey"} <= names
    secrets = [password, new_password, user_key["SecretAccessKey"], root_key["SecretAccessKey"], acct["SecretAccessKey"]]
    for event in events:
        for secret in secrets:
            assert secret not in event["CloudTrailEvent"], event["EventName"]
    access_key_events = [json.loads(e["CloudTrailEvent"]) for e in events if e["EventName"] == "CreateAccessKey"]
    assert len(access_key_events) == 2
    for record in access_key_events:
        assert record["responseElements"], "the new key's ID belongs in the record"
        assert user_key["AccessKeyId"] in json.dumps(record) or root_key["AccessKeyId"] in json.dumps(record)
