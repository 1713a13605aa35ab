"""STS AssumeRole and role sessions: trust policies, external IDs, MFA, durations, session policies, tags, chaining."""
import json
import time
import uuid

import pyotp
import pytest
from botocore.exceptions import ClientError

from gatehouse import create_account


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def env(server):
    """A fresh account with user `dev` (keys) and helpers to make clients."""
    created = create_account(server.data_dir, f"roles-{uuid.uuid4().hex[:8]}@example.com", "roles")
    account = created["AccountId"]
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

    class Env:
        pass

    e = Env()
    e.account, e.root = account, root
    e.root_unvalidated = lambda service: server.client(  # noqa: E731
        service, key=created["AccessKeyId"], secret=created["SecretAccessKey"], parameter_validation=False
    )
    e.dev = lambda service: server.client(service, key=key["AccessKeyId"], secret=key["SecretAccessKey"])  # noqa: E731
    e.session = lambda service, creds: server.client(  # noqa: E731
        service, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"]
    )
    return e


def trust(principal, condition=None, actions="sts:AssumeRole"):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_assumed_role_identity_and_permissions(env):
    iam = env.root("iam")
    role = iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev"))["Role"]
    iam.attach_role_policy(RoleName="Reader", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    result = env.dev("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="reading")
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{env.account}:assumed-role/Reader/reading"
    assert result["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:reading"
    creds = result["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    identity = env.session("sts", creds).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{env.account}:assumed-role/Reader/reading"
    assert identity["UserId"] == f"{role['RoleId']}:reading"
    session_iam = env.session("iam", creds)
    assert any(u["UserName"] == "dev" for u in session_iam.list_users()["Users"])
    with pytest.raises(ClientError) as excinfo:
        session_iam.create_user(UserName="not-allowed")
    assert code(excinfo) == "AccessDenied"
    assert f"assumed-role/Reader/reading is not authorized to perform: iam:CreateUser" in excinfo.value.response["Error"]["Message"]


def test_a_role_session_named_like_a_user_is_not_that_user(env):
    iam = env.root("iam")
    role = iam.create_role(RoleName="Admin", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev"))["Role"]
    iam.attach_role_policy(RoleName="Admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    creds = env.dev("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="dev")["Credentials"]
    session_iam = env.session("iam", creds)
    iam.create_login_profile(UserName="dev", Password="Correct-Horse-9")
    calls = (session_iam.get_user, session_iam.get_login_profile, session_iam.list_access_keys, session_iam.create_access_key, session_iam.list_mfa_devices)
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert code(excinfo) == "ValidationError"
        assert excinfo.value.response["Error"]["Message"] == "Must specify userName when calling with non-User credentials"
    assert len(iam.list_access_keys(UserName="dev")["AccessKeyMetadata"]) == 1
    assert len(session_iam.list_access_keys(UserName="dev")["AccessKeyMetadata"]) == 1


def test_trust_policy_decides(env):
    iam = env.root("iam")
    iam.create_role(RoleName="Closed", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/someone-else"))
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").assume_role(RoleArn=f"arn:aws:iam::{env.account}:role/Closed", RoleSessionName="xx")
    assert code(excinfo) == "AccessDenied"
    # A trust policy naming the account delegates to the account's own policies.
    iam.create_role(RoleName="AccountWide", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:root"))
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").assume_role(RoleArn=f"arn:aws:iam::{env.account}:role/AccountWide", RoleSessionName="xx")
    assert code(excinfo) == "AccessDenied"
    iam.put_user_policy(
        UserName="dev", PolicyName="assume",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}),
    )
    env.dev("sts").assume_role(RoleArn=f"arn:aws:iam::{env.account}:role/AccountWide", RoleSessionName="xx")
    # A role that does not exist is refused the same way.
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").assume_role(RoleArn=f"arn:aws:iam::{env.account}:role/Missing", RoleSessionName="xx")
    assert code(excinfo) == "AccessDenied"


def test_external_id_and_root(env):
    iam = env.root("iam")
    iam.create_role(
        RoleName="ThirdParty",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev", {"StringEquals": {"sts:ExternalId": "s3cret-id"}}),
    )
    arn = f"arn:aws:iam::{env.account}:role/ThirdParty"
    with pytest.raises(ClientError):
        env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx")
    with pytest.raises(ClientError):
        env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx", ExternalId="wrong-id")
    env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx", ExternalId="s3cret-id")
    with pytest.raises(ClientError) as excinfo:
        env.root("sts").assume_role(RoleArn=arn, RoleSessionName="xx", ExternalId="s3cret-id")
    assert "may not be assumed by root" in excinfo.value.response["Error"]["Message"]


def test_mfa_required_by_trust(env):
    iam = env.root("iam")
    iam.create_role(
        RoleName="Sensitive",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    )
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="dev-phone")["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(UserName="dev", SerialNumber=device["SerialNumber"], AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    arn = f"arn:aws:iam::{env.account}:role/Sensitive"
    with pytest.raises(ClientError):
        env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx")
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx", SerialNumber=device["SerialNumber"], TokenCode="000000")
    assert code(excinfo) == "AccessDenied"
    time.sleep(30.5 - time.time() % 30)  # a fresh step: the enrolment codes cannot be reused
    result = env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx", SerialNumber=device["SerialNumber"], TokenCode=totp.now())
    assert result["Credentials"]["SessionToken"]


def test_durations(env):
    iam = env.root("iam")
    iam.create_role(RoleName="Long", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev"), MaxSessionDuration=7200)
    arn = f"arn:aws:iam::{env.account}:role/Long"
    creds = env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx", DurationSeconds=7200)["Credentials"]
    remaining = creds["Expiration"].timestamp() - time.time()
    assert 7100 < remaining <= 7200
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="xx", DurationSeconds=7201)
    assert code(excinfo) == "ValidationError"
    # Role chaining: at most one hour.
    iam.update_assume_role_policy(
        RoleName="Long", PolicyDocument=trust([f"arn:aws:iam::{env.account}:user/dev", f"arn:aws:iam::{env.account}:role/Long"])
    )
    iam.put_role_policy(
        RoleName="Long", PolicyName="chain",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn}]}),
    )
    chained = env.session("sts", creds)
    with pytest.raises(ClientError) as excinfo:
        chained.assume_role(RoleArn=arn, RoleSessionName="yy", DurationSeconds=3601)
    assert "role chaining" in excinfo.value.response["Error"]["Message"]
    chained.assume_role(RoleArn=arn, RoleSessionName="yy", DurationSeconds=3600)


def test_session_policy_caps_the_role(env):
    iam = env.root("iam")
    iam.create_role(RoleName="Admin", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev"))
    iam.attach_role_policy(RoleName="Admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    arn = f"arn:aws:iam::{env.account}:role/Admin"
    only_get_user = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})
    result = env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="capped", Policy=only_get_user)
    assert 0 < result["PackedPolicySize"] <= 100
    session_iam = env.session("iam", result["Credentials"])
    session_iam.get_user(UserName="dev")
    with pytest.raises(ClientError) as excinfo:
        session_iam.list_users()
    assert "no session policy allows" in excinfo.value.response["Error"]["Message"]
    managed = env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="managed", PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}])
    readonly = env.session("iam", managed["Credentials"])
    readonly.list_users()
    with pytest.raises(ClientError):
        readonly.create_group(GroupName="nope")
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="bad", Policy='{"Statement": [{"Effect": "Allow"}]}')
    assert code(excinfo) == "MalformedPolicyDocument"


