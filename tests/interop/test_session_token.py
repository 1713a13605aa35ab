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
