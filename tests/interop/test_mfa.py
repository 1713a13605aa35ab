"""Virtual MFA devices: the QR code an authenticator app scans, two consecutive codes, no code twice."""
import subprocess
import time

import pyotp
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse import fresh_account


@pytest.fixture
def account(server):
    return fresh_account(server, "mfa")


def iam(server, account, **config):
    return server.client("iam", key=account["AccessKeyId"], secret=account["SecretAccessKey"], **config)


def scan(png, tmp_path):
    """Reads the QR code as a phone would: zbarimg on the PNG."""
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    result = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def two_codes(totp):
    now = time.time()
    return totp.at(now - 30), totp.at(now)


def test_qr_code_carries_the_seed(server, account, tmp_path):
    device = iam(server, account).create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
    assert device["SerialNumber"] == f"arn:aws:iam::{account['AccountId']}:mfa/phone"
    uri = scan(device["QRCodePNG"], tmp_path)
    assert uri.startswith("otpauth://totp/")
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == device["Base32StringSeed"].decode()
    assert parsed.digits == 6 and parsed.interval == 30


def test_user_enables_lists_and_deletes_a_device(server, account, tmp_path):
    client = iam(server, account)
    client.create_user(UserName="alice")
    device = client.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone", Path="/people/")["VirtualMFADevice"]
    totp = pyotp.parse_uri(scan(device["QRCodePNG"], tmp_path))
    serial = device["SerialNumber"]
    assert serial.endswith(":mfa/people/alice-phone")
    with pytest.raises(ClientError) as excinfo:
        client.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
    assert excinfo.value.response["Error"]["Code"] == "InvalidAuthenticationCode"
    first, second = two_codes(totp)
    client.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second)
    (listed,) = client.list_mfa_devices(UserName="alice")["MFADevices"]
    assert listed["SerialNumber"] == serial and listed["UserName"] == "alice"
    assigned = client.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [d["User"]["UserName"] for d in assigned] == ["alice"]
    assert client.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"] == []
    assert client.get_mfa_device(SerialNumber=serial)["UserName"] == "alice"
    # A code is never accepted twice.
    with pytest.raises(ClientError) as excinfo:
        client.resync_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second)
    assert excinfo.value.response["Error"]["Code"] == "InvalidAuthenticationCode"
    with pytest.raises(ClientError) as excinfo:
        client.delete_user(UserName="alice")
    assert excinfo.value.response["Error"]["Code"] == "DeleteConflict"
    with pytest.raises(ClientError) as excinfo:
        client.delete_virtual_mfa_device(SerialNumber=serial)
    assert excinfo.value.response["Error"]["Code"] == "DeleteConflict"
    client.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    client.delete_virtual_mfa_device(SerialNumber=serial)
    client.delete_user(UserName="alice")
    assert client.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_root_scripts_its_own_mfa(server, account, tmp_path):
    # boto3 insists on UserName for EnableMFADevice; Gatehouse lets root omit it (meaning itself).
    client = iam(server, account, parameter_validation=False)
    assert client.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    device = client.create_virtual_mfa_device(VirtualMFADeviceName="root-key")["VirtualMFADevice"]
    first, second = two_codes(pyotp.parse_uri(scan(device["QRCodePNG"], tmp_path)))
    client.enable_mfa_device(SerialNumber=device["SerialNumber"], AuthenticationCode1=first, AuthenticationCode2=second)
    assert client.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    (assigned,) = client.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned["User"]["Arn"] == f"arn:aws:iam::{account['AccountId']}:root"


