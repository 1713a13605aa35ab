"""Journey 3 through the APIs: organization, Identity Center instance, permission sets, users and groups,
assignments, device sign-in, portal credentials, revocation."""
import subprocess
import time

import boto3
import pyotp
import pytest
from botocore.exceptions import ClientError

from gatehouse import BIN, ENV, error, fresh_account, gatehouse, wait_for
from identity_center import clients, new_user, unsigned


def device_sign_in(server, start_url, user, password, mfa_seed=None, change_to=None):
    """Runs the device flow as the AWS CLI does, approving with the gatehouse CLI; returns the token response."""
    oidc = unsigned(server, "sso-oidc")
    client = oidc.register_client(clientName="test", clientType="public")
    started = oidc.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=start_url)
    assert started["verificationUriComplete"].startswith(server.url + "/device")
    poll = dict(clientId=client["clientId"], clientSecret=client["clientSecret"], grantType="urn:ietf:params:oauth:grant-type:device_code",
                deviceCode=started["deviceCode"])
    with pytest.raises(ClientError) as pending:
        oidc.create_token(**poll)
    assert error(pending)[0] == "AuthorizationPendingException"
    args = ["identity-center", "approve", "--user-code", started["userCode"], "--user", user]
    stdin = password + "\n"
    if change_to:
        args.append("--change-password")
        stdin += change_to + "\n"
    if mfa_seed:
        args += ["--mfa-code", pyotp.TOTP(mfa_seed).now()]
    gatehouse(*args, data_dir=server.data_dir, stdin=stdin)
    deadline = time.time() + 5
    while True:
        try:
            return oidc.create_token(**poll)
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("AuthorizationPendingException", "SlowDownException") or time.time() > deadline:
                raise
            time.sleep(1.1)


def register_mfa(server, store, user, password, new_password):
    process = subprocess.Popen(
        [BIN, "identity-center", "register-mfa", "--identity-store-id", store, "--user", user, "--change-password", "--data-dir", server.data_dir],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )
    process.stdin.write(password + "\n" + new_password + "\n")
    process.stdin.flush()
    uri = process.stdout.readline().strip()
    assert uri.startswith("otpauth://totp/")
    seed = uri.split("secret=")[1].split("&")[0]
    totp = pyotp.TOTP(seed)
    now = int(time.time())
    step = now // 30
    # The two codes before the current one, so that the current one is still unused for the sign-in.
    out, err = process.communicate(totp.at((step - 2) * 30) + "\n" + totp.at((step - 1) * 30) + "\n", timeout=30)
    assert process.returncode == 0, err
    return seed


