"""IAM managed policies (AWS managed and customer managed, versions, attachments) and inline policies."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from gatehouse import error, fresh_account

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}

# The AWS managed policies Gatehouse ships, with the paths AWS gives them.
AWS_MANAGED = {
    "AdministratorAccess": "/",
    "PowerUserAccess": "/",
    "ReadOnlyAccess": "/",
    "ViewOnlyAccess": "/job-function/",
    "SecurityAudit": "/",
    "IAMFullAccess": "/",
    "IAMReadOnlyAccess": "/",
    "IAMUserChangePassword": "/",
    "Billing": "/job-function/",
}


def aws_arn(name):
    return f"arn:aws:iam::aws:policy{AWS_MANAGED[name]}{name}"


def document(*actions, resource="*"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}


@pytest.fixture(scope="module")
def account(server):
    return fresh_account(server, "iam-policies")


@pytest.fixture(scope="module")
def iam(server, account):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"])


def all_policies(iam, **kwargs):
    paginator = iam.get_paginator("list_policies")
    return [p for page in paginator.paginate(**kwargs) for p in page["Policies"]]


# AWS managed policies


def test_aws_managed_policies_are_listed(iam):
    policies = {p["PolicyName"]: p for p in all_policies(iam, Scope="AWS")}
    for name, path in AWS_MANAGED.items():
        assert name in policies, name
        assert policies[name]["Arn"] == aws_arn(name)
        assert policies[name]["Path"] == path
        assert policies[name]["IsAttachable"] is True
        assert policies[name]["DefaultVersionId"].startswith("v")
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in policies.values())
    job_functions = {p["PolicyName"] for p in all_policies(iam, Scope="AWS", PathPrefix="/job-function/")}
    assert {"ViewOnlyAccess", "Billing"} <= job_functions
    assert "AdministratorAccess" not in job_functions


def test_the_aws_catalogue_is_awss(iam, account, server):
    """All of AWS's managed policies, each with AWS's document: CIS 1.16's AWSSupportAccess can be attached."""
    policies = {p["PolicyName"]: p for p in all_policies(iam, Scope="AWS")}
    assert len(policies) >= 1400
    for name in ("AWSSupportAccess", "AWSCloudShellFullAccess", "SecurityAudit", "ReadOnlyAccess"):
        assert name in policies, name
    assert policies["AWSSupportAccess"]["Arn"] == "arn:aws:iam::aws:policy/AWSSupportAccess"
    support = iam.get_policy_version(PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess", VersionId=policies["AWSSupportAccess"]["DefaultVersionId"])
    assert "support:*" in support["PolicyVersion"]["Document"]["Statement"][0]["Action"]
    service_roles = {p["PolicyName"] for p in all_policies(iam, Scope="AWS", PathPrefix="/service-role/")}
    assert len(service_roles) > 100
    iam.create_group(GroupName="support")
    iam.attach_group_policy(GroupName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    entities = iam.list_entities_for_policy(PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["support"]
    # ReadOnlyAccess is AWS's document: it reads IAM and does not write it.
    iam.create_user(UserName="auditor")
    iam.attach_user_policy(UserName="auditor", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    auditor = server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    auditor.list_users()
    auditor.get_account_summary()
    with pytest.raises(ClientError):
        auditor.create_user(UserName="not-by-an-auditor")


@pytest.mark.parametrize("name", sorted(AWS_MANAGED))
def test_get_aws_managed_policy_and_its_document(iam, name):
    policy = iam.get_policy(PolicyArn=aws_arn(name))["Policy"]
    assert policy["PolicyName"] == name
    assert policy["Arn"] == aws_arn(name)
    assert policy["Path"] == AWS_MANAGED[name]
    assert policy["PolicyId"].startswith("ANPA")
    version = iam.get_policy_version(PolicyArn=aws_arn(name), VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    assert version["VersionId"] == policy["DefaultVersionId"]
    doc = version["Document"]
    assert isinstance(doc, dict)  # boto3 URL-decodes and parses it
    assert doc["Version"] == "2012-10-17"
    assert doc["Statement"] and all(s["Effect"] == "Allow" for s in doc["Statement"])


def test_administrator_access_allows_everything(iam):
    doc = iam.get_policy_version(PolicyArn=aws_arn("AdministratorAccess"), VersionId="v1")["PolicyVersion"]["Document"]
    assert doc["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


def test_aws_managed_policy_cannot_be_modified(iam):
    arn = aws_arn("AdministratorAccess")
    before = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document("s3:GetObject")), SetAsDefault=True)
    assert 400 <= excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert 400 <= excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    after = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in after] == [(v["VersionId"], v["IsDefaultVersion"]) for v in before]
    doc = iam.get_policy_version(PolicyArn=arn, VersionId=iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"])["PolicyVersion"]["Document"]
    assert doc["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


# Customer managed policies


def test_create_and_read_a_customer_policy(iam, account):
    doc = document("s3:GetObject", "s3:PutObject", resource="arn:aws:s3:::bucket/*")
    policy = iam.create_policy(PolicyName="s3-rw", Path="/custom/", PolicyDocument=json.dumps(doc), Description="bucket access")["Policy"]
    arn = f"arn:aws:iam::{account['AccountId']}:policy/custom/s3-rw"
    assert policy["Arn"] == arn
    assert policy["PolicyName"] == "s3-rw"
    assert policy["Path"] == "/custom/"
    assert policy["DefaultVersionId"] == "v1"
    assert policy["AttachmentCount"] == 0
    assert policy["IsAttachable"] is True
    assert policy["PolicyId"].startswith("ANPA") and len(policy["PolicyId"]) == 21

    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert got["PolicyId"] == policy["PolicyId"]
    assert got["Description"] == "bucket access"
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == doc

    local = {p["Arn"] for p in all_policies(iam, Scope="Local")}
    assert arn in local
    assert all(a.startswith(f"arn:aws:iam::{account['AccountId']}:policy/") for a in local)
    assert arn not in {p["Arn"] for p in all_policies(iam, Scope="AWS")}
    assert arn in {p["Arn"] for p in all_policies(iam, Scope="All")}
    assert arn in {p["Arn"] for p in all_policies(iam, Scope="Local", PathPrefix="/custom/")}

    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName="s3-rw", PolicyDocument=json.dumps(doc))
    assert error(excinfo) == ("EntityAlreadyExists", 409)


def test_policy_versions(iam, account):
    arn = iam.create_policy(PolicyName="versioned", PolicyDocument=json.dumps(document("s3:GetObject")))["Policy"]["Arn"]
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document("s3:ListBucket")))["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"] is False
    v3 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document("s3:PutObject")), SetAsDefault=True)["PolicyVersion"]
    assert v3["VersionId"] == "v3" and v3["IsDefaultVersion"] is True
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    for action in ("s3:DeleteObject", "s3:GetBucketPolicy"):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document(action)))
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document("s3:GetBucketAcl")))
    assert error(excinfo) == ("LimitExceeded", 409)

    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v1", "v2", "v3", "v4", "v5"]
    assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v3"]
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["Document"] == document("s3:ListBucket")

    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v5"
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v5")["PolicyVersion"]["IsDefaultVersion"] is True
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]["IsDefaultVersion"] is False

    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v5")
    assert error(excinfo) == ("DeleteConflict", 409)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]) == ["v1", "v3", "v4", "v5"]
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy_version(PolicyArn=arn, VersionId="v2")
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
    assert error(excinfo) == ("NoSuchEntity", 404)
    # Version IDs are never reused: the next one is v6.
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document("s3:GetObjectAcl")))["PolicyVersion"]["VersionId"] == "v6"

    # A policy with versions other than the default cannot be deleted.
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error(excinfo) == ("DeleteConflict", 409)
    for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
        if not version["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=arn)
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_list_policy_versions_pages(iam):
    arn = iam.create_policy(PolicyName="many-versions", PolicyDocument=json.dumps(document("s3:GetObject")))["Policy"]["Arn"]
    for action in ("s3:ListBucket", "s3:PutObject", "s3:DeleteObject", "s3:GetBucketAcl"):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document(action)))
    seen = []
    kwargs = {"PolicyArn": arn, "MaxItems": 2}
    for _ in range(5):
        page = iam.list_policy_versions(**kwargs)
        assert len(page["Versions"]) <= 2
        seen += [v["VersionId"] for v in page["Versions"]]
        if not page["IsTruncated"]:
            break
        kwargs["Marker"] = page["Marker"]
    assert sorted(seen) == ["v1", "v2", "v3", "v4", "v5"]
    paginator = iam.get_paginator("list_policy_versions")
    paged = [v["VersionId"] for p in paginator.paginate(PolicyArn=arn, PaginationConfig={"PageSize": 2, "MaxItems": 20}) for v in p["Versions"]]
    assert sorted(paged) == ["v1", "v2", "v3", "v4", "v5"]


