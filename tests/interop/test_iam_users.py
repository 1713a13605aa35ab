"""IAM users through boto3 and the aws CLI: create, read, rename, delete, list, tags, boundaries, conflicts."""
import datetime
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gatehouse import error, fresh_account

DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


@pytest.fixture(scope="module")
def account(server):
    """An account of its own, so this module's users never meet another module's."""
    return fresh_account(server, "iam-users")


@pytest.fixture(scope="module")
def iam(server, account):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])


def test_create_user_with_path_and_tags(iam, account):
    tags = [{"Key": "team", "Value": "core"}, {"Key": "env", "Value": "prod"}]
    user = iam.create_user(UserName="alice", Path="/engineering/", Tags=tags)["User"]
    assert user["UserName"] == "alice"
    assert user["Path"] == "/engineering/"
    assert user["Arn"] == f"arn:aws:iam::{account['AccountId']}:user/engineering/alice"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21 and user["UserId"].isalnum()
    assert isinstance(user["CreateDate"], datetime.datetime)
    assert abs((datetime.datetime.now(datetime.timezone.utc) - user["CreateDate"]).total_seconds()) < 60
    assert sorted(user["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])

    got = iam.get_user(UserName="alice")["User"]
    for field in ("UserName", "Path", "Arn", "UserId", "CreateDate"):
        assert got[field] == user[field], field
    assert sorted(got["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])


def test_get_user_without_name_is_the_root_caller(iam, account):
    user = iam.get_user()["User"]
    assert user["Arn"] == f"arn:aws:iam::{account['AccountId']}:root"
    assert user["UserId"] == account["AccountId"]
    assert isinstance(user["CreateDate"], datetime.datetime)


def test_get_user_through_the_aws_cli(server, iam, account):
    iam.create_user(UserName="cli-reader", Path="/cli/")
    out = json.loads(server.aws("iam", "get-user", "--user-name", "cli-reader", key=account["AccessKeyId"], secret=account["SecretAccessKey"]).stdout)
    assert out["User"]["Arn"] == f"arn:aws:iam::{account['AccountId']}:user/cli/cli-reader"
    me = json.loads(server.aws("iam", "get-user", key=account["AccessKeyId"], secret=account["SecretAccessKey"]).stdout)
    assert me["User"]["Arn"] == f"arn:aws:iam::{account['AccountId']}:root"


def test_create_user_through_the_aws_cli(server, iam, account):
    creds = {"key": account["AccessKeyId"], "secret": account["SecretAccessKey"]}
    created = json.loads(server.aws("iam", "create-user", "--user-name", "cli-made", "--path", "/cli-made/", "--tags", "Key=origin,Value=cli", **creds).stdout)
    assert created["User"]["UserName"] == "cli-made"
    assert created["User"]["Tags"] == [{"Key": "origin", "Value": "cli"}]
    listed = json.loads(server.aws("iam", "list-users", "--path-prefix", "/cli-made/", **creds).stdout)
    assert [u["UserName"] for u in listed["Users"]] == ["cli-made"]
    failed = server.aws("iam", "create-user", "--user-name", "CLI-MADE", check=False, **creds)
    assert failed.returncode != 0
    assert "EntityAlreadyExists" in failed.stderr


def test_update_user_renames_and_moves(iam, account):
    before = iam.create_user(UserName="bob", Path="/old/")["User"]
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    iam.create_login_profile(UserName="bob", Password="Sturdy-Passw0rd!")
    iam.create_group(GroupName="bobs-group")
    iam.add_user_to_group(GroupName="bobs-group", UserName="bob")
    iam.update_user(UserName="bob", NewUserName="robert", NewPath="/ops/")

    after = iam.get_user(UserName="robert")["User"]
    assert after["UserName"] == "robert"
    assert after["Path"] == "/ops/"
    assert after["Arn"] == f"arn:aws:iam::{account['AccountId']}:user/ops/robert"
    assert after["UserId"] == before["UserId"]
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName="bob")
    assert error(excinfo) == ("NoSuchEntity", 404)
    # ListUsers pages in name order from keys the server keeps sorted as users are renamed.
    names = [u["UserName"] for u in iam.list_users()["Users"]]
    assert "robert" in names and "bob" not in names
    assert names == sorted(names, key=str.lower)
    # The user's credentials follow the rename.
    keys = iam.list_access_keys(UserName="robert")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["UserName"]) for k in keys] == [(key["AccessKeyId"], "robert")]
    # So do the console password and the group membership.
    assert iam.get_login_profile(UserName="robert")["LoginProfile"]["UserName"] == "robert"
    assert [u["UserName"] for u in iam.get_group(GroupName="bobs-group")["Users"]] == ["robert"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="robert")["Groups"]] == ["bobs-group"]
    iam.delete_access_key(UserName="robert", AccessKeyId=key["AccessKeyId"])
    iam.delete_login_profile(UserName="robert")
    iam.remove_user_from_group(GroupName="bobs-group", UserName="robert")
    iam.delete_user(UserName="robert")


