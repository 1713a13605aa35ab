#!/usr/bin/env python3
"""Writes botocore-signed.json: requests signed by botocore's own SigV4 signer.

SigV4Tests replays each one through Gatehouse's verifier. Rerun after changing
the cases: python3 Tests/SigV4Tests/Vectors/generate.py
"""
import datetime
import json
import os
from urllib.parse import urlsplit

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NOW = datetime.datetime(2026, 11, 22, 14, 30, 15, tzinfo=datetime.timezone.utc)
botocore.auth.get_current_datetime = lambda *a, **k: NOW

CASES = [
    # name, method, url, body, headers, service, region, token, presign
    ("query-post", "POST", "https://iam.amazonaws.com/", "Action=ListUsers&Version=2010-05-08",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, "iam", "us-east-1", None, False),
    ("json-post", "POST", "http://127.0.0.1:7070/", '{"LookupAttributes":[]}',
     {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"},
     "cloudtrail", "eu-west-1", None, False),
    ("session-token", "POST", "http://localhost:7070/", "Action=GetCallerIdentity&Version=2011-06-15",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, "sts", "us-east-1", "FQoGZXIvYXdzEXAMPLE//token+with/slashes==", False),
    ("get-with-query", "GET", "http://127.0.0.1:7070/?Version=2011-06-15&Action=GetCallerIdentity&Z=%2Fa%20b&a=1&a=0&empty=", "",
     {}, "sts", "us-east-1", None, False),
    ("rest-path", "GET", "http://127.0.0.1:7070/federation/credentials?role_name=Admin%20Role&account_id=123456789012", "",
     {"x-amz-sso_bearer_token": "abc"}, "awsssoportal", "us-east-1", None, False),
    ("odd-path", "POST", "http://127.0.0.1:7070/a/./b/../c//d%20e/", "x", {"X-Custom": "  two   spaces  "}, "sso-oauth", "us-east-1", None, False),
    ("unicode-body", "POST", "http://127.0.0.1:7070/", "Action=CreateUser&UserName=%C3%A9l%C3%A8ve",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, "iam", "us-east-1", None, False),
    ("presigned", "GET", "http://127.0.0.1:7070/?Action=GetCallerIdentity&Version=2011-06-15", "", {}, "sts", "us-east-1", None, True),
    ("presigned-token", "GET", "http://127.0.0.1:7070/?Action=GetCallerIdentity&Version=2011-06-15", "", {}, "sts", "us-west-2", "tok/en+=", True),
]


def main():
    out = []
    for name, method, url, body, headers, service, region, token, presign in CASES:
        creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", token)
        request = AWSRequest(method=method, url=url, data=body.encode() if body else None, headers=dict(headers))
        if presign:
            botocore.auth.SigV4QueryAuth(creds, service, region, expires=900).add_auth(request)
        else:
            botocore.auth.SigV4Auth(creds, service, region).add_auth(request)
        prepared = request.prepare()
        parts = urlsplit(prepared.url)
        sent = [[k, v.decode() if isinstance(v, bytes) else v] for k, v in prepared.headers.items()]
        sent.append(["Host", parts.netloc])
        out.append({
            "name": name, "method": method, "path": parts.path or "/", "query": parts.query,
            "headers": sent, "body": body, "accessKeyId": creds.access_key, "secret": creds.secret_key,
            "epochSeconds": int(NOW.timestamp()), "service": service, "region": region,
        })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "botocore-signed.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
