"""Organizations policies: SCPs and RCPs created, attached and enforced on member accounts at every level, never on
the management account; FullAWSAccess attached by default; AWS's validation and quotas."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from gatehouse import fresh_account


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


DENY_CREATE_USER = document({"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"})


@pytest.fixture
def org(server):
    """A management account with an organization, SCPs enabled, a member account in an OU and its admin role."""
    created = fresh_account(server, "scp")
    client = lambda service: server.client(service, key=created["AccessKeyId"], secret=created["SecretAccessKey"])  # noqa: E731
    orgs = client("organizations")
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]
    member = orgs.create_account(AccountName="workload", Email=f"workload-{created['AccountId']}@example.com")["CreateAccountStatus"]["AccountId"]
    unit = orgs.create_organizational_unit(ParentId=root["Id"], Name="Workloads")["OrganizationalUnit"]
    orgs.move_account(AccountId=member, SourceParentId=root["Id"], DestinationParentId=unit["Id"])
    enabled = orgs.enable_policy_type(RootId=root["Id"], PolicyType="SERVICE_CONTROL_POLICY")["Root"]
    assert {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"} in enabled["PolicyTypes"]
    # The management account's own admin user assumes the member's OrganizationAccountAccessRole.
    iam = client("iam")
    iam.create_user(UserName="admin")
    iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName="admin")["AccessKey"]

    class Org:
        pass

    o = Org()
    o.orgs, o.client, o.root, o.unit, o.member, o.account = orgs, client, root, unit, member, created["AccountId"]

    def member_client(service="iam"):
        admin_sts = server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        creds = admin_sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="ops")["Credentials"]
        return server.client(service, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])

    o.member_iam = member_client
    o.member_client = member_client
    return o


def test_full_aws_access_is_attached_everywhere_when_scps_are_enabled(org):
    for target in (org.root["Id"], org.unit["Id"], org.member):
        policies = org.orgs.list_policies_for_target(TargetId=target, Filter="SERVICE_CONTROL_POLICY")["Policies"]
        assert [p["Id"] for p in policies] == ["p-FullAWSAccess"]
        assert policies[0]["AwsManaged"] is True
        assert policies[0]["Arn"] == "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    # A new OU gets it too.
    fresh = org.orgs.create_organizational_unit(ParentId=org.root["Id"], Name="Sandbox")["OrganizationalUnit"]
    assert [p["Id"] for p in org.orgs.list_policies_for_target(TargetId=fresh["Id"], Filter="SERVICE_CONTROL_POLICY")["Policies"]] == ["p-FullAWSAccess"]
    # Things work as before.
    org.member_iam().create_user(UserName="before-any-scp")


@pytest.mark.parametrize("level", ["root", "unit", "member"])
def test_an_scp_denying_create_user_stops_the_member_account_at_every_level(org, level):
    target = {"root": org.root["Id"], "unit": org.unit["Id"], "member": org.member}[level]
    policy = org.orgs.create_policy(
        Name="no-users", Description="No IAM users", Type="SERVICE_CONTROL_POLICY", Content=DENY_CREATE_USER)["Policy"]["PolicySummary"]
    org.orgs.attach_policy(PolicyId=policy["Id"], TargetId=target)
    member_iam = org.member_iam()
    with pytest.raises(ClientError) as excinfo:
        member_iam.create_user(UserName="blocked")
    error = excinfo.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        f"User: arn:aws:sts::{org.member}:assumed-role/OrganizationAccountAccessRole/ops is not authorized to perform: "
        f"iam:CreateUser on resource: arn:aws:iam::{org.member}:user/blocked with an explicit deny in a service control policy")
    # The member account's trail names the SCP that refused it.
    request_id = excinfo.value.response["ResponseMetadata"]["RequestId"]
    trail = org.member_client("cloudtrail")
    deadline = time.time() + 3
    while True:
        events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
        records = [json.loads(e["CloudTrailEvent"]) for e in events]
        record = next((r for r in records if r["requestID"] == request_id), None)
        if record or time.time() > deadline:
            break
        time.sleep(0.1)
    denial = record["additionalEventData"]["gatehouseDenial"]
    assert denial["layer"] == "service control policy"
    assert denial["statements"] == [{"policyArn": policy["Arn"], "statementIndex": 0}]
    member_iam.list_users()
    # Never the management account.
    org.client("iam").create_user(UserName="management-is-not-bound")
    # Detaching lifts it.
    org.orgs.detach_policy(PolicyId=policy["Id"], TargetId=target)
    member_iam.create_user(UserName="after-detach")


def test_every_level_must_allow(org):
    """Replacing FullAWSAccess on the OU with an SCP that allows only reading leaves the member nothing else."""
    read_only = org.orgs.create_policy(
        Name="read-only", Description="", Type="SERVICE_CONTROL_POLICY",
        Content=document({"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "sts:*"], "Resource": "*"}))["Policy"]["PolicySummary"]
    org.orgs.attach_policy(PolicyId=read_only["Id"], TargetId=org.unit["Id"])
    org.orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=org.unit["Id"])
    member_iam = org.member_iam()
    member_iam.list_roles()
    with pytest.raises(ClientError) as excinfo:
        member_iam.create_user(UserName="nope")
    assert "because no service control policy allows the iam:CreateUser action" in excinfo.value.response["Error"]["Message"]


def test_policy_rules_and_validation(org):
    orgs = org.orgs
    with pytest.raises(ClientError) as excinfo:
        orgs.create_policy(Name="bad", Description="", Type="SERVICE_CONTROL_POLICY",
                           Content=document({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}))
    assert excinfo.value.response["Error"]["Code"] == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as excinfo:
        orgs.create_policy(Name="huge", Description="", Type="SERVICE_CONTROL_POLICY",
                           Content=document({"Effect": "Deny", "Action": [f"iam:Action{i}" for i in range(400)], "Resource": "*"}))
    assert excinfo.value.response["Error"]["Code"] == "ConstraintViolationException"
    assert excinfo.value.response["Reason"] == "POLICY_CONTENT_LIMIT_EXCEEDED"
    policy = orgs.create_policy(Name="deny", Description="", Type="SERVICE_CONTROL_POLICY", Content=DENY_CREATE_USER)["Policy"]["PolicySummary"]
    with pytest.raises(ClientError) as excinfo:
        orgs.create_policy(Name="deny", Description="", Type="SERVICE_CONTROL_POLICY", Content=DENY_CREATE_USER)
    assert excinfo.value.response["Error"]["Code"] == "DuplicatePolicyException"
    orgs.attach_policy(PolicyId=policy["Id"], TargetId=org.member)
    with pytest.raises(ClientError) as excinfo:
        orgs.attach_policy(PolicyId=policy["Id"], TargetId=org.member)
    assert excinfo.value.response["Error"]["Code"] == "DuplicatePolicyAttachmentException"
    with pytest.raises(ClientError) as excinfo:
        orgs.delete_policy(PolicyId=policy["Id"])
    assert excinfo.value.response["Error"]["Code"] == "PolicyInUseException"
    targets = orgs.list_targets_for_policy(PolicyId=policy["Id"])["Targets"]
    assert [(t["TargetId"], t["Type"]) for t in targets] == [(org.member, "ACCOUNT")]
    # The last SCP of a target cannot go: nothing would be allowed.
    orgs.detach_policy(PolicyId=policy["Id"], TargetId=org.member)
    with pytest.raises(ClientError) as excinfo:
        orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=org.member)
    assert excinfo.value.response["Reason"] == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    # At most five SCPs on one target.
    for index in range(4):
        extra = orgs.create_policy(Name=f"extra-{index}", Description="", Type="SERVICE_CONTROL_POLICY", Content=DENY_CREATE_USER)
        orgs.attach_policy(PolicyId=extra["Policy"]["PolicySummary"]["Id"], TargetId=org.member)
    sixth = orgs.create_policy(Name="sixth", Description="", Type="SERVICE_CONTROL_POLICY", Content=DENY_CREATE_USER)["Policy"]["PolicySummary"]
    with pytest.raises(ClientError) as excinfo:
        orgs.attach_policy(PolicyId=sixth["Id"], TargetId=org.member)
    assert excinfo.value.response["Reason"] == "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    orgs.delete_policy(PolicyId=sixth["Id"])
    with pytest.raises(ClientError) as excinfo:
        orgs.describe_policy(PolicyId=sixth["Id"])
    assert excinfo.value.response["Error"]["Code"] == "PolicyNotFoundException"
    # A type that is not enabled cannot be attached.
    tag_policy = orgs.create_policy(Name="tags", Description="", Type="TAG_POLICY", Content='{"tags": {}}')["Policy"]["PolicySummary"]
    with pytest.raises(ClientError) as excinfo:
        orgs.attach_policy(PolicyId=tag_policy["Id"], TargetId=org.member)
    assert excinfo.value.response["Error"]["Code"] == "PolicyTypeNotEnabledException"
    # Disabling SCPs takes them all off.
    orgs.disable_policy_type(RootId=org.root["Id"], PolicyType="SERVICE_CONTROL_POLICY")
    assert orgs.list_roots()["Roots"][0]["PolicyTypes"] == []
    org.member_iam().create_user(UserName="scps-off")


def test_an_rcp_denies_assuming_a_member_accounts_role_from_outside_the_organization(org, server):
    orgs = org.orgs
    orgs.enable_policy_type(RootId=org.root["Id"], PolicyType="RESOURCE_CONTROL_POLICY")
    assert [p["Id"] for p in orgs.list_policies_for_target(TargetId=org.member, Filter="RESOURCE_CONTROL_POLICY")["Policies"]] == ["p-RCPFullAWSAccess"]
    rcp = orgs.create_policy(Name="no-admin-role", Description="", Type="RESOURCE_CONTROL_POLICY", Content=document(
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{org.member}:role/OrganizationAccountAccessRole"}))
    orgs.attach_policy(PolicyId=rcp["Policy"]["PolicySummary"]["Id"], TargetId=org.member)
    with pytest.raises(ClientError) as excinfo:
        org.member_iam()
    assert excinfo.value.response["Error"]["Message"].endswith("with an explicit deny in a resource control policy")


def test_an_scp_binds_the_password_policys_own_grant(org, server):
    """A password policy that lets users change their password grants it at the account level; an SCP still limits it."""
    member_iam = org.member_iam()
    member_iam.update_account_password_policy(AllowUsersToChangePassword=True)
    member_iam.create_user(UserName="carla")
    member_iam.create_login_profile(UserName="carla", Password="Carla-Password-123!")
    key = member_iam.create_access_key(UserName="carla")["AccessKey"]
    carla = server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    carla.change_password(OldPassword="Carla-Password-123!", NewPassword="Carla-Password-456!")
    policy = org.orgs.create_policy(Name="frozen-passwords", Description="", Type="SERVICE_CONTROL_POLICY",
                                    Content=document({"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}))["Policy"]["PolicySummary"]
    org.orgs.attach_policy(PolicyId=policy["Id"], TargetId=org.member)
    with pytest.raises(ClientError) as excinfo:
        carla.change_password(OldPassword="Carla-Password-456!", NewPassword="Carla-Password-789!")
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    assert excinfo.value.response["Error"]["Message"].endswith("with an explicit deny in a service control policy")


def test_describe_effective_policy_merges_a_tag_policy_down_to_the_account(org, server):
    with pytest.raises(ClientError) as not_enabled:
        org.orgs.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=org.member)
    assert not_enabled.value.response["Error"]["Code"] == "EffectivePolicyNotFoundException"
    org.orgs.enable_policy_type(RootId=org.root["Id"], PolicyType="TAG_POLICY")
    root_policy = org.orgs.create_policy(Name="cost-center", Description="", Type="TAG_POLICY", Content=json.dumps({"tags": {"costcenter": {
        "tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["Development", "Support"]}}}}))["Policy"]["PolicySummary"]
    unit_policy = org.orgs.create_policy(Name="marketing", Description="", Type="TAG_POLICY", Content=json.dumps({"tags": {"costcenter": {
        "tag_value": {"@@append": ["Marketing"]}}}}))["Policy"]["PolicySummary"]
    org.orgs.attach_policy(PolicyId=root_policy["Id"], TargetId=org.root["Id"])
    org.orgs.attach_policy(PolicyId=unit_policy["Id"], TargetId=org.unit["Id"])
    effective = org.orgs.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=org.member)["EffectivePolicy"]
    assert effective["TargetId"] == org.member and effective["PolicyType"] == "TAG_POLICY"
    assert json.loads(effective["PolicyContent"]) == {"tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["Development", "Support", "Marketing"]}}}
    # The management account gets the root's alone; a member asks about itself (by default), not about others.
    own = org.orgs.describe_effective_policy(PolicyType="TAG_POLICY")["EffectivePolicy"]
    assert own["TargetId"] == org.account
    assert json.loads(own["PolicyContent"])["tags"]["costcenter"]["tag_value"] == ["Development", "Support"]
    member = org.member_client("organizations")
    assert member.describe_effective_policy(PolicyType="TAG_POLICY")["EffectivePolicy"]["TargetId"] == org.member
    with pytest.raises(ClientError) as elsewhere:
        member.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=org.account)
    assert elsewhere.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(ClientError) as unit:
        org.orgs.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=org.unit["Id"])
    assert unit.value.response["Error"]["Code"] == "InvalidInputException"
    # botocore keeps the error's extra members beside "Error": the reason is the model's TARGET_NOT_SUPPORTED.
    assert unit.value.response["Reason"] == "TARGET_NOT_SUPPORTED"
    assert unit.value.response["Error"]["Message"] == "You can't perform the specified operation on that target entity."
    with pytest.raises(ClientError) as control:
        org.orgs.describe_effective_policy(PolicyType="SERVICE_CONTROL_POLICY", TargetId=org.member)
    assert control.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_arn_in_a_text_member_does_not_stand_in_for_the_resource(org):
    """An SCP denying changes to protected roles holds though the request carries another role's ARN as its Description."""
    policy = org.orgs.create_policy(Name="protected-roles", Description="", Type="SERVICE_CONTROL_POLICY", Content=document(
        {"Effect": "Deny", "Action": ["iam:CreateRole", "iam:UpdateRole"], "Resource": f"arn:aws:iam::{org.member}:role/protected*"}))["Policy"]["PolicySummary"]
    org.orgs.attach_policy(PolicyId=policy["Id"], TargetId=org.member)
    member_iam = org.member_iam()
    trust = document({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{org.member}:root"}, "Action": "sts:AssumeRole"})
    elsewhere = f"arn:aws:iam::{org.member}:role/harmless"
    with pytest.raises(ClientError) as denied:
        member_iam.create_role(RoleName="protected-admin", AssumeRolePolicyDocument=trust, Description=elsewhere)
    assert denied.value.response["Error"]["Message"].endswith("with an explicit deny in a service control policy")
    with pytest.raises(ClientError):
        member_iam.get_role(RoleName="protected-admin")
    # Nor does a protected role's ARN in a Description make a change to another role one to the protected role.
    member_iam.create_role(RoleName="ordinary", AssumeRolePolicyDocument=trust)
    member_iam.update_role(RoleName="ordinary", Description=f"arn:aws:iam::{org.member}:role/protected-x")


def test_the_simulator_includes_the_organizations_scps(org):
    """SimulatePrincipalPolicy on a member account's role decides with its SCPs, as enforcement does, and says so."""
    policy = org.orgs.create_policy(Name="no-users-sim", Description="", Type="SERVICE_CONTROL_POLICY", Content=DENY_CREATE_USER)["Policy"]["PolicySummary"]
    org.orgs.attach_policy(PolicyId=policy["Id"], TargetId=org.member)
    results = org.member_iam().simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{org.member}:role/OrganizationAccountAccessRole", ActionNames=["iam:CreateUser", "iam:ListUsers"])["EvaluationResults"]
    decided = {r["EvalActionName"]: (r["EvalDecision"], r["OrganizationsDecisionDetail"]["AllowedByOrganizations"]) for r in results}
    assert decided == {"iam:CreateUser": ("explicitDeny", False), "iam:ListUsers": ("allowed", True)}