def test_update_user_onto_an_existing_name_is_refused(iam):
    iam.create_user(UserName="dave")
    iam.create_user(UserName="erin")
    with pytest.raises(ClientError) as excinfo:
        iam.update_user(UserName="dave", NewUserName="ERIN")
    assert error(excinfo) == ("EntityAlreadyExists", 409)
    assert iam.get_user(UserName="dave")["User"]["UserName"] == "dave"


def test_delete_user(iam):
    iam.create_user(UserName="frank")
    iam.delete_user(UserName="frank")
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName="frank")
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="frank")
    assert error(excinfo) == ("NoSuchEntity", 404)
    assert "frank" not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_list_users_pages_and_filters_by_path(iam):
    names = [f"pager-{i}" for i in range(7)]
    for name in names:
        iam.create_user(UserName=name, Path="/paging/")
    iam.create_user(UserName="pager-elsewhere", Path="/paging-not/")

    seen = []
    kwargs = {"PathPrefix": "/paging/", "MaxItems": 3}
    pages = 0
    while True:
        page = iam.list_users(**kwargs)
        pages += 1
        assert len(page["Users"]) <= 3
        seen += [u["UserName"] for u in page["Users"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        assert page["Marker"]
        kwargs["Marker"] = page["Marker"]
    assert pages == 3
    assert sorted(seen) == names
    assert len(set(seen)) == len(seen)

    first = iam.list_users(PathPrefix="/paging/", MaxItems=3)
    assert first["IsTruncated"] is True and len(first["Users"]) == 3

    paginator = iam.get_paginator("list_users")
    paged = [u["UserName"] for p in paginator.paginate(PathPrefix="/paging/", PaginationConfig={"PageSize": 3}) for u in p["Users"]]
    assert sorted(paged) == names

    everyone = [u["UserName"] for p in paginator.paginate() for u in p["Users"]]
    assert set(names) | {"pager-elsewhere"} <= set(everyone)
    assert "pager-elsewhere" not in seen


def test_user_tags(iam):
    iam.create_user(UserName="tagged", Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_user(UserName="tagged", Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "one"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="tagged")["Tags"]}
    assert tags == {"a": "one", "b": "2"}
    iam.untag_user(UserName="tagged", TagKeys=["a"])
    listed = iam.list_user_tags(UserName="tagged")
    assert listed["Tags"] == [{"Key": "b", "Value": "2"}]
    assert listed["IsTruncated"] is False
    assert iam.get_user(UserName="tagged")["User"]["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as excinfo:
        iam.list_user_tags(UserName="no-such-tagged")
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_permissions_boundary_shows_in_get_user(iam):
    boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
    iam.create_user(UserName="bounded")
    assert "PermissionsBoundary" not in iam.get_user(UserName="bounded")["User"]
    iam.put_user_permissions_boundary(UserName="bounded", PermissionsBoundary=boundary)
    assert iam.get_user(UserName="bounded")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    iam.delete_user_permissions_boundary(UserName="bounded")
    assert "PermissionsBoundary" not in iam.get_user(UserName="bounded")["User"]


def test_create_user_with_a_boundary(iam):
    boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    user = iam.create_user(UserName="born-bounded", PermissionsBoundary=boundary)["User"]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary


def test_duplicate_name_is_refused_regardless_of_case(iam):
    iam.create_user(UserName="Carol")
    for name in ("Carol", "carol", "CAROL"):
        with pytest.raises(ClientError) as excinfo:
            iam.create_user(UserName=name)
        assert error(excinfo) == ("EntityAlreadyExists", 409)
    assert [u["UserName"] for u in iam.list_users()["Users"] if u["UserName"].lower() == "carol"] == ["Carol"]


@pytest.mark.parametrize("call", ["get_user", "delete_user", "list_user_tags", "list_groups_for_user", "list_access_keys"])
def test_unknown_user_is_no_such_entity(iam, call):
    with pytest.raises(ClientError) as excinfo:
        getattr(iam, call)(UserName="nobody-here")
    assert error(excinfo) == ("NoSuchEntity", 404)
    assert "nobody-here" in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize("name", ["bad name!", "x" * 65, "slash/name", "semi;colon"])
def test_invalid_user_name_is_a_validation_error(iam, name):
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName=name)
    assert error(excinfo) == ("ValidationError", 400)


@pytest.mark.parametrize("name", ["m\u00fcller", "\u0436\u0443\u043a", "\u540d\u524d"], ids=["latin", "cyrillic", "cjk"])
def test_non_ascii_user_name_is_a_validation_error(iam, name):
    # The model's pattern [\w+=,.@-]+ is a Java / ECMA-262 expression, where \w is [A-Za-z0-9_] only: AWS refuses
    # letters outside ASCII ("upper and lowercase alphanumeric characters with no spaces ... _+=,.@-",
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html).
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName=name)
    assert error(excinfo) == ("ValidationError", 400)


