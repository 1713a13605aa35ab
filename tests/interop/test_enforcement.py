"""AWS's evaluation rules as an attacker would probe them: trust policies that must allow, role ARNs that cover
their sessions, session tags and source identities that need the trust policy's leave, variables without a value."""
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gatehouse import create_account


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal, actions="sts:AssumeRole"):
    return document({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions})


@pytest.fixture
def env(server):
    """A fresh account with user `dev` (keys) allowed sts:AssumeRole on every role, and client helpers."""
    created = create_account(server.data_dir, f"enforce-{uuid.uuid4().hex[:8]}@example.com", "enforce")
    root = lambda service: server.client(service, key=created["AccessKeyId"], secret=created["SecretAccessKey"])  # noqa: E731
    deadline = time.time() + 2
    while True:
        try:
            root("iam").create_user(UserName="dev")
            break
        except ClientError:
            assert time.time() < deadline
            time.sleep(0.05)
    key = root("iam").create_access_key(UserName="dev")["AccessKey"]
    root("iam").put_user_policy(
        UserName="dev", PolicyName="assume-anything",
        PolicyDocument=document({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
    )

    class Env:
        pass

    e = Env()
    e.account, e.root = created["AccountId"], root
    e.dev_arn = f"arn:aws:iam::{e.account}:user/dev"
    e.dev = lambda service: server.client(service, key=key["AccessKeyId"], secret=key["SecretAccessKey"])  # noqa: E731
    e.session = lambda service, creds: server.client(  # noqa: E731
        service, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"]
    )
    return e


def refusal(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_an_identity_allow_alone_does_not_open_a_role_whose_trust_names_someone_else(env):
    iam = env.root("iam")
    role = iam.create_role(RoleName="Break-glass", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/admin"))["Role"]
    iam.attach_role_policy(RoleName="Break-glass", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="probe")
    code, message = refusal(excinfo)
    assert code == "AccessDenied"
    assert message.startswith(f"User: {env.dev_arn} is not authorized to perform: sts:AssumeRole on resource: {role['Arn']}")
    # Nor does a trust policy without a statement for sts:AssumeRole.
    iam.update_assume_role_policy(RoleName="Break-glass", PolicyDocument=trust(env.dev_arn, actions="sts:TagSession"))
    with pytest.raises(ClientError):
        env.dev("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="probe")
    # Named by the trust policy, the user gets in.
    iam.update_assume_role_policy(RoleName="Break-glass", PolicyDocument=trust(env.dev_arn))
    assert env.dev("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="probe")["Credentials"]["AccessKeyId"]


def test_a_role_arn_in_a_trust_policy_covers_that_roles_sessions(env):
    iam = env.root("iam")
    first = iam.create_role(RoleName="First", AssumeRolePolicyDocument=trust(env.dev_arn))["Role"]
    iam.put_role_policy(
        RoleName="First", PolicyName="chain", PolicyDocument=document({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
    second = iam.create_role(RoleName="Second", AssumeRolePolicyDocument=trust(first["Arn"]))["Role"]
    third = iam.create_role(RoleName="Third", AssumeRolePolicyDocument=document(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{env.account}:root"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": first["Arn"]}, "Action": "sts:AssumeRole"},
    ))["Role"]
    creds = env.dev("sts").assume_role(RoleArn=first["Arn"], RoleSessionName="hop")["Credentials"]
    chained = env.session("sts", creds)
    assert chained.assume_role(RoleArn=second["Arn"], RoleSessionName="hop2")["AssumedRoleUser"]["Arn"].endswith("/Second/hop2")
    # A Deny naming the role stops its sessions, though the account-wide Allow and the role's own policy allow.
    with pytest.raises(ClientError) as excinfo:
        chained.assume_role(RoleArn=third["Arn"], RoleSessionName="hop3")
    session_arn = f"arn:aws:sts::{env.account}:assumed-role/First/hop"
    assert refusal(excinfo) == ("AccessDenied", f"User: {session_arn} is not authorized to perform: sts:AssumeRole on resource: {third['Arn']}")
    # The user itself is not named by the Deny.
    env.dev("sts").assume_role(RoleArn=third["Arn"], RoleSessionName="direct")


def test_session_tags_need_sts_tag_session_in_the_trust_policy(env):
    """A caller must not pick its own aws:PrincipalTag values unless the role's trust policy lets it."""
    iam = env.root("iam")
    role = iam.create_role(RoleName="Team", AssumeRolePolicyDocument=trust(env.dev_arn))["Role"]
    iam.put_role_policy(RoleName="Team", PolicyName="admins-only", PolicyDocument=document(
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "admin"}}}))
    iam.put_user_policy(UserName="dev", PolicyName="tag", PolicyDocument=document(
        {"Effect": "Allow", "Action": ["sts:TagSession", "sts:SetSourceIdentity"], "Resource": "*"}))
    sts = env.dev("sts")
    for arguments in ({"Tags": [{"Key": "team", "Value": "admin"}]}, {"TransitiveTagKeys": ["team"]}):
        with pytest.raises(ClientError) as excinfo:
            sts.assume_role(RoleArn=role["Arn"], RoleSessionName="probe", **arguments)
        code, message = refusal(excinfo)
        assert code == "AccessDenied"
        assert message.startswith(f"User: {env.dev_arn} is not authorized to perform: sts:TagSession on resource: {role['Arn']}")
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="probe", SourceIdentity="someone-else")
    assert "sts:SetSourceIdentity" in refusal(excinfo)[1]
    # Plain AssumeRole still works, and its session has no admin tag.
    plain = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="probe")["Credentials"]
    with pytest.raises(ClientError):
        env.session("iam", plain).attach_user_policy(UserName="dev", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    # Once the trust policy allows tagging, the tag counts.
    iam.update_assume_role_policy(RoleName="Team", PolicyDocument=trust(env.dev_arn, actions=["sts:AssumeRole", "sts:TagSession"]))
    tagged = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="probe", Tags=[{"Key": "team", "Value": "admin"}])["Credentials"]
    env.session("iam", tagged).list_users()


def test_tag_session_conditions_in_the_trust_policy_hold(env):
    iam = env.root("iam")
    role = iam.create_role(RoleName="Scoped", AssumeRolePolicyDocument=document(
        {"Effect": "Allow", "Principal": {"AWS": env.dev_arn}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": env.dev_arn}, "Action": "sts:TagSession",
         "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"}}},
    ))["Role"]
    sts = env.dev("sts")
    sts.assume_role(RoleArn=role["Arn"], RoleSessionName="probe", Tags=[{"Key": "team", "Value": "blue"}])
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="probe", Tags=[{"Key": "team", "Value": "admin"}])


