"""Helpers for the Identity Center suites: clients of a management account, unsigned clients, users."""
import boto3
from botocore import UNSIGNED
from botocore.config import Config


def clients(server, created, region="us-east-1"):
    key, secret = created["AccessKeyId"], created["SecretAccessKey"]
    return {name: server.client(name, key=key, secret=secret, region=region) for name in ("organizations", "sso-admin", "identitystore", "iam", "sts")}


def unsigned(server, service):
    return boto3.client(
        service, endpoint_url=server.url, region_name="us-east-1", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1})
    )


def new_user(ids, store, name):
    return ids.create_user(
        IdentityStoreId=store, UserName=name, DisplayName=name.title(), Name={"GivenName": name.title(), "FamilyName": "Example"},
        Emails=[{"Value": f"{name}@example.com", "Type": "work", "Primary": True}],
    )["UserId"]
