"""LookupEvents finds the calls just made, attributed to who made them."""
import datetime
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gatehouse import create_account, wait_for


@pytest.fixture(scope="module")
def account(server):
    """An account of its own, so the lookups see only this module's calls."""
    created = create_account(server.data_dir, f"trail-{uuid.uuid4().hex[:8]}@example.com", "trail")
    wait_for(lambda: server.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"]).get_caller_identity())
    return created


def clients(server, account):
    key, secret = account["AccessKeyId"], account["SecretAccessKey"]
    return server.client("sts", key=key, secret=secret), server.client("cloudtrail", key=key, secret=secret)


def test_lookup_finds_calls_with_identity(server, account):
    sts, cloudtrail = clients(server, account)
    request_id = sts.get_caller_identity()["ResponseMetadata"]["RequestId"]

    def find():
        events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetCallerIdentity"}])["Events"]
        return [e for e in events if json.loads(e["CloudTrailEvent"])["requestID"] == request_id]

    (event,) = wait_for(find, timeout=2.0)  # read-only events are durable within a second
    record = json.loads(event["CloudTrailEvent"])
    assert event["EventSource"] == "sts.amazonaws.com"
    assert event["Username"] == "root"
    assert event["ReadOnly"] == "true"
    assert event["AccessKeyId"] == account["AccessKeyId"]
    assert isinstance(event["EventTime"], datetime.datetime)
    identity = record["userIdentity"]
    assert identity["type"] == "Root"
    assert identity["arn"] == f"arn:aws:iam::{account['AccountId']}:root"
    assert identity["accountId"] == account["AccountId"]
    assert identity["principalId"] == account["AccountId"]
    assert identity["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"
    for field in ("eventVersion", "eventTime", "awsRegion", "sourceIPAddress", "userAgent", "requestID", "eventID", "eventType", "recipientAccountId"):
        assert field in record, field
    assert record["sourceIPAddress"] == "127.0.0.1"
    assert record["recipientAccountId"] == account["AccountId"]
    assert record["eventType"] == "AwsApiCall"
    assert "Botocore" in record["userAgent"] or "botocore" in record["userAgent"]


def test_account_creation_is_in_its_own_trail(server, account):
    _, cloudtrail = clients(server, account)
    events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateAccount"}])["Events"]
    assert len(events) == 1
    record = json.loads(events[0]["CloudTrailEvent"])
    assert record["readOnly"] is False
    assert record["responseElements"]["accountId"] == account["AccountId"]
    assert events[0]["Resources"] == [{"ResourceType": "AWS::Organizations::Account", "ResourceName": account["AccountId"]}]


def test_other_accounts_events_are_invisible(server, account):
    server.client("sts").get_caller_identity()  # the dev account's call
    _, cloudtrail = clients(server, account)
    time.sleep(0.6)
    events = cloudtrail.lookup_events(MaxResults=50)["Events"]
    assert events
    assert all(json.loads(e["CloudTrailEvent"])["recipientAccountId"] == account["AccountId"] for e in events)


def test_refused_calls_are_recorded(server, account):
    sts, cloudtrail = clients(server, account)
    bad = server.client("sts", key=account["AccessKeyId"], secret="wrong")
    with pytest.raises(ClientError):
        bad.get_caller_identity()

    def find():
        events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": account["AccessKeyId"]}])["Events"]
        return [e for e in events if json.loads(e["CloudTrailEvent"]).get("errorCode") == "SignatureDoesNotMatch"]

    assert wait_for(find, timeout=2.0)


def test_pagination_and_filters(server, account):
    sts, cloudtrail = clients(server, account)
    for _ in range(7):
        sts.get_caller_identity()
    time.sleep(0.6)
    seen = []
    kwargs = {"MaxResults": 3, "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": "sts.amazonaws.com"}]}
    while True:
        page = cloudtrail.lookup_events(**kwargs)
        assert len(page["Events"]) <= 3
        seen += page["Events"]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert len(seen) >= 7
    assert len({e["EventId"] for e in seen}) == len(seen)
    times = [e["EventTime"] for e in seen]
    assert times == sorted(times, reverse=True)
    paginator = cloudtrail.get_paginator("lookup_events")
    total = sum(len(p["Events"]) for p in paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert total >= len(seen)
    only_reads = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "false"}])["Events"]
    assert {e["EventName"] for e in only_reads} == {"CreateAccount"}
    by_resource = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": account["AccountId"]}])["Events"]
    assert [e["EventName"] for e in by_resource] == ["CreateAccount"]
    users = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "root"}])["Events"]
    assert users and all(e["Username"] == "root" for e in users)


def test_time_range(server, account):
    _, cloudtrail = clients(server, account)
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    assert cloudtrail.lookup_events(StartTime=future)["Events"] == []
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    assert cloudtrail.lookup_events(StartTime=past, MaxResults=1)["Events"]


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"MaxResults": 51}, "InvalidMaxResultsException"),
        ({"LookupAttributes": [{"AttributeKey": "Nope", "AttributeValue": "x"}]}, "InvalidLookupAttributesException"),
        (
            {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "a"}, {"AttributeKey": "Username", "AttributeValue": "b"}]},
            "InvalidLookupAttributesException",
        ),
        ({"StartTime": datetime.datetime(2026, 2, 1), "EndTime": datetime.datetime(2026, 1, 1)}, "InvalidTimeRangeException"),
        ({"NextToken": "bm90IGEgdG9rZW4="}, "InvalidNextTokenException"),
    ],
)
def test_lookup_errors(server, account, kwargs, code):
    _, cloudtrail = clients(server, account)
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.lookup_events(**kwargs)
    assert excinfo.value.response["Error"]["Code"] == code


def test_next_token_bound_to_parameters(server, account):
    _, cloudtrail = clients(server, account)
    page = cloudtrail.lookup_events(MaxResults=1)
    assert "NextToken" in page
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.lookup_events(MaxResults=2, NextToken=page["NextToken"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidNextTokenException"


def test_aws_cli_lookup_events(server, account):
    result = server.aws(
        "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateAccount",
        key=account["AccessKeyId"], secret=account["SecretAccessKey"],
    )
    events = json.loads(result.stdout)["Events"]
    assert [e["EventName"] for e in events] == ["CreateAccount"]


def test_secrets_are_never_in_the_trail(server, account):
    _, cloudtrail = clients(server, account)
    events = cloudtrail.lookup_events(MaxResults=50)["Events"]
    assert events
    assert not any(account["SecretAccessKey"] in e["CloudTrailEvent"] for e in events)