def test_session_tags_condition_access(env):
    iam = env.root("iam")
    iam.create_role(
        RoleName="Tagged",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{env.account}:user/dev"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}),
    )
    iam.put_role_policy(
        RoleName="Tagged", PolicyName="team-only",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}),
    )
    arn = f"arn:aws:iam::{env.account}:role/Tagged"
    blue = env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="bb", Tags=[{"Key": "team", "Value": "blue"}])
    env.session("iam", blue["Credentials"]).list_users()
    red = env.dev("sts").assume_role(RoleArn=arn, RoleSessionName="rr", Tags=[{"Key": "team", "Value": "red"}])
    with pytest.raises(ClientError):
        env.session("iam", red["Credentials"]).list_users()


def allow_dev_if_tagged(env, action, key, value):
    """Lets user `dev` call `action` only while its tag `key` is `value`; returns dev's IAM client."""
    env.root("iam").put_user_policy(
        UserName="dev", PolicyName=f"{key}-only",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": action, "Resource": "*", "Condition": {"StringEquals": {f"aws:PrincipalTag/{key}": value}}}]}),
    )
    return env.dev("iam")


def test_principal_tag_conditions_follow_the_users_tags(env):
    """A user's own condition keys are kept between requests: a change of its tags must still count at once."""
    iam = env.root("iam")
    dev = allow_dev_if_tagged(env, "iam:ListGroups", "team", "blue")
    with pytest.raises(ClientError):
        dev.list_groups()
    iam.tag_user(UserName="dev", Tags=[{"Key": "team", "Value": "blue"}])
    dev.list_groups()
    iam.tag_user(UserName="dev", Tags=[{"Key": "team", "Value": "red"}])
    with pytest.raises(ClientError):
        dev.list_groups()
    iam.tag_user(UserName="dev", Tags=[{"Key": "team", "Value": "blue"}])
    dev.list_groups()
    iam.untag_user(UserName="dev", TagKeys=["team"])
    with pytest.raises(ClientError):
        dev.list_groups()


