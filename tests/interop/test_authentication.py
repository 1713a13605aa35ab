"""SigV4 authentication through the real boto3 and aws CLI: the answers and errors AWS gives."""
import datetime
import re

import botocore
import pytest
import requests
from botocore.exceptions import ClientError

from signing import FORM, now, signed, without_signature


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_root_caller_identity_with_boto3(server):
    identity = server.client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"
    assert re.fullmatch(r"[0-9a-f-]{36}", identity["ResponseMetadata"]["RequestId"])
    assert identity["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"] == identity["ResponseMetadata"]["RequestId"]


def test_root_caller_identity_with_aws_cli(server):
    import json

    result = server.aws("sts", "get-caller-identity")
    assert json.loads(result.stdout)["Arn"] == "arn:aws:iam::000000000000:root"


def test_any_region_signs(server):
    assert server.client("sts", region="eu-central-1").get_caller_identity()["Account"] == "000000000000"


def test_wrong_secret_is_signature_mismatch(server):
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", secret="wrong").get_caller_identity()
    assert error_code(excinfo) == "SignatureDoesNotMatch"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "The request signature we calculated does not match" in str(excinfo.value)


def test_unknown_key_is_invalid_client_token(server):
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", key="AKIAUNKNOWNKEY000000").get_caller_identity()
    assert error_code(excinfo) == "InvalidClientTokenId"
    assert excinfo.value.response["Error"]["Message"] == "The security token included in the request is invalid."


def test_unknown_key_through_aws_cli(server):
    result = server.aws("sts", "get-caller-identity", key="AKIANOTAKEY", check=False)
    assert result.returncode != 0
    assert "InvalidClientTokenId" in result.stderr


def test_unsigned_request_is_missing_authentication_token(server):
    client = server.client("sts", signature_version=botocore.UNSIGNED)
    with pytest.raises(ClientError) as excinfo:
        client.get_caller_identity()
    assert error_code(excinfo) == "MissingAuthenticationToken"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_partial_authorization_header_is_incomplete_signature(server):
    client = without_signature(server.client("sts"), "before-send.sts.GetCallerIdentity")
    with pytest.raises(ClientError) as excinfo:
        client.get_caller_identity()
    assert error_code(excinfo) == "IncompleteSignature"
    assert "Authorization header requires 'Signature' parameter." in excinfo.value.response["Error"]["Message"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("minutes", [-20, 20])
def test_request_outside_fifteen_minutes_is_refused(server, minutes):
    response = signed(server.url + "/", "sts", b"Action=GetCallerIdentity&Version=2011-06-15", FORM, at=now() + datetime.timedelta(minutes=minutes))
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    expected = "Signature expired: " if minutes < 0 else "Signature not yet current: "
    assert expected in response.text and "15 min." in response.text


def test_request_within_the_window_is_accepted(server):
    response = signed(server.url + "/", "sts", b"Action=GetCallerIdentity&Version=2011-06-15", FORM, at=now() - datetime.timedelta(minutes=10))
    assert response.status_code == 200
    assert "<Arn>arn:aws:iam::000000000000:root</Arn>" in response.text


def test_presigned_url_works_and_is_bound_to_its_query(server):
    # Signed for GET, as the EKS token does; a URL signed for POST (boto3's default) answers only POST.
    url = server.client("sts").generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
    assert "X-Amz-Signature=" in url
    assert requests.post(url, timeout=10).status_code == 403
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert "<Account>000000000000</Account>" in response.text
    tampered = requests.get(url.replace("Action=GetCallerIdentity", "Action=GetCallerIdentity&Extra=1"), timeout=10)
    assert tampered.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in tampered.text


def test_presigned_url_with_wrong_secret_is_refused(server):
    url = server.client("sts", secret="nope").generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
    response = requests.get(url, timeout=10)
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text


def test_tampered_body_is_refused(server):
    client = server.client("sts")

    def tamper(request, **kwargs):
        body = request.body.encode() if isinstance(request.body, str) else request.body
        request.body = body.replace(b"2011-06-15", b"2011-06-16")  # same length, other bytes

    client.meta.events.register("before-send.sts.GetCallerIdentity", tamper)
    with pytest.raises(ClientError) as excinfo:
        client.get_caller_identity()
    assert error_code(excinfo) == "SignatureDoesNotMatch"


def test_json_service_errors_use_json_codes(server):
    with pytest.raises(ClientError) as excinfo:
        server.client("cloudtrail", key="AKIAUNKNOWNKEY000000").lookup_events()
    assert error_code(excinfo) == "UnrecognizedClientException"
    with pytest.raises(ClientError) as excinfo:
        server.client("cloudtrail", secret="wrong").lookup_events()
    assert error_code(excinfo) == "InvalidSignatureException"
    with pytest.raises(ClientError) as excinfo:
        server.client("cloudtrail", signature_version=botocore.UNSIGNED).lookup_events()
    assert error_code(excinfo) == "MissingAuthenticationTokenException"


def test_dev_keys_do_not_work_without_dev():
    from gatehouse import Server

    plain = Server(dev=False).start()
    try:
        with pytest.raises(ClientError) as excinfo:
            plain.client("sts").get_caller_identity()
        assert error_code(excinfo) == "InvalidClientTokenId"
    finally:
        plain.stop()
