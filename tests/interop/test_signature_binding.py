"""A signature binds the operation it was made for: the credential scope's service, the headers that choose the
operation, and the body. Each test replays a request an attacker could get hold of (a presigned identity proof,
a captured signed request) with something changed."""
import json
import time
import uuid

import botocore.auth
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from gatehouse import fresh_account
from signing import FORM, signed


def account(server):
    created = fresh_account(server, "binding")
    client = lambda service: server.client(service, key=created["AccessKeyId"], secret=created["SecretAccessKey"])  # noqa: E731
    return created, client


def test_a_presigned_identity_url_cannot_be_turned_into_another_operation(server):
    created, client = account(server)
    client("organizations").create_organization(FeatureSet="ALL")
    url = client("sts").generate_presigned_url("get_caller_identity", ExpiresIn=300)
    # The URL itself proves who signed it, as Vault and EKS use it (boto3 presigns STS for POST).
    proof = requests.post(url, timeout=10)
    assert proof.status_code == 200 and created["AccountId"] in proof.text
    attack = requests.post(
        url,
        headers={"X-Amz-Target": "AWSOrganizationsV20161128.DeleteOrganization", "Content-Type": "application/x-amz-json-1.1"},
        data=b"{}", timeout=10,
    )
    assert attack.status_code in (400, 403)
    assert "DeleteOrganization" not in attack.text
    # The same URL with an empty body and the header is refused too.
    emptied = requests.post(url, headers={"X-Amz-Target": "AWSOrganizationsV20161128.DeleteOrganization"}, timeout=10)
    assert emptied.status_code in (400, 403)
    assert "InvalidSignatureException" in emptied.text
    assert client("organizations").describe_organization()["Organization"]["MasterAccountId"] == created["AccountId"]


def test_the_credential_scope_must_name_the_service_reached(server):
    created, client = account(server)
    client("organizations").create_organization(FeatureSet="ALL")
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSOrganizationsV20161128.DeleteOrganization"}
    response = signed(server.url + "/", "sts", b"{}", headers, key=created["AccessKeyId"], secret=created["SecretAccessKey"])
    assert response.status_code in (400, 403)
    assert "Credential should be scoped to correct service: 'organizations'. " in response.text
    assert client("organizations").describe_organization()["Organization"]["Id"].startswith("o-")
    # Signed for the service it reaches, the same request is an ordinary call.
    response = signed(
        server.url + "/", "organizations", b"{}",
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSOrganizationsV20161128.DescribeOrganization"},
        key=created["AccessKeyId"], secret=created["SecretAccessKey"])
    assert response.status_code == 200, response.text


class UnsignedPayloadAuth(botocore.auth.SigV4Auth):
    """Signs as a client that leaves the payload out (S3 style)."""

    def payload(self, request):
        return "UNSIGNED-PAYLOAD"


def test_an_unsigned_payload_does_not_let_a_body_be_swapped(server):
    created, client = account(server)
    request = AWSRequest(
        method="POST", url=server.url + "/", data=b"Action=GetUser&Version=2010-05-08",
        headers={**FORM, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
    UnsignedPayloadAuth(Credentials(created["AccessKeyId"], created["SecretAccessKey"]), "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    name = f"swapped-{uuid.uuid4().hex[:6]}"
    response = requests.post(
        prepared.url, headers=dict(prepared.headers), data=f"Action=CreateUser&UserName={name}&Version=2010-05-08", timeout=10)
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert name not in [user["UserName"] for user in client("iam").list_users()["Users"]]


def test_a_json_body_needs_a_signed_content_type(server):
    created, _ = account(server)
    request = AWSRequest(
        method="POST", url=server.url + "/", data=json.dumps({"MaxResults": 1}).encode(),
        headers={"X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"})
    botocore.auth.SigV4Auth(Credentials(created["AccessKeyId"], created["SecretAccessKey"]), "cloudtrail", "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = {**dict(prepared.headers), "Content-Type": "application/x-amz-json-1.1"}
    response = requests.post(prepared.url, headers=headers, data=prepared.body, timeout=10)
    assert response.status_code in (400, 403)
    assert "'Content-Type' must be a 'SignedHeader'" in response.text


def test_a_header_that_chooses_the_operation_must_be_signed(server):
    created, client = account(server)
    client("organizations").create_organization(FeatureSet="ALL")
    request = AWSRequest(method="POST", url=server.url + "/", data=b"{}", headers={"Content-Type": "application/x-amz-json-1.1"})
    botocore.auth.SigV4Auth(Credentials(created["AccessKeyId"], created["SecretAccessKey"]), "organizations", "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = {**dict(prepared.headers), "X-Amz-Target": "AWSOrganizationsV20161128.DeleteOrganization"}
    response = requests.post(prepared.url, headers=headers, data=prepared.body, timeout=10)
    assert response.status_code == 400
    assert "'X-Amz-Target' must be a 'SignedHeader'" in response.text
    assert client("organizations").describe_organization()["Organization"]["Id"].startswith("o-")


def test_a_query_request_may_leave_its_content_type_unsigned(server):
    """curl --aws-sigv4 signs host and x-amz-date only: the form body is still bound by its hash."""
    created, _ = account(server)
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    request = AWSRequest(method="POST", url=server.url + "/", data=body, headers={})
    botocore.auth.SigV4Auth(Credentials(created["AccessKeyId"], created["SecretAccessKey"]), "sts", "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = {**dict(prepared.headers), "Content-Type": "application/x-www-form-urlencoded"}
    response = requests.post(prepared.url, headers=headers, data=body, timeout=10)
    assert response.status_code == 200, response.text
    assert created["AccountId"] in response.text


def test_a_signature_must_be_scoped_to_a_region_aws_has(server):
    created, _ = account(server)
    response = signed(server.url + "/", "iam", b"Action=ListUsers&Version=2010-05-08", FORM,
                      key=created["AccessKeyId"], secret=created["SecretAccessKey"], region="mars-west-9")
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert "Credential should be scoped to a valid region, not 'mars-west-9'. " in response.text


def test_a_global_service_is_requested_in_its_own_region_whatever_the_signature_says(server):
    """IAM's one endpoint is in us-east-1: AWS sets aws:RequestedRegion to us-east-1 for IAM calls (the IAM User
    Guide's deny-requested-region example), so signing for another region does not step around a Deny on it."""
    created, client = account(server)
    client("iam").create_user(UserName="regional")
    keys = client("iam").create_access_key(UserName="regional")["AccessKey"]
    client("iam").put_user_policy(UserName="regional", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:ListGroups"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}},
    ]}))
    for region in ("us-east-1", "eu-west-1"):
        iam = server.client("iam", key=keys["AccessKeyId"], secret=keys["SecretAccessKey"], region=region)
        try:
            iam.list_users()
            raise AssertionError(f"ListUsers signed for {region} was allowed")
        except iam.exceptions.ClientError as refused:
            assert refused.response["Error"]["Code"] == "AccessDenied"
        assert iam.list_groups()["Groups"] == []
    # The trail records the call where it was made.
    trail = client("cloudtrail")
    deadline = time.time() + 5
    while True:
        events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "regional"}])["Events"]
        if len(events) >= 4 or time.time() > deadline:
            break
        time.sleep(0.1)
    assert {json.loads(e["CloudTrailEvent"])["awsRegion"] for e in events} == {"us-east-1"}