def test_organization_accounts_and_units(server):
    management = clients(server, fresh_account(server, "org"))
    orgs = management["organizations"]
    with pytest.raises(ClientError) as missing:
        orgs.describe_organization()
    assert error(missing)[0] == "AWSOrganizationsNotInUseException"
    organization = orgs.create_organization(FeatureSet="ALL")["Organization"]
    assert organization["Id"].startswith("o-") and organization["FeatureSet"] == "ALL"
    with pytest.raises(ClientError) as again:
        orgs.create_organization()
    assert error(again)[0] == "AlreadyInOrganizationException"
    root = orgs.list_roots()["Roots"][0]
    status = orgs.create_account(Email=f"member-{time.time_ns()}@example.com", AccountName="Member")["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED"
    member_id = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
    accounts = {a["Id"]: a for a in orgs.list_accounts()["Accounts"]}
    assert accounts[member_id]["Name"] == "Member" and accounts[member_id]["JoinedMethod"] == "CREATED"
    unit = orgs.create_organizational_unit(ParentId=root["Id"], Name="Workloads")["OrganizationalUnit"]
    with pytest.raises(ClientError) as duplicate:
        orgs.create_organizational_unit(ParentId=root["Id"], Name="Workloads")
    assert error(duplicate)[0] == "DuplicateOrganizationalUnitException"
    orgs.move_account(AccountId=member_id, SourceParentId=root["Id"], DestinationParentId=unit["Id"])
    assert orgs.list_parents(ChildId=member_id)["Parents"] == [{"Id": unit["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert [c["Id"] for c in orgs.list_children(ParentId=unit["Id"], ChildType="ACCOUNT")["Children"]] == [member_id]
    with pytest.raises(ClientError) as not_empty:
        orgs.delete_organizational_unit(OrganizationalUnitId=unit["Id"])
    assert error(not_empty)[0] == "OrganizationalUnitNotEmptyException"
    with pytest.raises(ClientError) as busy:
        orgs.delete_organization()
    assert error(busy)[0] == "OrganizationNotEmptyException"
    # The management account assumes the role CreateAccount made, and is the new account's administrator.
    role = management["sts"]
    iam_user = management["iam"].create_user(UserName=f"ops-{time.time_ns()}")["User"]
    management["iam"].attach_user_policy(UserName=iam_user["UserName"], PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    keys = management["iam"].create_access_key(UserName=iam_user["UserName"])["AccessKey"]
    ops_sts = server.client("sts", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"])
    assumed = wait_for(lambda: ops_sts.assume_role(RoleArn=f"arn:aws:iam::{member_id}:role/OrganizationAccountAccessRole", RoleSessionName="ops"))
    creds = assumed["Credentials"]
    member_iam = server.client("iam", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    member_iam.create_user(UserName="made-from-management")
    assert role.get_caller_identity()["Account"] != member_id


def test_identity_center_journey(server):
    management_keys = fresh_account(server, "sso")
    management = clients(server, management_keys)
    orgs, admin, ids = management["organizations"], management["sso-admin"], management["identitystore"]
    orgs.create_organization(FeatureSet="ALL")
    member_id = orgs.create_account(Email=f"workload-{time.time_ns()}@example.com", AccountName="Workload")["CreateAccountStatus"]["AccountId"]

    instance_arn = admin.create_instance(Name="Company")["InstanceArn"]
    instance = admin.describe_instance(InstanceArn=instance_arn)
    assert instance["EncryptionConfigurationDetails"]["KeyType"] == "AWS_OWNED_KMS_KEY"
    assert instance["OwnerAccountId"] == orgs.describe_organization()["Organization"]["MasterAccountId"]
    assert clients(server, management_keys, region="eu-west-1")["sso-admin"].list_instances()["Instances"] == []
    store = instance["IdentityStoreId"]

    admin_set = admin.create_permission_set(InstanceArn=instance_arn, Name="Admin", SessionDuration="PT2H")["PermissionSet"]
    power_set = admin.create_permission_set(InstanceArn=instance_arn, Name="PowerUser")["PermissionSet"]
    assert power_set["SessionDuration"] == "PT1H"
    with pytest.raises(ClientError) as too_long:
        admin.create_permission_set(InstanceArn=instance_arn, Name="TooLong", SessionDuration="PT13H")
    assert error(too_long)[0] == "ValidationException"
    admin.attach_managed_policy_to_permission_set(
        InstanceArn=instance_arn, PermissionSetArn=admin_set["PermissionSetArn"], ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    admin.attach_managed_policy_to_permission_set(
        InstanceArn=instance_arn, PermissionSetArn=power_set["PermissionSetArn"], ManagedPolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")

    alice = new_user(ids, store, "alice")
    bob = new_user(ids, store, "bob")
    with pytest.raises(ClientError) as taken:
        new_user(ids, store, "alice")
    assert error(taken)[0] == "ConflictException"
    for reserved in ("Administrator", "AWSAdministrators"):
        with pytest.raises(ClientError) as taken_by_aws:
            ids.create_group(IdentityStoreId=store, DisplayName=reserved)
        assert error(taken_by_aws)[0] == "ValidationException"
    with pytest.raises(ClientError) as no_display_name:
        ids.create_user(IdentityStoreId=store, UserName="nameless", Name={"GivenName": "N", "FamilyName": "L"})
    assert error(no_display_name)[0] == "ValidationException"
    admins = ids.create_group(IdentityStoreId=store, DisplayName="Admins")["GroupId"]
    ids.create_group_membership(IdentityStoreId=store, GroupId=admins, MemberId={"UserId": alice})
    assert ids.get_user_id(IdentityStoreId=store, AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "alice"}})["UserId"] == alice

    created = admin.create_account_assignment(
        InstanceArn=instance_arn, TargetId=member_id, TargetType="AWS_ACCOUNT", PermissionSetArn=admin_set["PermissionSetArn"],
        PrincipalType="GROUP", PrincipalId=admins)["AccountAssignmentCreationStatus"]
    status = admin.describe_account_assignment_creation_status(
        InstanceArn=instance_arn, AccountAssignmentCreationRequestId=created["RequestId"])["AccountAssignmentCreationStatus"]
    assert status["Status"] == "SUCCEEDED"
    # An ID given with its hexadecimal in capitals is stored as the user's own.
    admin.create_account_assignment(
        InstanceArn=instance_arn, TargetId=member_id, TargetType="AWS_ACCOUNT", PermissionSetArn=power_set["PermissionSetArn"],
        PrincipalType="USER", PrincipalId=bob[:11] + bob[11:].upper())
    (bobs,) = admin.list_account_assignments_for_principal(InstanceArn=instance_arn, PrincipalId=bob, PrincipalType="USER")["AccountAssignments"]
    assert bobs["PrincipalId"] == bob and bobs["PermissionSetArn"] == power_set["PermissionSetArn"]
    provisioned = admin.list_permission_sets_provisioned_to_account(InstanceArn=instance_arn, AccountId=member_id)["PermissionSets"]
    assert sorted(provisioned) == sorted([admin_set["PermissionSetArn"], power_set["PermissionSetArn"]])

    # Everyone needs MFA; a user without a device registers one with their first password change.
    start_url = f"{server.url}/start/{store}"
    password = gatehouse("identity-center", "one-time-password", "--identity-store-id", store, "--user", "alice", data_dir=server.data_dir).stdout.strip()
    seed = register_mfa(server, store, "alice", password, "Correct-Horse-9!")
    token = device_sign_in(server, start_url, "alice", "Correct-Horse-9!", mfa_seed=seed)

    portal = unsigned(server, "sso")
    assert [a["accountId"] for a in portal.list_accounts(accessToken=token["accessToken"])["accountList"]] == [member_id]
    assert [r["roleName"] for r in portal.list_account_roles(accessToken=token["accessToken"], accountId=member_id)["roleList"]] == ["Admin"]
    credentials = portal.get_role_credentials(accessToken=token["accessToken"], accountId=member_id, roleName="Admin")["roleCredentials"]
    assert 7100 < credentials["expiration"] / 1000 - time.time() <= 7200
    session = boto3.Session(
        aws_access_key_id=credentials["accessKeyId"], aws_secret_access_key=credentials["secretAccessKey"],
        aws_session_token=credentials["sessionToken"], region_name="us-east-1")
    identity = session.client("sts", endpoint_url=server.url).get_caller_identity()
    assert identity["Arn"].startswith(f"arn:aws:sts::{member_id}:assumed-role/AWSReservedSSO_Admin_") and identity["Arn"].endswith("/alice")
    session.client("iam", endpoint_url=server.url).create_user(UserName="made-by-alice")

    # Bob's PowerUser session may not touch IAM but may do other work.
    gatehouse("identity-center", "settings", "--identity-store-id", store, "--without-mfa", "ALLOWED", data_dir=server.data_dir)
    bob_password = gatehouse("identity-center", "one-time-password", "--identity-store-id", store, "--user", "bob", data_dir=server.data_dir).stdout.strip()
    bob_token = device_sign_in(server, start_url, "bob", bob_password, change_to="Battery-Staple-7?")
    bob_creds = portal.get_role_credentials(accessToken=bob_token["accessToken"], accountId=member_id, roleName="PowerUser")["roleCredentials"]
    bob_iam = server.client("iam", key=bob_creds["accessKeyId"], secret=bob_creds["secretAccessKey"], token=bob_creds["sessionToken"])
    with pytest.raises(ClientError) as refused:
        bob_iam.create_user(UserName="bob-was-here")
    assert error(refused)[0] == "AccessDenied"
    bob_trail = server.client("cloudtrail", key=bob_creds["accessKeyId"], secret=bob_creds["secretAccessKey"], token=bob_creds["sessionToken"])
    # PowerUser may read the trail, where the refused call is attributed to bob's session.
    wait_for(lambda: any(
        e["EventName"] == "CreateUser"
        for e in bob_trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "bob"}])["Events"]))
    with pytest.raises(ClientError) as not_assigned:
        portal.get_role_credentials(accessToken=bob_token["accessToken"], accountId=member_id, roleName="Admin")
    assert error(not_assigned)[1] == 403

    # Removing the assignment revokes new credentials and removes the role.
    admin.delete_account_assignment(
        InstanceArn=instance_arn, TargetId=member_id, TargetType="AWS_ACCOUNT", PermissionSetArn=admin_set["PermissionSetArn"],
        PrincipalType="GROUP", PrincipalId=admins)
    with pytest.raises(ClientError) as revoked:
        portal.get_role_credentials(accessToken=token["accessToken"], accountId=member_id, roleName="Admin")
    assert error(revoked)[1] == 403
    assert portal.list_accounts(accessToken=token["accessToken"])["accountList"] == []

    # The refresh token renews the access token; Logout ends the session.
    oidc = unsigned(server, "sso-oidc")
    with pytest.raises(ClientError) as wrong_client:
        oidc.create_token(clientId="nobody", clientSecret="x", grantType="refresh_token", refreshToken=bob_token["refreshToken"])
    assert error(wrong_client)[0] == "InvalidClientException"
    portal.logout(accessToken=bob_token["accessToken"])
    with pytest.raises(ClientError) as logged_out:
        portal.list_accounts(accessToken=bob_token["accessToken"])
    assert error(logged_out)[0] == "UnauthorizedException"


def test_account_instance_cannot_assign_accounts(server):
    standalone = clients(server, fresh_account(server, "solo"))
    admin = standalone["sso-admin"]
    instance_arn = admin.create_instance()["InstanceArn"]
    with pytest.raises(ClientError) as twice:
        admin.create_instance()
    assert error(twice)[0] == "ConflictException"
    store = admin.describe_instance(InstanceArn=instance_arn)["IdentityStoreId"]
    user = new_user(standalone["identitystore"], store, "carol")
    permission_set = admin.create_permission_set(InstanceArn=instance_arn, Name="ReadOnly")["PermissionSet"]
    with pytest.raises(ClientError) as refused:
        admin.create_account_assignment(
            InstanceArn=instance_arn, TargetId="123456789012", TargetType="AWS_ACCOUNT", PermissionSetArn=permission_set["PermissionSetArn"],
            PrincipalType="USER", PrincipalId=user)
    assert error(refused)[0] == "ValidationException"


def test_permission_set_policies_and_reprovisioning(server):
    keys = fresh_account(server, "psets")
    management = clients(server, keys)
    orgs, admin, ids = management["organizations"], management["sso-admin"], management["identitystore"]
    orgs.create_organization()
    member = orgs.create_account(Email=f"ps-{time.time_ns()}@example.com", AccountName="Apps")["CreateAccountStatus"]["AccountId"]
    instance_arn = admin.create_instance()["InstanceArn"]
    store = admin.describe_instance(InstanceArn=instance_arn)["IdentityStoreId"]
    ps = admin.create_permission_set(InstanceArn=instance_arn, Name="Custom", Tags=[{"Key": "team", "Value": "ops"}])["PermissionSet"]
    arn = dict(InstanceArn=instance_arn, PermissionSetArn=ps["PermissionSetArn"])
    inline = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
    with pytest.raises(ClientError) as bad:
        admin.put_inline_policy_to_permission_set(**arn, InlinePolicy='{"Statement":[{"Effect":"Maybe"}]}')
    assert error(bad)[0] == "ValidationException"
    admin.put_inline_policy_to_permission_set(**arn, InlinePolicy=inline)
    assert admin.get_inline_policy_for_permission_set(**arn)["InlinePolicy"] == inline
    admin.attach_managed_policy_to_permission_set(**arn, ManagedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(ClientError) as unknown:
        admin.attach_managed_policy_to_permission_set(**arn, ManagedPolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")
    assert error(unknown)[0] == "ResourceNotFoundException"
    admin.attach_customer_managed_policy_reference_to_permission_set(**arn, CustomerManagedPolicyReference={"Name": "AppPolicy"})
    admin.put_permissions_boundary_to_permission_set(**arn, PermissionsBoundary={"ManagedPolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"})
    assert admin.list_tags_for_resource(InstanceArn=instance_arn, ResourceArn=ps["PermissionSetArn"])["Tags"] == [{"Key": "team", "Value": "ops"}]

    user = new_user(ids, store, "dana")
    ids.update_user(IdentityStoreId=store, UserId=user, Operations=[{"AttributePath": "displayName", "AttributeValue": "Dana D."}])
    assert ids.describe_user(IdentityStoreId=store, UserId=user)["DisplayName"] == "Dana D."
    with pytest.raises(ClientError) as immutable:
        ids.update_user(IdentityStoreId=store, UserId=user, Operations=[{"AttributePath": "userName", "AttributeValue": "other"}])
    assert error(immutable)[0] == "ValidationException"

    # The customer managed policy is missing in the account: provisioning fails and says why.
    failed = admin.create_account_assignment(
        **arn, TargetId=member, TargetType="AWS_ACCOUNT", PrincipalType="USER", PrincipalId=user)["AccountAssignmentCreationStatus"]
    assert failed["Status"] == "FAILED" and "AppPolicy" in failed["FailureReason"]

    # Made in the member account (through the organization's access role), the assignment provisions.
    ops = management["iam"].create_user(UserName=f"ops-{time.time_ns()}")["User"]["UserName"]
    management["iam"].attach_user_policy(UserName=ops, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    ops_keys = management["iam"].create_access_key(UserName=ops)["AccessKey"]
    ops_sts = server.client("sts", key=ops_keys["AccessKeyId"], secret=ops_keys["SecretAccessKey"])
    creds = wait_for(lambda: ops_sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="ops"))["Credentials"]
    member_iam = server.client("iam", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    member_iam.create_policy(PolicyName="AppPolicy", PolicyDocument=inline)
    done = admin.create_account_assignment(
        **arn, TargetId=member, TargetType="AWS_ACCOUNT", PrincipalType="USER", PrincipalId=user)["AccountAssignmentCreationStatus"]
    assert done["Status"] == "SUCCEEDED"
    roles = member_iam.list_roles(PathPrefix="/aws-reserved/sso.amazonaws.com/")["Roles"]
    assert len(roles) == 1 and roles[0]["RoleName"].startswith("AWSReservedSSO_Custom_")
    role = roles[0]["RoleName"]
    attached = {p["PolicyArn"] for p in member_iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]}
    assert attached == {"arn:aws:iam::aws:policy/ReadOnlyAccess", f"arn:aws:iam::{member}:policy/AppPolicy"}
    assert member_iam.list_role_policies(RoleName=role)["PolicyNames"] == ["AwsSSOInlinePolicy"]
    assert member_iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == "arn:aws:iam::aws:policy/PowerUserAccess"
    # No IAM principal can assume the role: only Identity Center sessions.
    with pytest.raises(ClientError) as trust:
        ops_sts.assume_role(RoleArn=roles[0]["Arn"], RoleSessionName="sneak")
    assert error(trust)[0] == "AccessDenied"

    # A change leaves the account behind until the permission set is provisioned again.
    admin.detach_managed_policy_from_permission_set(**arn, ManagedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    stale = admin.list_permission_sets_provisioned_to_account(
        InstanceArn=instance_arn, AccountId=member, ProvisioningStatus="LATEST_PERMISSION_SET_NOT_PROVISIONED")["PermissionSets"]
    assert stale == [ps["PermissionSetArn"]]
    status = admin.provision_permission_set(**arn, TargetType="ALL_PROVISIONED_ACCOUNTS")["PermissionSetProvisioningStatus"]
    assert admin.describe_permission_set_provisioning_status(
        InstanceArn=instance_arn, ProvisionPermissionSetRequestId=status["RequestId"])["PermissionSetProvisioningStatus"]["Status"] == "SUCCEEDED"
    attached = {p["PolicyArn"] for p in member_iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]}
    assert attached == {f"arn:aws:iam::{member}:policy/AppPolicy"}

    # Deleting the user removes its assignment, and with it the role.
    with pytest.raises(ClientError) as in_use:
        admin.delete_permission_set(**arn)
    assert error(in_use)[0] == "ConflictException"
    ids.delete_user(IdentityStoreId=store, UserId=user)
    assert member_iam.list_roles(PathPrefix="/aws-reserved/sso.amazonaws.com/")["Roles"] == []
    admin.delete_permission_set(**arn)
    assert admin.list_permission_sets(InstanceArn=instance_arn)["PermissionSets"] == []


def test_identity_store_names_emails_and_memberships_stay_unique(server):
    standalone = clients(server, fresh_account(server, "unique"))
    admin, ids = standalone["sso-admin"], standalone["identitystore"]
    store = admin.describe_instance(InstanceArn=admin.create_instance()["InstanceArn"])["IdentityStoreId"]

    def conflict(call, **kwargs):
        with pytest.raises(ClientError) as refused:
            call(IdentityStoreId=store, **kwargs)
        assert error(refused)[0] == "ConflictException"
        return refused.value.response["Error"]["Message"]

    dana = new_user(ids, store, "dana")
    person = {"DisplayName": "D", "Name": {"GivenName": "D", "FamilyName": "E"}}
    conflict(ids.create_user, UserName="DANA", **person)
    assert "dana" in conflict(ids.create_user, UserName="other", Emails=[{"Value": "Dana@Example.COM"}], **person)
    # A new email frees the old one and is taken in turn.
    ids.update_user(IdentityStoreId=store, UserId=dana, Operations=[{"AttributePath": "emails", "AttributeValue": [{"Value": "d@example.com"}]}])
    erin = ids.create_user(IdentityStoreId=store, UserName="erin", Emails=[{"Value": "dana@example.com"}], **person)["UserId"]
    conflict(ids.create_user, UserName="frank", Emails=[{"Value": "D@example.com"}], **person)
    # A deleted user's name and email are free again.
    ids.delete_user(IdentityStoreId=store, UserId=dana)
    dana = ids.create_user(IdentityStoreId=store, UserName="Dana", Emails=[{"Value": "d@example.com"}], **person)["UserId"]
    found = ids.get_user_id(IdentityStoreId=store, AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "dana"}})
    assert found["UserId"] == dana

    def by_email(email):
        return ids.get_user_id(IdentityStoreId=store, AlternateIdentifier={"UniqueAttribute": {"AttributePath": "emails.value", "AttributeValue": email}})["UserId"]

    assert by_email("D@Example.com") == dana and by_email("dana@example.com") == erin
    ids.update_user(IdentityStoreId=store, UserId=erin, Operations=[{"AttributePath": "emails", "AttributeValue": [{"Value": "erin@example.com"}]}])
    assert by_email("erin@example.com") == erin
    with pytest.raises(ClientError) as gone:
        by_email("dana@example.com")
    assert error(gone)[0] == "ResourceNotFoundException"

    ops = ids.create_group(IdentityStoreId=store, DisplayName="Ops")["GroupId"]
    conflict(ids.create_group, DisplayName="OPS")
    ids.update_group(IdentityStoreId=store, GroupId=ops, Operations=[{"AttributePath": "displayName", "AttributeValue": "Operations"}])
    conflict(ids.create_group, DisplayName="operations")
    group_id = ids.get_group_id(IdentityStoreId=store, AlternateIdentifier={"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": "OPERATIONS"}})
    assert group_id["GroupId"] == ops
    with pytest.raises(ClientError) as renamed:
        ids.get_group_id(IdentityStoreId=store, AlternateIdentifier={"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": "Ops"}})
    assert error(renamed)[0] == "ResourceNotFoundException"
    ids.create_group(IdentityStoreId=store, DisplayName="ops")

    membership = ids.create_group_membership(IdentityStoreId=store, GroupId=ops, MemberId={"UserId": erin})["MembershipId"]
    conflict(ids.create_group_membership, GroupId=ops, MemberId={"UserId": erin})
    ids.delete_group_membership(IdentityStoreId=store, MembershipId=membership)
    again = ids.create_group_membership(IdentityStoreId=store, GroupId=ops, MemberId={"UserId": erin})["MembershipId"]
    listed = ids.list_group_memberships_for_member(IdentityStoreId=store, MemberId={"UserId": erin})["GroupMemberships"]
    assert [m["MembershipId"] for m in listed] == [again]
    # Deleting the user takes its memberships with it; the membership can be made again for a new user.
    ids.delete_user(IdentityStoreId=store, UserId=erin)
    assert ids.list_group_memberships(IdentityStoreId=store, GroupId=ops)["GroupMemberships"] == []
    ids.delete_group(IdentityStoreId=store, GroupId=ops)
    ids.create_group(IdentityStoreId=store, DisplayName="Operations")

    # An ID's hexadecimal may come in capitals: the names it frees are freed all the same.
    loud = ids.create_group(IdentityStoreId=store, DisplayName="Loud")["GroupId"]
    shouted = loud[:11] + loud[11:].upper()
    ids.update_group(IdentityStoreId=store, GroupId=shouted, Operations=[{"AttributePath": "displayName", "AttributeValue": "Louder"}])
    ids.create_group(IdentityStoreId=store, DisplayName="Loud")
    ids.delete_group(IdentityStoreId=store, GroupId=shouted)
    ids.create_group(IdentityStoreId=store, DisplayName="Louder")


def test_identity_store_lists_page_in_id_order(server):
    standalone = clients(server, fresh_account(server, "pages"))
    admin, ids = standalone["sso-admin"], standalone["identitystore"]
    store = admin.describe_instance(InstanceArn=admin.create_instance()["InstanceArn"])["IdentityStoreId"]
    made = sorted(new_user(ids, store, f"user{n}") for n in range(5))
    seen, token = [], None
    while True:
        page = ids.list_users(IdentityStoreId=store, MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["Users"]) <= 2
        seen += [u["UserId"] for u in page["Users"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == made
    by_name = ids.list_users(IdentityStoreId=store, Filters=[{"AttributePath": "UserName", "AttributeValue": "USER3"}])["Users"]
    assert [u["UserName"] for u in by_name] == ["user3"]