def test_attach_detach_and_list_for_user_group_and_role(iam, account):
    arn = iam.create_policy(PolicyName="shared", PolicyDocument=json.dumps(document("sqs:SendMessage")))["Policy"]["Arn"]
    unattached = iam.create_policy(PolicyName="never-attached", PolicyDocument=json.dumps(document("sqs:ReceiveMessage")))["Policy"]["Arn"]
    iam.create_user(UserName="holder-user")
    iam.create_group(GroupName="holder-group")
    iam.create_role(RoleName="holder-role", AssumeRolePolicyDocument=json.dumps(TRUST))

    iam.attach_user_policy(UserName="holder-user", PolicyArn=arn)
    iam.attach_user_policy(UserName="holder-user", PolicyArn=arn)  # attaching twice is a no-op
    iam.attach_group_policy(GroupName="holder-group", PolicyArn=arn)
    iam.attach_role_policy(RoleName="holder-role", PolicyArn=arn)
    iam.attach_role_policy(RoleName="holder-role", PolicyArn=aws_arn("ReadOnlyAccess"))

    expected = {"PolicyName": "shared", "PolicyArn": arn}
    assert iam.list_attached_user_policies(UserName="holder-user")["AttachedPolicies"] == [expected]
    assert iam.list_attached_group_policies(GroupName="holder-group")["AttachedPolicies"] == [expected]
    role_policies = iam.list_attached_role_policies(RoleName="holder-role")["AttachedPolicies"]
    assert sorted(role_policies, key=lambda p: p["PolicyName"]) == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": aws_arn("ReadOnlyAccess")}, expected]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3

    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["holder-user"]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["holder-group"]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["holder-role"]
    assert entities["PolicyUsers"][0]["UserId"] == iam.get_user(UserName="holder-user")["User"]["UserId"]
    only_roles = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
    assert [r["RoleName"] for r in only_roles["PolicyRoles"]] == ["holder-role"]
    assert only_roles["PolicyUsers"] == [] and only_roles["PolicyGroups"] == []

    attached = {p["Arn"]: p for p in all_policies(iam, Scope="Local", OnlyAttached=True)}
    assert arn in attached and attached[arn]["AttachmentCount"] == 3
    assert unattached not in attached
    assert aws_arn("ReadOnlyAccess") in {p["Arn"] for p in all_policies(iam, Scope="AWS", OnlyAttached=True)}

    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error(excinfo) == ("DeleteConflict", 409)

    iam.detach_user_policy(UserName="holder-user", PolicyArn=arn)
    iam.detach_group_policy(GroupName="holder-group", PolicyArn=arn)
    iam.detach_role_policy(RoleName="holder-role", PolicyArn=arn)
    assert iam.list_attached_user_policies(UserName="holder-user")["AttachedPolicies"] == []
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
    with pytest.raises(ClientError) as excinfo:
        iam.detach_user_policy(UserName="holder-user", PolicyArn=arn)
    assert error(excinfo) == ("NoSuchEntity", 404)
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=arn)
    assert error(excinfo) == ("NoSuchEntity", 404)


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_attach_a_policy_that_does_not_exist(iam, account, kind):
    name = f"attach-missing-{kind}"
    if kind == "role":
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    else:
        getattr(iam, f"create_{kind}")(**{f"{kind.capitalize()}Name": name})
    attach = getattr(iam, f"attach_{kind}_policy")
    for arn in (f"arn:aws:iam::{account['AccountId']}:policy/does-not-exist", "arn:aws:iam::aws:policy/NoSuchManagedPolicy"):
        with pytest.raises(ClientError) as excinfo:
            attach(**{f"{kind.capitalize()}Name": name, "PolicyArn": arn})
        assert error(excinfo) == ("NoSuchEntity", 404)
    listed = getattr(iam, f"list_attached_{kind}_policies")(**{f"{kind.capitalize()}Name": name})
    assert listed["AttachedPolicies"] == []


