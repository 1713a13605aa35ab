"""Bad input gets an AWS-shaped 4xx error, changes nothing, and the server keeps serving."""
import json
import time

import requests

from signing import CLOUDTRAIL, FORM, signed


def assert_still_serving(server):
    assert server.client("sts").get_caller_identity()["Account"] == "000000000000"


def test_unknown_query_action(server):
    response = signed(server.url + "/", "sts", b"Action=Nope&Version=2011-06-15", FORM)
    assert response.status_code == 400
    assert "<Code>InvalidAction</Code>" in response.text
    assert "Could not find operation Nope for version 2011-06-15" in response.text
    assert response.headers["x-amzn-RequestId"]


def test_missing_action(server):
    response = signed(server.url + "/", "sts", b"Version=2011-06-15", FORM)
    assert response.status_code == 400
    assert "<Code>MissingAction</Code>" in response.text


def test_known_but_unserved_operation_is_not_implemented(server):
    response = signed(server.url + "/", "sts", b"Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=abc", FORM)
    assert response.status_code == 501
    assert "<Code>NotImplemented</Code>" in response.text


def test_unknown_json_target(server):
    headers = {**CLOUDTRAIL, "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Nope"}
    response = signed(server.url + "/", "cloudtrail", b"{}", headers)
    assert response.status_code == 400
    assert response.json()["__type"] == "UnknownOperationException"


def test_malformed_json_body(server):
    response = signed(server.url + "/", "cloudtrail", b'{"MaxResults": ', CLOUDTRAIL)
    assert response.status_code == 400
    assert response.json()["__type"] == "SerializationException"
    assert_still_serving(server)


def test_wrong_json_type(server):
    response = signed(server.url + "/", "cloudtrail", b'{"MaxResults": "ten"}', CLOUDTRAIL)
    assert response.status_code == 400
    assert response.json()["__type"] == "SerializationException"


def test_timestamp_beyond_any_calendar(server):
    # Epoch seconds no date can spell: refused as a timestamp, and the call's audit record (written after
    # it) does not bring the server down.
    for body in (b'{"StartTime": 1e300}', b'{"EndTime": -1e300}'):
        response = signed(server.url + "/", "cloudtrail", body, CLOUDTRAIL)
        assert response.status_code == 400
        assert response.json()["__type"] == "SerializationException"
    time.sleep(0.5)
    assert_still_serving(server)


def test_invalid_utf8_in_form(server):
    response = signed(server.url + "/", "sts", b"Action=GetCallerIdentity&Version=2011-06-15&X=%FF%FE", FORM)
    assert response.status_code == 400
    assert "<Code>MalformedQueryString</Code>" in response.text
    assert_still_serving(server)


def test_unknown_service_in_scope(server):
    response = signed(server.url + "/", "s3", b"Action=ListBuckets", FORM)
    assert response.status_code == 400
    assert "<Code>InvalidAction</Code>" in response.text


def test_huge_body_is_refused(server):
    response = requests.post(server.url + "/", data=b"A" * (3 << 20), headers=FORM, timeout=30)
    assert response.status_code == 413
    assert "RequestEntityTooLarge" in response.text
    assert_still_serving(server)


def test_huge_header_does_not_kill_the_server(server):
    try:
        requests.post(server.url + "/", data=b"Action=GetCallerIdentity", headers={**FORM, "X-Big": "b" * (1 << 20)}, timeout=30)
    except requests.ConnectionError:
        pass  # the HTTP parser may close the connection; what matters is the next request
    assert_still_serving(server)


def test_garbage_get_is_aws_shaped(server):
    response = requests.get(server.url + "/some/where?x=1", timeout=10)
    assert response.status_code in (400, 403)
    assert "<ErrorResponse" in response.text
    assert_still_serving(server)


def test_rest_json_bad_bearer_token(server):
    response = requests.get(
        server.url + "/federation/credentials?role_name=Admin&account_id=123456789012",
        headers={"x-amz-sso_bearer_token": "not-a-token"}, timeout=10,
    )
    assert response.status_code == 401
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"
    assert "token" in response.json()["message"]
    assert_still_serving(server)


def test_wrong_content_type_for_a_query_service(server):
    # A JSON body is not how the query protocol carries parameters: there is no Action to find.
    response = signed(server.url + "/", "sts", b'{"Action": "GetCallerIdentity"}', {"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "<Code>MissingAction</Code>" in response.text
    assert_still_serving(server)


def test_form_body_to_a_json_service(server):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}
    response = signed(server.url + "/", "cloudtrail", b"MaxResults=5", headers)
    assert response.status_code == 400
    assert response.json()["__type"] == "SerializationException"
    assert_still_serving(server)


def test_a_request_of_many_bad_items_gets_a_short_answer(server):
    """100,000 bad group IDs: the message counts every failure and words the first few, so the answer stays small."""
    body = json.dumps({"IdentityStoreId": "d-1234567890", "MemberId": {"UserId": "u"}, "GroupIds": ["!"] * 100_000}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSIdentityStore.IsMemberInGroups"}
    response = signed(server.url + "/", "identitystore", body, headers)
    assert response.status_code == 400 and response.json()["__type"].endswith("ValidationException")
    message = response.json()["message"]
    # the list's length, each of the 100,000 IDs, and the user ID
    assert message.startswith("100002 validation errors detected: Value at 'groupIds' failed to satisfy constraint: "), message[:100]
    assert message.count("failed to satisfy constraint") == 10
    assert len(response.content) < 10_000
    assert_still_serving(server)
