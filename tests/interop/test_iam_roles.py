"""IAM roles through boto3 and the aws CLI: trust policies, session durations, updates, tags, listing, deletion."""
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gatehouse import error, fresh_account

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
IDENTITY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}


@pytest.fixture(scope="module")
def account(server):
    return fresh_account(server, "iam-roles")


@pytest.fixture(scope="module")
def iam(server, account):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])


@pytest.fixture(scope="module")
def unchecked_iam(server, account):
    """boto3 without its client-side checks, so the server's own validation answers."""
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"], parameter_validation=False)


def test_create_role_returns_the_trust_policy_as_a_document(iam, account):
    role = iam.create_role(
        RoleName="web", Path="/service/", AssumeRolePolicyDocument=json.dumps(TRUST), Description="web servers",
        Tags=[{"Key": "tier", "Value": "web"}],
    )["Role"]
    assert role["RoleName"] == "web"
    assert role["Path"] == "/service/"
    assert role["Arn"] == f"arn:aws:iam::{account['AccountId']}:role/service/web"
    assert role["RoleId"].startswith("AROA") and len(role["RoleId"]) == 21
    assert role["AssumeRolePolicyDocument"] == TRUST  # boto3 URL-decodes and parses it
    assert role["MaxSessionDuration"] == 3600
    assert role["Description"] == "web servers"

    got = iam.get_role(RoleName="web")["Role"]
    assert got["Arn"] == role["Arn"]
    assert got["RoleId"] == role["RoleId"]
    assert got["AssumeRolePolicyDocument"] == TRUST
    assert got["MaxSessionDuration"] == 3600
    assert got["Description"] == "web servers"
    assert got["Tags"] == [{"Key": "tier", "Value": "web"}]


def test_trust_policy_with_special_characters_round_trips(iam):
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Federated",
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-aaaa-bbbb-cccc-123456789012"},
                          "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "auth & unauth+%20?"}},
        }],
    }
    role = iam.create_role(RoleName="federated", AssumeRolePolicyDocument=json.dumps(trust, indent=2))["Role"]
    assert role["AssumeRolePolicyDocument"] == trust
    assert iam.get_role(RoleName="federated")["Role"]["AssumeRolePolicyDocument"] == trust


def test_max_session_duration_bounds(iam, unchecked_iam):
    assert iam.create_role(RoleName="long", AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=43200)["Role"]["MaxSessionDuration"] == 43200
    assert iam.get_role(RoleName="long")["Role"]["MaxSessionDuration"] == 43200
    for duration in (43201, 3599):
        with pytest.raises(ClientError) as excinfo:
            unchecked_iam.create_role(RoleName=f"bad-duration-{duration}", AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=duration)
        assert error(excinfo) == ("ValidationError", 400)
        with pytest.raises(ClientError) as excinfo:
            unchecked_iam.update_role(RoleName="long", MaxSessionDuration=duration)
        assert error(excinfo) == ("ValidationError", 400)
    assert iam.get_role(RoleName="long")["Role"]["MaxSessionDuration"] == 43200


