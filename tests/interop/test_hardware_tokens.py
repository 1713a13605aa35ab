"""Hardware TOTP tokens: the operator registers a token's seed (`gatehouse mfa add-hardware-token`); a user assigns
it by serial number and two consecutive codes (EnableMFADevice); it is one account's at a time until deactivated."""
import base64
import secrets
import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from gatehouse import error, fresh_account, gatehouse


def register_token(server):
    serial = "GAHT" + secrets.token_hex(5).upper()
    seed = base64.b32encode(secrets.token_bytes(20)).decode()
    assert gatehouse("mfa", "add-hardware-token", "--serial-number", serial, data_dir=server.data_dir, stdin=seed + "\n").stdout.strip() == serial
    return serial, pyotp.TOTP(seed)


def codes(totp, offset=0):
    now = time.time() + offset
    return {"AuthenticationCode1": totp.at(now - 30), "AuthenticationCode2": totp.at(now)}


def test_a_user_assigns_a_registered_token_and_gives_it_back(server):
    serial, totp = register_token(server)
    first = fresh_account(server, "hw1")
    iam = server.client("iam", key=first["AccessKeyId"], secret=first["SecretAccessKey"])
    iam.create_user(UserName="ops")
    with pytest.raises(ClientError) as wrong:
        iam.enable_mfa_device(UserName="ops", SerialNumber=serial, AuthenticationCode1="000000", AuthenticationCode2="000000")
    assert error(wrong)[0] == "InvalidAuthenticationCode"
    with pytest.raises(ClientError) as unknown:
        iam.enable_mfa_device(UserName="ops", SerialNumber="GAHT0000UNKNOWN", **codes(totp))
    assert error(unknown)[0] == "NoSuchEntity"

    iam.enable_mfa_device(UserName="ops", SerialNumber=serial, **codes(totp))
    [device] = iam.list_mfa_devices(UserName="ops")["MFADevices"]
    assert device["SerialNumber"] == serial
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []

    second = fresh_account(server, "hw2")
    other = server.client("iam", key=second["AccessKeyId"], secret=second["SecretAccessKey"])
    other.create_user(UserName="dev")
    with pytest.raises(ClientError) as taken:
        other.enable_mfa_device(UserName="dev", SerialNumber=serial, **codes(totp, 30))
    assert error(taken)[0] == "EntityAlreadyExists"

    iam.deactivate_mfa_device(UserName="ops", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="ops")["MFADevices"] == []
    other.enable_mfa_device(UserName="dev", SerialNumber=serial, **codes(totp, 30))
    assert other.list_mfa_devices(UserName="dev")["MFADevices"][0]["SerialNumber"] == serial


def test_the_operator_cannot_register_a_serial_twice_or_a_bad_seed(server):
    serial, _ = register_token(server)
    again = gatehouse("mfa", "add-hardware-token", "--serial-number", serial, data_dir=server.data_dir, stdin="JBSWY3DPEHPK3PXPJBSWY3DP\n", check=False)
    assert again.returncode != 0 and "registered already" in again.stderr
    bad = gatehouse("mfa", "add-hardware-token", "--serial-number", "GAHT-BAD-SEED1", data_dir=server.data_dir, stdin="not base 32!\n", check=False)
    assert bad.returncode != 0 and "base 32" in bad.stderr