def test_an_iam_user_named_root_never_reaches_the_root_users_devices(server, account, tmp_path):
    client = iam(server, account, parameter_validation=False)
    device = client.create_virtual_mfa_device(VirtualMFADeviceName="root-app")["VirtualMFADevice"]
    root_serial = device["SerialNumber"]
    first, second = two_codes(pyotp.parse_uri(scan(device["QRCodePNG"], tmp_path)))
    client.enable_mfa_device(SerialNumber=root_serial, AuthenticationCode1=first, AuthenticationCode2=second)
    # `UserName` names an IAM user, and there is none called root.
    for call in (
        lambda: client.list_mfa_devices(UserName="root"),
        lambda: client.deactivate_mfa_device(UserName="root", SerialNumber=root_serial),
        lambda: client.deactivate_mfa_device(UserName="ROOT", SerialNumber=root_serial),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    assert client.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1

    # An IAM user may be called root; its devices are its own.
    client.create_user(UserName="Root")
    assert client.list_mfa_devices(UserName="Root")["MFADevices"] == []
    with pytest.raises(ClientError) as excinfo:
        client.deactivate_mfa_device(UserName="Root", SerialNumber=root_serial)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    own = client.create_virtual_mfa_device(VirtualMFADeviceName="user-root-app")["VirtualMFADevice"]
    first, second = two_codes(pyotp.parse_uri(scan(own["QRCodePNG"], tmp_path)))
    client.enable_mfa_device(UserName="root", SerialNumber=own["SerialNumber"], AuthenticationCode1=first, AuthenticationCode2=second)
    assert [(d["UserName"], d["SerialNumber"]) for d in client.list_mfa_devices(UserName="ROOT")["MFADevices"]] == [("Root", own["SerialNumber"])]
    assert [(d["UserName"], d["SerialNumber"]) for d in client.list_mfa_devices()["MFADevices"]] == [("root", root_serial)]
    assert client.get_mfa_device(SerialNumber=root_serial)["UserName"] == "root"
    assert client.get_mfa_device(SerialNumber=own["SerialNumber"])["UserName"] == "Root"
    client.deactivate_mfa_device(UserName="Root", SerialNumber=own["SerialNumber"])
    client.delete_user(UserName="Root")
    (still,) = client.list_mfa_devices()["MFADevices"]
    assert still["SerialNumber"] == root_serial
    assert client.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1


def test_at_most_eight_devices_per_user(server, account, tmp_path):
    client = iam(server, account)
    client.create_user(UserName="many")
    for index in range(9):
        device = client.create_virtual_mfa_device(VirtualMFADeviceName=f"d{index}")["VirtualMFADevice"]
        first, second = two_codes(pyotp.TOTP(device["Base32StringSeed"].decode()))
        if index < 8:
            client.enable_mfa_device(UserName="many", SerialNumber=device["SerialNumber"], AuthenticationCode1=first, AuthenticationCode2=second)
        else:
            with pytest.raises(ClientError) as excinfo:
                client.enable_mfa_device(UserName="many", SerialNumber=device["SerialNumber"], AuthenticationCode1=first, AuthenticationCode2=second)
            assert excinfo.value.response["Error"]["Code"] == "LimitExceeded"


def test_seed_never_reaches_the_trail(server, account):
    client = iam(server, account)
    device = client.create_virtual_mfa_device(VirtualMFADeviceName="secret-check")["VirtualMFADevice"]
    events = server.client("cloudtrail", key=account["AccessKeyId"], secret=account["SecretAccessKey"]).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateVirtualMFADevice"}]
    )["Events"]
    assert events
    assert device["Base32StringSeed"].decode() not in events[0]["CloudTrailEvent"]


def test_device_tags(server, account):
    client = iam(server, account)
    serial = client.create_virtual_mfa_device(VirtualMFADeviceName="tagged", Tags=[{"Key": "team", "Value": "ops"}])["VirtualMFADevice"]["SerialNumber"]
    client.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "Name", "Value": "Desk token"}, {"Key": "team", "Value": "sec"}])
    assert sorted((t["Key"], t["Value"]) for t in client.list_mfa_device_tags(SerialNumber=serial)["Tags"]) == [("Name", "Desk token"), ("team", "sec")]
    client.untag_mfa_device(SerialNumber=serial, TagKeys=["team"])
    assert client.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "Name", "Value": "Desk token"}]
    with pytest.raises(ClientError) as missing:
        client.list_mfa_device_tags(SerialNumber=f"arn:aws:iam::{account['AccountId']}:mfa/nothing")
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"


def test_a_renamed_user_keeps_its_devices(server, account, tmp_path):
    client = iam(server, account)
    client.create_user(UserName="mallory")
    device = client.create_virtual_mfa_device(VirtualMFADeviceName="mallory-phone")["VirtualMFADevice"]
    first, second = two_codes(pyotp.parse_uri(scan(device["QRCodePNG"], tmp_path)))
    client.enable_mfa_device(UserName="mallory", SerialNumber=device["SerialNumber"], AuthenticationCode1=first, AuthenticationCode2=second)
    client.update_user(UserName="mallory", NewUserName="marlow")
    (moved,) = client.list_mfa_devices(UserName="marlow")["MFADevices"]
    assert moved["SerialNumber"] == device["SerialNumber"] and moved["UserName"] == "marlow"
    # A new user with the old name has no device of the old one's.
    client.create_user(UserName="mallory")
    assert client.list_mfa_devices(UserName="mallory")["MFADevices"] == []
    client.delete_user(UserName="mallory")
    with pytest.raises(ClientError) as excinfo:
        client.delete_user(UserName="marlow")
    assert excinfo.value.response["Error"]["Code"] == "DeleteConflict"