def test_attach_to_a_missing_user_is_no_such_entity(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.attach_user_policy(UserName="no-such-holder", PolicyArn=aws_arn("ReadOnlyAccess"))
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_eleventh_attached_policy_exceeds_the_quota(iam):
    iam.create_user(UserName="collector")
    arns = [aws_arn(name) for name in sorted(AWS_MANAGED)]
    arns.append(iam.create_policy(PolicyName="tenth", PolicyDocument=json.dumps(document("sns:Publish")))["Policy"]["Arn"])
    eleventh = iam.create_policy(PolicyName="eleventh", PolicyDocument=json.dumps(document("sns:Subscribe")))["Policy"]["Arn"]
    for arn in arns:
        iam.attach_user_policy(UserName="collector", PolicyArn=arn)
    assert len(iam.list_attached_user_policies(UserName="collector")["AttachedPolicies"]) == 10
    with pytest.raises(ClientError) as excinfo:
        iam.attach_user_policy(UserName="collector", PolicyArn=eleventh)
    assert error(excinfo) == ("LimitExceeded", 409)
    assert eleventh not in [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="collector")["AttachedPolicies"]]


MALFORMED = {
    "missing-effect": json.dumps({"Version": "2012-10-17", "Statement": [{"Action": "s3:GetObject", "Resource": "*"}]}),
    "bad-action": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}),
    "principal-in-identity-policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"}]}),
    "invalid-json": '{"Version": "2012-10-17", "Statement": [',
    "bad-effect": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"}]}),
    "no-statement": json.dumps({"Version": "2012-10-17"}),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_documents_are_refused(iam, account, case):
    text = MALFORMED[case]
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName=f"malformed-{case}", PolicyDocument=text)
    assert error(excinfo) == ("MalformedPolicyDocument", 400)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=f"arn:aws:iam::{account['AccountId']}:policy/malformed-{case}")
    assert error(excinfo) == ("NoSuchEntity", 404)

    iam.create_user(UserName=f"malformed-{case}")
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName=f"malformed-{case}", PolicyName="inline", PolicyDocument=text)
    assert error(excinfo) == ("MalformedPolicyDocument", 400)
    assert iam.list_user_policies(UserName=f"malformed-{case}")["PolicyNames"] == []