def test_tag_quota(iam):
    iam.create_user(UserName="tag-hoarder", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as excinfo:
        iam.tag_user(UserName="tag-hoarder", Tags=[{"Key": "one-too-many", "Value": "v"}])
    assert error(excinfo) == ("LimitExceeded", 409)
    assert len(iam.list_user_tags(UserName="tag-hoarder")["Tags"]) == 50
    iam.tag_user(UserName="tag-hoarder", Tags=[{"Key": "k0", "Value": "replaced"}])  # replacing a value adds no tag
    assert {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="tag-hoarder")["Tags"]}["k0"] == "replaced"


def test_longest_valid_name_and_allowed_symbols(iam):
    for name in ("y" * 64, "a+b=c,d.e@f-g_h"):
        assert iam.create_user(UserName=name)["User"]["UserName"] == name


@pytest.mark.parametrize("path", ["no-slashes", "/missing-end", "/bad path/"])
def test_invalid_path_is_a_validation_error(iam, path):
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName=f"pathy-{uuid.uuid4().hex[:6]}", Path=path)
    assert error(excinfo) == ("ValidationError", 400)


def _access_key(iam, name):
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    return lambda: iam.delete_access_key(UserName=name, AccessKeyId=key)


def _login_profile(iam, name):
    iam.create_login_profile(UserName=name, Password="Sturdy-Passw0rd!")
    return lambda: iam.delete_login_profile(UserName=name)


def _attached_policy(iam, name):
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    return lambda: iam.detach_user_policy(UserName=name, PolicyArn=arn)


def _inline_policy(iam, name):
    iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps(DOCUMENT))
    return lambda: iam.delete_user_policy(UserName=name, PolicyName="inline")


def _group_membership(iam, name):
    group = f"grp-{name}"
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=name)
    return lambda: iam.remove_user_from_group(GroupName=group, UserName=name)


@pytest.mark.parametrize("dependency", [_access_key, _login_profile, _attached_policy, _inline_policy, _group_membership])
def test_delete_user_with_attachments_is_a_conflict(iam, dependency):
    name = f"dep-{dependency.__name__.strip('_').replace('_', '-')}"
    iam.create_user(UserName=name)
    remove = dependency(iam, name)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error(excinfo) == ("DeleteConflict", 409)
    assert iam.get_user(UserName=name)["User"]["UserName"] == name
    remove()
    iam.delete_user(UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName=name)
    assert error(excinfo) == ("NoSuchEntity", 404)