def test_a_variable_without_a_value_is_null_as_aws_documents(env):
    """AWS: StringNotEquals matches a variable with no value, so a Deny keyed on an unset principal tag denies
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value)."""
    iam = env.root("iam")
    iam.put_user_policy(UserName="dev", PolicyName="groups", PolicyDocument=document(
        {"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:ListGroups", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:username": "${aws:PrincipalTag/login}"}}}))
    with pytest.raises(ClientError) as excinfo:
        env.dev("iam").list_groups()
    assert "with an explicit deny in an identity-based policy" in refusal(excinfo)[1]
    iam.tag_user(UserName="dev", Tags=[{"Key": "login", "Value": "dev"}])
    env.dev("iam").list_groups()
    iam.tag_user(UserName="dev", Tags=[{"Key": "login", "Value": "mallory"}])
    with pytest.raises(ClientError):
        env.dev("iam").list_groups()


def identity_center(env):
    """An organization instance in env's account, with permission sets Production and Sandbox; admin helpers."""
    env.root("organizations").create_organization(FeatureSet="ALL")
    admin = env.root("sso-admin")
    instance = admin.create_instance(Name="Company")["InstanceArn"]
    store = admin.describe_instance(InstanceArn=instance)["IdentityStoreId"]
    sets = {
        name: admin.create_permission_set(InstanceArn=instance, Name=name)["PermissionSet"]["PermissionSetArn"]
        for name in ("Production", "Sandbox")
    }
    return instance, store, sets


def test_a_scoped_deny_on_one_permission_set_holds_beside_administrator_access(env):
    """The resources come from AWS's Service Authorization Reference: a Deny on one permission set is not ignored."""
    instance, _, sets = identity_center(env)
    iam = env.root("iam")
    iam.attach_user_policy(UserName="dev", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.put_user_policy(UserName="dev", PolicyName="protect-production", PolicyDocument=document(
        {"Sid": "KeepProduction", "Effect": "Deny", "Action": "sso:DeletePermissionSet", "Resource": sets["Production"]}))
    admin = env.dev("sso-admin")
    with pytest.raises(ClientError) as excinfo:
        admin.delete_permission_set(InstanceArn=instance, PermissionSetArn=sets["Production"])
    code, message = refusal(excinfo)
    assert code == "AccessDeniedException"
    assert message == (
        f"User: {env.dev_arn} is not authorized to perform: sso:DeletePermissionSet on resource: {sets['Production']}"
        " with an explicit deny in an identity-based policy")
    admin.delete_permission_set(InstanceArn=instance, PermissionSetArn=sets["Sandbox"])
    assert env.root("sso-admin").describe_permission_set(InstanceArn=instance, PermissionSetArn=sets["Production"])
    # The trail says which policy and statement refused it; the wire message stays AWS's.
    request_id = excinfo.value.response["ResponseMetadata"]["RequestId"]
    def refused_event():
        events = env.root("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DeletePermissionSet"}])["Events"]
        return next((json.loads(e["CloudTrailEvent"]) for e in events if json.loads(e["CloudTrailEvent"])["requestID"] == request_id), None)
    deadline = time.time() + 3
    while (event := refused_event()) is None:
        assert time.time() < deadline
        time.sleep(0.1)
    denial = event["additionalEventData"]["gatehouseDenial"]
    assert denial["layer"] == "identity-based policy" and denial["decision"] == "explicitDeny"
    assert denial["statements"] == [{"policyOwner": env.dev_arn, "policyName": "protect-production", "statementIndex": 0, "sid": "KeepProduction"}]


def test_a_scoped_allow_reads_only_the_permission_set_and_user_it_names(env):
    instance, store, sets = identity_center(env)
    ids = env.root("identitystore")
    alice = ids.create_user(IdentityStoreId=store, UserName="alice", DisplayName="Alice", Name={"GivenName": "A", "FamilyName": "E"})["UserId"]
    bob = ids.create_user(IdentityStoreId=store, UserName="bob", DisplayName="Bob", Name={"GivenName": "B", "FamilyName": "E"})["UserId"]
    env.root("iam").put_user_policy(UserName="dev", PolicyName="scoped", PolicyDocument=document(
        {"Effect": "Allow", "Action": "sso:DescribePermissionSet", "Resource": [instance, sets["Sandbox"]]},
        {"Effect": "Allow", "Action": "identitystore:DescribeUser",
         "Resource": [f"arn:aws:identitystore::{env.account}:identitystore/{store}", f"arn:aws:identitystore:::user/{alice}"]},
    ))
    admin, dev_ids = env.dev("sso-admin"), env.dev("identitystore")
    assert admin.describe_permission_set(InstanceArn=instance, PermissionSetArn=sets["Sandbox"])["PermissionSet"]["Name"] == "Sandbox"
    with pytest.raises(ClientError) as excinfo:
        admin.describe_permission_set(InstanceArn=instance, PermissionSetArn=sets["Production"])
    assert f"on resource: {sets['Production']} because no identity-based policy allows" in refusal(excinfo)[1]
    assert dev_ids.describe_user(IdentityStoreId=store, UserId=alice)["UserName"] == "alice"
    with pytest.raises(ClientError) as excinfo:
        dev_ids.describe_user(IdentityStoreId=store, UserId=bob)
    assert f"on resource: arn:aws:identitystore:::user/{bob} " in refusal(excinfo)[1]
    # Allowing the permission set alone is not enough: the action requires the instance too.
    env.root("iam").put_user_policy(UserName="dev", PolicyName="scoped", PolicyDocument=document(
        {"Effect": "Allow", "Action": "sso:DescribePermissionSet", "Resource": sets["Sandbox"]}))
    with pytest.raises(ClientError) as excinfo:
        admin.describe_permission_set(InstanceArn=instance, PermissionSetArn=sets["Sandbox"])
    assert f"on resource: {instance} " in refusal(excinfo)[1]


def test_a_roles_tags_are_read_from_the_account_that_holds_it(env, server):
    """aws:ResourceTag of a role in another account is that role's, not a same-named role's in the caller's account."""
    other = create_account(server.data_dir, f"tags-{uuid.uuid4().hex[:8]}@example.com", "tags")
    other_iam = server.client("iam", key=other["AccessKeyId"], secret=other["SecretAccessKey"])
    deadline = time.time() + 2
    while True:
        try:
            other_iam.create_role(RoleName="Prod", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:root"),
                                  Tags=[{"Key": "env", "Value": "prod"}])
            break
        except ClientError:
            assert time.time() < deadline
            time.sleep(0.05)
    env.root("iam").create_role(RoleName="Prod", AssumeRolePolicyDocument=trust(env.dev_arn), Tags=[{"Key": "env", "Value": "dev"}])
    env.root("iam").put_user_policy(UserName="dev", PolicyName="assume-anything", PolicyDocument=document(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}}}))
    sts = env.dev("sts")
    sts.assume_role(RoleArn=f"arn:aws:iam::{env.account}:role/Prod", RoleSessionName="own")
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=f"arn:aws:iam::{other['AccountId']}:role/Prod", RoleSessionName="theirs")
