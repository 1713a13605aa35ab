"""STS GetSessionToken for the root user: temporary credentials that work, with their token only."""
import datetime

import pytest
from botocore.exceptions import ClientError

from signing import FORM, signed


def test_session_credentials_work_with_their_token(server):
    credentials = server.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    remaining = credentials["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(minutes=14) < remaining <= datetime.timedelta(minutes=15)
    session = server.client("sts", key=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"], token=credentials["SessionToken"])
    assert session.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    without_token = server.client("sts", key=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"])
    with pytest.raises(ClientError) as excinfo:
        without_token.get_caller_identity()
    assert excinfo.value.response["Error"]["Code"] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as excinfo:
        session.get_session_token()
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"


def test_root_sessions_last_at_most_an_hour(server):
    credentials = server.client("sts").get_session_token(DurationSeconds=7200)["Credentials"]
    remaining = credentials["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
    assert remaining <= datetime.timedelta(hours=1)


def test_duration_below_minimum_is_a_validation_error(server):
    # botocore refuses this before sending; other SDKs send it, so the server must refuse it too.
    response = signed(server.url + "/", "sts", b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=60", FORM)
    assert response.status_code == 400
    assert "<Code>ValidationError</Code>" in response.text
    assert "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: " \
        "Member must have value greater than or equal to 900" in response.text


def test_mfa_conditioned_access_through_get_session_token(server):
    import json
    import time
    import uuid

    import pyotp

    from gatehouse import create_account

    created = create_account(server.data_dir, f"mfa-session-{uuid.uuid4().hex[:8]}@example.com", "mfa-session")
    root = server.client("iam", key=created["AccessKeyId"], secret=created["SecretAccessKey"])
    deadline = time.time() + 2
    while True:
        try:
            root.create_user(UserName="careful")
            break
        except ClientError:
            assert time.time() < deadline
            time.sleep(0.05)
    root.put_user_policy(
        UserName="careful", PolicyName="mfa-only",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]}),
    )
    device = root.create_virtual_mfa_device(VirtualMFADeviceName="careful-phone")["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    root.enable_mfa_device(UserName="careful", SerialNumber=device["SerialNumber"], AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    key = root.create_access_key(UserName="careful")["AccessKey"]
    long_term = server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    with pytest.raises(ClientError) as excinfo:
        long_term.list_users()
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    sts = server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    plain = sts.get_session_token()["Credentials"]
    with pytest.raises(ClientError) as excinfo:
        server.client("iam", key=plain["AccessKeyId"], secret=plain["SecretAccessKey"], token=plain["SessionToken"]).list_users()
    assert excinfo.value.response["Error"]["Code"] == "InvalidClientTokenId"  # no IAM without MFA, as on AWS
    time.sleep(30.5 - time.time() % 30)  # the enrolment codes are spent; wait for a fresh one
    with_mfa = sts.get_session_token(SerialNumber=device["SerialNumber"], TokenCode=totp.now())["Credentials"]
    session = server.client("iam", key=with_mfa["AccessKeyId"], secret=with_mfa["SecretAccessKey"], token=with_mfa["SessionToken"])
    assert [u["UserName"] for u in session.list_users()["Users"]] == ["careful"]
    # The same code cannot mint a second session.
    with pytest.raises(ClientError) as excinfo:
        sts.get_session_token(SerialNumber=device["SerialNumber"], TokenCode=totp.now())
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