def test_malformed_new_version_is_refused(iam):
    arn = iam.create_policy(PolicyName="guarded", PolicyDocument=json.dumps(document("s3:GetObject")))["Policy"]["Arn"]
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=MALFORMED["missing-effect"], SetAsDefault=True)
    assert error(excinfo) == ("MalformedPolicyDocument", 400)
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]


# Inline policies


def _holder(iam, kind, name):
    if kind == "role":
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    else:
        getattr(iam, f"create_{kind}")(**{f"{kind.capitalize()}Name": name})
    return {f"{kind.capitalize()}Name": name}


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_inline_policies(iam, kind):
    holder = _holder(iam, kind, f"inline-{kind}")
    put, get = getattr(iam, f"put_{kind}_policy"), getattr(iam, f"get_{kind}_policy")
    listed, delete = getattr(iam, f"list_{kind}_policies"), getattr(iam, f"delete_{kind}_policy")

    first = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket/a b+c%d&e=f/*",
                       "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}],
    }
    put(**holder, PolicyName="read", PolicyDocument=json.dumps(first, indent=4))
    put(**holder, PolicyName="write", PolicyDocument=json.dumps(document("s3:PutObject")))
    got = get(**holder, PolicyName="read")
    assert got["PolicyName"] == "read"
    assert got[f"{kind.capitalize()}Name"] == f"inline-{kind}"
    assert got["PolicyDocument"] == first  # the document round-trips, special characters included
    assert sorted(listed(**holder)["PolicyNames"]) == ["read", "write"]

    put(**holder, PolicyName="read", PolicyDocument=json.dumps(document("s3:GetObjectVersion")))
    assert get(**holder, PolicyName="read")["PolicyDocument"] == document("s3:GetObjectVersion")
    assert sorted(listed(**holder)["PolicyNames"]) == ["read", "write"]

    delete(**holder, PolicyName="read")
    assert listed(**holder)["PolicyNames"] == ["write"]
    with pytest.raises(ClientError) as excinfo:
        get(**holder, PolicyName="read")
    assert error(excinfo) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        delete(**holder, PolicyName="read")
    assert error(excinfo) == ("NoSuchEntity", 404)


def _sized_document(size):
    """A valid identity policy of exactly `size` non-white-space characters."""
    base = json.dumps(document("s3:GetObject", resource=["arn:aws:s3:::b/"]), separators=(",", ":"))
    return base.replace("arn:aws:s3:::b/", "arn:aws:s3:::b/" + "k" * (size - len(base)))


def test_oversize_user_inline_policy_exceeds_the_quota(iam):
    iam.create_user(UserName="verbose")
    too_big = _sized_document(2049)
    assert len(too_big) == 2049
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName="verbose", PolicyName="big", PolicyDocument=too_big)
    assert error(excinfo) == ("LimitExceeded", 409)
    assert iam.list_user_policies(UserName="verbose")["PolicyNames"] == []


def test_white_space_does_not_count_toward_the_inline_quota(iam):
    iam.create_user(UserName="airy")
    fits = _sized_document(2000)
    padded = fits.replace(",", ",\n" + " " * 60).replace("{", "{\n\t\t")
    assert len(padded) > 2048
    iam.put_user_policy(UserName="airy", PolicyName="padded", PolicyDocument=padded)
    assert iam.get_user_policy(UserName="airy", PolicyName="padded")["PolicyDocument"] == json.loads(fits)


def test_user_inline_quota_is_the_sum_of_all_inline_policies(iam):
    iam.create_user(UserName="hoarder")
    iam.put_user_policy(UserName="hoarder", PolicyName="one", PolicyDocument=_sized_document(1200))
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName="hoarder", PolicyName="two", PolicyDocument=_sized_document(1200))
    assert error(excinfo) == ("LimitExceeded", 409)
    assert iam.list_user_policies(UserName="hoarder")["PolicyNames"] == ["one"]


@pytest.mark.parametrize("kind, quota", [("group", 5120), ("role", 10240)])
def test_group_and_role_inline_quotas(iam, kind, quota):
    holder = _holder(iam, kind, f"quota-{kind}")
    put = getattr(iam, f"put_{kind}_policy")
    put(**holder, PolicyName="at-quota", PolicyDocument=_sized_document(quota))
    getattr(iam, f"delete_{kind}_policy")(**holder, PolicyName="at-quota")
    with pytest.raises(ClientError) as excinfo:
        put(**holder, PolicyName="over-quota", PolicyDocument=_sized_document(quota + 1))
    assert error(excinfo) == ("LimitExceeded", 409)
    assert getattr(iam, f"list_{kind}_policies")(**holder)["PolicyNames"] == []


def test_managed_policy_size_quota(iam, account):
    iam.create_policy(PolicyName="at-size-quota", PolicyDocument=_sized_document(6144))
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName="over-size-quota", PolicyDocument=_sized_document(6145))
    assert error(excinfo) == ("LimitExceeded", 409)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=f"arn:aws:iam::{account['AccountId']}:policy/over-size-quota")
    assert error(excinfo) == ("NoSuchEntity", 404)


def test_policies_through_the_aws_cli(server, account):
    creds = {"key": account["AccessKeyId"], "secret": account["SecretAccessKey"]}
    listed = json.loads(server.aws("iam", "list-policies", "--scope", "AWS", "--path-prefix", "/job-function/", **creds).stdout)
    assert {"ViewOnlyAccess", "Billing"} <= {p["PolicyName"] for p in listed["Policies"]}
    doc = document("dynamodb:GetItem")
    created = json.loads(server.aws("iam", "create-policy", "--policy-name", "cli-policy", "--policy-document", json.dumps(doc), **creds).stdout)
    arn = created["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{account['AccountId']}:policy/cli-policy"
    version = json.loads(server.aws("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1", **creds).stdout)
    assert version["PolicyVersion"]["Document"] == doc


def test_attachment_count_follows_renames_and_deletions(iam):
    arn = iam.create_policy(PolicyName="counted", PolicyDocument=json.dumps(document("sqs:SendMessage")))["Policy"]["Arn"]
    for name in ("counted-a", "counted-b"):
        iam.create_user(UserName=name)
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    iam.create_group(GroupName="counted-group")
    iam.attach_group_policy(GroupName="counted-group", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3

    iam.update_user(UserName="counted-a", NewUserName="counted-renamed")
    iam.update_group(GroupName="counted-group", NewGroupName="counted-group-renamed")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["counted-b", "counted-renamed"]

    iam.detach_user_policy(UserName="counted-b", PolicyArn=arn)
    iam.delete_user(UserName="counted-b")
    listed = {p["Arn"]: p["AttachmentCount"] for p in all_policies(iam, Scope="Local")}
    assert listed[arn] == 2


def test_an_equivalent_spelling_of_an_arn_attaches_the_policy_as_it_is_spelled(iam):
    arn = iam.create_policy(PolicyName="Keys", PolicyDocument=json.dumps(document("kms:Decrypt")))["Policy"]["Arn"]
    iam.create_user(UserName="kelvin")
    # U+212A KELVIN SIGN is canonically equivalent to "K": the policy is found, and stored under its own ARN.
    iam.attach_user_policy(UserName="kelvin", PolicyArn=arn.replace("/Keys", "/\u212aeys"))
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="kelvin")["AttachedPolicies"]] == [arn]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error(excinfo) == ("DeleteConflict", 409)
