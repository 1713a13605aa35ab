"""IAM groups through boto3 and the aws CLI: members, renames, conflicts, the groups-per-user quota."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from gatehouse import error, fresh_account


@pytest.fixture(scope="module")
def account(server):
    return fresh_account(server, "iam-groups")


@pytest.fixture(scope="module")
def iam(server, account):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])


def test_group_lifecycle(iam, account):
    group = iam.create_group(GroupName="devs", Path="/teams/")["Group"]
    assert group["GroupName"] == "devs"
    assert group["Path"] == "/teams/"
    assert group["Arn"] == f"arn:aws:iam::{account['AccountId']}:group/teams/devs"
    assert group["GroupId"].startswith("AGPA") and len(group["GroupId"]) == 21

    for name in ("gina", "hank"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="devs", UserName=name)
    got = iam.get_group(GroupName="devs")
    assert got["Group"]["Arn"] == group["Arn"]
    assert got["Group"]["GroupId"] == group["GroupId"]
    assert sorted(u["UserName"] for u in got["Users"]) == ["gina", "hank"]
    assert got["IsTruncated"] is False
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="gina")["Groups"]] == ["devs"]
    assert "devs" in [g["GroupName"] for g in iam.list_groups()["Groups"]]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/teams/")["Groups"]] == ["devs"]

    iam.update_group(GroupName="devs", NewGroupName="developers", NewPath="/eng/")
    with pytest.raises(ClientError) as excinfo:
        iam.get_group(GroupName="devs")
    assert error(excinfo) == ("NoSuchEntity", 404)
    renamed = iam.get_group(GroupName="developers")
    assert renamed["Group"]["Arn"] == f"arn:aws:iam::{account['AccountId']}:group/eng/developers"
    assert renamed["Group"]["GroupId"] == group["GroupId"]
    assert sorted(u["UserName"] for u in renamed["Users"]) == ["gina", "hank"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="hank")["Groups"]] == ["developers"]

    with pytest.raises(ClientError) as excinfo:
        iam.delete_group(GroupName="developers")
    assert error(excinfo) == ("DeleteConflict", 409)

    iam.remove_user_from_group(GroupName="developers", UserName="gina")
    assert [u["UserName"] for u in iam.get_group(GroupName="developers")["Users"]] == ["hank"]
    assert iam.list_groups_for_user(UserName="gina")["Groups"] == []
    iam.remove_user_from_group(GroupName="developers", UserName="hank")
    iam.delete_group(GroupName="developers")
    assert "developers" not in [g["GroupName"] for g in iam.list_groups()["Groups"]]
    with pytest.raises(ClientError) as excinfo:
        iam.get_group(GroupName="developers")
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_duplicate_group_is_refused(iam):
    iam.create_group(GroupName="Ops")
    with pytest.raises(ClientError) as excinfo:
        iam.create_group(GroupName="ops")
    assert error(excinfo) == ("EntityAlreadyExists", 409)


def test_membership_errors(iam):
    iam.create_group(GroupName="lonely")
    iam.create_user(UserName="outsider")
    with pytest.raises(ClientError) as excinfo:
        iam.remove_user_from_group(GroupName="lonely", UserName="outsider")
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.add_user_to_group(GroupName="no-such-group", UserName="outsider")
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.add_user_to_group(GroupName="lonely", UserName="no-such-user")
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_delete_group_with_a_policy_is_a_conflict(iam):
    iam.create_group(GroupName="with-policy")
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.attach_group_policy(GroupName="with-policy", PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_group(GroupName="with-policy")
    assert error(excinfo) == ("DeleteConflict", 409)
    iam.detach_group_policy(GroupName="with-policy", PolicyArn=arn)
    iam.delete_group(GroupName="with-policy")


def test_eleventh_group_for_one_user_exceeds_the_quota(iam):
    iam.create_user(UserName="joiner")
    for i in range(10):
        iam.create_group(GroupName=f"club-{i}")
        iam.add_user_to_group(GroupName=f"club-{i}", UserName="joiner")
    assert len(iam.list_groups_for_user(UserName="joiner")["Groups"]) == 10
    iam.create_group(GroupName="club-10")
    with pytest.raises(ClientError) as excinfo:
        iam.add_user_to_group(GroupName="club-10", UserName="joiner")
    assert error(excinfo) == ("LimitExceeded", 409)
    assert len(iam.list_groups_for_user(UserName="joiner")["Groups"]) == 10
    assert iam.get_group(GroupName="club-10")["Users"] == []


def test_list_groups_pages(iam):
    for i in range(5):
        iam.create_group(GroupName=f"paged-{i}", Path="/paged/")
    first = iam.list_groups(PathPrefix="/paged/", MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Groups"]) == 2
    paginator = iam.get_paginator("list_groups")
    names = [g["GroupName"] for p in paginator.paginate(PathPrefix="/paged/", PaginationConfig={"PageSize": 2}) for g in p["Groups"]]
    assert sorted(names) == [f"paged-{i}" for i in range(5)]


def test_groups_through_the_aws_cli(server, iam, account):
    creds = {"key": account["AccessKeyId"], "secret": account["SecretAccessKey"]}
    created = json.loads(server.aws("iam", "create-group", "--group-name", "cli-group", **creds).stdout)
    assert created["Group"]["Arn"] == f"arn:aws:iam::{account['AccountId']}:group/cli-group"
    iam.create_user(UserName="cli-member")
    server.aws("iam", "add-user-to-group", "--group-name", "cli-group", "--user-name", "cli-member", **creds)
    got = json.loads(server.aws("iam", "get-group", "--group-name", "cli-group", **creds).stdout)
    assert [u["UserName"] for u in got["Users"]] == ["cli-member"]


def test_get_group_pages_members_in_name_order(iam):
    iam.create_group(GroupName="Pagers")
    names = ["member-e", "Member-B", "member-a", "member-d", "member-c"]
    for name in names:
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="pagers", UserName=name)
    iam.create_user(UserName="member-outside")
    paginator = iam.get_paginator("get_group")
    pages = list(paginator.paginate(GroupName="Pagers", PaginationConfig={"PageSize": 2}))
    assert [len(p["Users"]) for p in pages] == [2, 2, 1]
    assert [u["UserName"] for p in pages for u in p["Users"]] == sorted(names, key=str.lower)

    iam.update_user(UserName="member-a", NewUserName="member-z")
    iam.remove_user_from_group(GroupName="Pagers", UserName="member-c")
    got = [u["UserName"] for u in iam.get_group(GroupName="Pagers")["Users"]]
    assert got == ["Member-B", "member-d", "member-e", "member-z"]
    # A new user under a former member's name is not a member.
    iam.create_user(UserName="member-a")
    iam.create_user(UserName="member-c-2")
    iam.delete_user(UserName="member-c")
    iam.create_user(UserName="member-c")
    got = [u["UserName"] for u in iam.get_group(GroupName="Pagers")["Users"]]
    assert got == ["Member-B", "member-d", "member-e", "member-z"]