@pytest.mark.parametrize(
    "document",
    [
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]},  # no Principal
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}]},  # no Action
        {"Version": "2012-10-17", "Statement": [{"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},  # no Effect
        "{not json",
    ],
)
def test_malformed_trust_policy(iam, document):
    text = document if isinstance(document, str) else json.dumps(document)
    name = f"malformed-{uuid.uuid4().hex[:6]}"
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=text)
    assert error(excinfo) == ("MalformedPolicyDocument", 400)
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName=name)
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_update_assume_role_policy(iam, account):
    iam.create_role(RoleName="trusting", AssumeRolePolicyDocument=json.dumps(TRUST))
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account['AccountId']}:root"}, "Action": "sts:AssumeRole"}],
    }
    iam.update_assume_role_policy(RoleName="trusting", PolicyDocument=json.dumps(trust))
    assert iam.get_role(RoleName="trusting")["Role"]["AssumeRolePolicyDocument"] == trust
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    with pytest.raises(ClientError) as excinfo:
        iam.update_assume_role_policy(RoleName="trusting", PolicyDocument=json.dumps(bad))
    assert error(excinfo) == ("MalformedPolicyDocument", 400)
    assert iam.get_role(RoleName="trusting")["Role"]["AssumeRolePolicyDocument"] == trust
    with pytest.raises(ClientError) as excinfo:
        iam.update_assume_role_policy(RoleName="no-such-role", PolicyDocument=json.dumps(trust))
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_update_role(iam):
    iam.create_role(RoleName="tunable", AssumeRolePolicyDocument=json.dumps(TRUST), Description="before")
    iam.update_role(RoleName="tunable", Description="after", MaxSessionDuration=7200)
    role = iam.get_role(RoleName="tunable")["Role"]
    assert role["Description"] == "after"
    assert role["MaxSessionDuration"] == 7200
    updated = iam.update_role_description(RoleName="tunable", Description="again")["Role"]
    assert updated["Description"] == "again"
    assert iam.get_role(RoleName="tunable")["Role"]["Description"] == "again"
    with pytest.raises(ClientError) as excinfo:
        iam.update_role(RoleName="no-such-role", Description="x")
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_role_tags(iam):
    iam.create_role(RoleName="tag-me", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.tag_role(RoleName="tag-me", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    assert sorted((t["Key"], t["Value"]) for t in iam.list_role_tags(RoleName="tag-me")["Tags"]) == [("a", "1"), ("b", "2")]
    iam.untag_role(RoleName="tag-me", TagKeys=["a"])
    assert iam.list_role_tags(RoleName="tag-me")["Tags"] == [{"Key": "b", "Value": "2"}]
    assert iam.get_role(RoleName="tag-me")["Role"]["Tags"] == [{"Key": "b", "Value": "2"}]


def test_list_roles(iam):
    for i in range(5):
        iam.create_role(RoleName=f"lister-{i}", Path="/listing/", AssumeRolePolicyDocument=json.dumps(TRUST))
    first = iam.list_roles(PathPrefix="/listing/", MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Roles"]) == 2 and first["Marker"]
    paginator = iam.get_paginator("list_roles")
    roles = [r for p in paginator.paginate(PathPrefix="/listing/", PaginationConfig={"PageSize": 2}) for r in p["Roles"]]
    assert sorted(r["RoleName"] for r in roles) == [f"lister-{i}" for i in range(5)]
    assert all(r["AssumeRolePolicyDocument"] == TRUST for r in roles)
    assert "web" not in [r["RoleName"] for r in roles]


def test_duplicate_role_is_refused(iam):
    iam.create_role(RoleName="Twin", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName="twin", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert error(excinfo) == ("EntityAlreadyExists", 409)


def test_delete_role(iam):
    iam.create_role(RoleName="doomed", AssumeRolePolicyDocument=json.dumps(TRUST))
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.attach_role_policy(RoleName="doomed", PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName="doomed")
    assert error(excinfo) == ("DeleteConflict", 409)
    iam.detach_role_policy(RoleName="doomed", PolicyArn=arn)
    iam.put_role_policy(RoleName="doomed", PolicyName="inline", PolicyDocument=json.dumps(IDENTITY))
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName="doomed")
    assert error(excinfo) == ("DeleteConflict", 409)
    iam.delete_role_policy(RoleName="doomed", PolicyName="inline")
    iam.delete_role(RoleName="doomed")
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName="doomed")
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName="doomed")
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_roles_through_the_aws_cli(server, account):
    creds = {"key": account["AccessKeyId"], "secret": account["SecretAccessKey"]}
    created = json.loads(server.aws(
        "iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", json.dumps(TRUST),
        "--max-session-duration", "7200", **creds).stdout)
    assert created["Role"]["AssumeRolePolicyDocument"] == TRUST
    assert created["Role"]["MaxSessionDuration"] == 7200
    got = json.loads(server.aws("iam", "get-role", "--role-name", "cli-role", **creds).stdout)
    assert got["Role"]["Arn"] == f"arn:aws:iam::{account['AccountId']}:role/cli-role"
    assert got["Role"]["AssumeRolePolicyDocument"] == TRUST
    refused = server.aws("iam", "create-role", "--role-name", "cli-role-2", "--assume-role-policy-document", json.dumps(TRUST),
                         "--max-session-duration", "43201", check=False, **creds)
    assert refused.returncode != 0 and "ValidationError" in refused.stderr
