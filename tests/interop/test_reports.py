"""Credential report and account authorization details, as auditors read them."""
import csv
import io

import pytest
from botocore.exceptions import ClientError

from gatehouse import fresh_account

COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,"
    "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


@pytest.fixture
def iam(server):
    created = fresh_account(server, "report")
    return server.client("iam", key=created["AccessKeyId"], secret=created["SecretAccessKey"]), created


def test_report_is_absent_until_generated(iam):
    client, _ = iam
    with pytest.raises(ClientError) as excinfo:
        client.get_credential_report()
    assert excinfo.value.response["Error"]["Code"] == "ReportNotPresent"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_report_rows(iam):
    client, created = iam
    client.create_user(UserName="carol")
    client.create_login_profile(UserName="carol", Password="Str0ng-Passw0rd!")
    key = client.create_access_key(UserName="carol")["AccessKey"]
    client.update_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    client.create_user(UserName="dave")
    assert client.generate_credential_report()["State"] == "COMPLETE"
    report = client.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    text = report["Content"].decode()
    assert text.splitlines()[0] == COLUMNS
    rows = {row["user"]: row for row in csv.DictReader(io.StringIO(text))}
    root = rows["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{created['AccountId']}:root"
    assert root["password_enabled"] == "not_supported"
    assert root["access_key_1_active"] == "true"  # the account was made with a root key
    assert root["access_key_1_last_used_service"] in ("iam", "sts")
    carol = rows["carol"]
    assert carol["password_enabled"] == "true"
    assert carol["password_last_changed"] != "N/A"
    assert carol["access_key_1_active"] == "false"
    assert carol["access_key_1_last_used_date"] == "N/A"
    assert carol["mfa_active"] == "false"
    assert rows["dave"]["password_enabled"] == "false"
    assert rows["dave"]["access_key_1_active"] == "false"


def test_authorization_details(iam):
    client, created = iam
    client.create_group(GroupName="devops")
    client.attach_group_policy(GroupName="devops", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    client.create_user(UserName="erin")
    client.add_user_to_group(GroupName="devops", UserName="erin")
    client.put_user_policy(
        UserName="erin", PolicyName="own",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}',
    )
    details = client.get_account_authorization_details()
    (erin,) = details["UserDetailList"]
    assert erin["GroupList"] == ["devops"]
    assert erin["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "iam:GetUser"
    (devops,) = details["GroupDetailList"]
    assert devops["AttachedManagedPolicies"] == [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
    assert [p["Arn"] for p in details["Policies"]] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert details["Policies"][0]["PolicyVersionList"][0]["IsDefaultVersion"] is True
    only_groups = client.get_account_authorization_details(Filter=["Group"])
    assert only_groups["UserDetailList"] == [] and len(only_groups["GroupDetailList"]) == 1
