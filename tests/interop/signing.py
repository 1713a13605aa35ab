"""Hand-made requests signed by botocore's own SigV4 signer, for cases the SDK will not send."""
import datetime

import botocore.auth
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def signed(url, service, body=b"", headers=None, method="POST", key="test", secret="test", token=None, at=None, region="us-east-1"):
    """Sends a request signed as botocore signs it; `at` signs with another clock."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = botocore.auth.SigV4Auth(Credentials(key, secret, token), service, region)
    if at is not None:
        original = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda *a, **k: at
        try:
            signer.add_auth(request)
        finally:
            botocore.auth.get_current_datetime = original
    else:
        signer.add_auth(request)
    prepared = request.prepare()
    return requests.request(method, prepared.url, headers=dict(prepared.headers), data=prepared.body, timeout=10)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
CLOUDTRAIL = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
}


def without_signature(client, event):
    """Makes `client` send its Authorization header without the Signature part (an incomplete signature)."""

    def cut(request, **kwargs):
        value = request.headers["Authorization"]
        value = value.decode() if isinstance(value, bytes) else value
        request.headers["Authorization"] = value.split(", Signature=")[0]

    client.meta.events.register(event, cut)
    return client