def test_principal_tags_are_compared_byte_for_byte(env):
    """"K" and the Kelvin sign are one character to Unicode's canonical equivalence, but not to a condition."""
    iam = env.root("iam")
    dev = allow_dev_if_tagged(env, "iam:ListRoles", "unit", "K")
    iam.tag_user(UserName="dev", Tags=[{"Key": "unit", "Value": "K"}])
    dev.list_roles()
    iam.tag_user(UserName="dev", Tags=[{"Key": "unit", "Value": "\u212a"}])
    with pytest.raises(ClientError):
        dev.list_roles()


def test_role_sessions_are_attributed_in_the_trail(env, server):
    iam = env.root("iam")
    iam.create_role(
        RoleName="Audited",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev", actions=["sts:AssumeRole", "sts:SetSourceIdentity"]),
    )
    iam.attach_role_policy(RoleName="Audited", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    result = env.dev("sts").assume_role(RoleArn=f"arn:aws:iam::{env.account}:role/Audited", RoleSessionName="auditor", SourceIdentity="alice")
    assert result["SourceIdentity"] == "alice"
    session = env.session("iam", result["Credentials"])
    request_id = session.list_roles()["ResponseMetadata"]["RequestId"]
    time.sleep(0.6)
    events = env.root("cloudtrail").lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ListRoles"}])["Events"]
    (event,) = [e for e in events if json.loads(e["CloudTrailEvent"])["requestID"] == request_id]
    identity = json.loads(event["CloudTrailEvent"])["userIdentity"]
    assert identity["type"] == "AssumedRole"
    assert identity["arn"] == f"arn:aws:sts::{env.account}:assumed-role/Audited/auditor"
    assert identity["sessionContext"]["sessionIssuer"]["userName"] == "Audited"
    assert identity["sessionContext"]["sourceIdentity"] == "alice"
    assert event["Username"] == "auditor"


def test_get_access_key_info(env):
    key = env.root("iam").create_access_key(UserName="dev")["AccessKey"]
    assert env.root("sts").get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == env.account
    # Unlike GetCallerIdentity, it needs a permission.
    with pytest.raises(ClientError) as excinfo:
        env.dev("sts").get_access_key_info(AccessKeyId=key["AccessKeyId"])
    assert code(excinfo) == "AccessDenied"


def test_deleting_the_role_ends_its_sessions(env):
    iam = env.root("iam")
    iam.create_role(RoleName="Ephemeral", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{env.account}:user/dev"))
    creds = env.dev("sts").assume_role(RoleArn=f"arn:aws:iam::{env.account}:role/Ephemeral", RoleSessionName="xx")["Credentials"]
    env.session("sts", creds).get_caller_identity()
    iam.delete_role(RoleName="Ephemeral")
    with pytest.raises(ClientError) as excinfo:
        env.session("sts", creds).get_caller_identity()
    assert code(excinfo) == "InvalidClientTokenId"


def test_a_role_session_cannot_offer_the_root_users_mfa(env):
    # The root user's authenticator app, enabled by root itself (boto3 insists on UserName; root may omit it).
    root_iam = env.root("iam")
    device = root_iam.create_virtual_mfa_device(VirtualMFADeviceName="root-app")["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    env.root_unvalidated("iam").enable_mfa_device(
        SerialNumber=device["SerialNumber"], AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    chain = f"arn:aws:iam::{env.account}:role/Chain"
    root_iam.create_role(RoleName="Chain", AssumeRolePolicyDocument=trust([f"arn:aws:iam::{env.account}:user/dev", chain]))
    root_iam.put_role_policy(RoleName="Chain", PolicyName="chain", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": chain}]}))
    creds = env.dev("sts").assume_role(RoleArn=chain, RoleSessionName="first")["Credentials"]
    session_sts = env.session("sts", creds)
    # The next step's code, which root's device would accept: a role session has no MFA device of its own.
    with pytest.raises(ClientError) as excinfo:
        session_sts.assume_role(RoleArn=chain, RoleSessionName="second", SerialNumber=device["SerialNumber"], TokenCode=totp.at(now + 30))
    assert code(excinfo) == "AccessDenied"
    assert session_sts.assume_role(RoleArn=chain, RoleSessionName="second")["Credentials"]["SessionToken"]
