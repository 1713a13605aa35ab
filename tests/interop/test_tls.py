"""HTTPS: `gatehouse serve --tls-cert --tls-key` serves every client over TLS (the aws CLI with --ca-bundle, boto3
with verify=), its pages send HSTS and Secure cookies, aws:SecureTransport is true, and plain HTTP gets no answer."""
import json
import os
import subprocess
import sys

import pytest
import requests
import trustme
from botocore.exceptions import ClientError

from gatehouse import Server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "localhost")
    cert, key, bundle = (str(folder / name) for name in ("cert.pem", "key.pem", "ca.pem"))
    issued.cert_chain_pems[0].write_to_path(cert)
    issued.private_key_pem.write_to_path(key)
    ca.cert_pem.write_to_path(bundle)
    server = Server(dev=True, tls=(cert, key, bundle)).start()
    yield server, bundle
    server.stop()


def test_the_aws_cli_uses_it_with_a_ca_bundle(tls_server):
    server, bundle = tls_server
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    result = subprocess.run(["aws", "sts", "get-caller-identity", "--endpoint-url", server.url, "--ca-bundle", bundle, "--output", "text",
                             "--query", "Account"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "000000000000"
    # Without the bundle, the certificate is not trusted.
    untrusted = subprocess.run(["aws", "sts", "get-caller-identity", "--endpoint-url", server.url], capture_output=True, text=True, env=env, timeout=60)
    assert untrusted.returncode != 0 and "SSL" in untrusted.stderr + untrusted.stdout


def test_boto3_and_the_pages_over_tls(tls_server):
    server, bundle = tls_server
    assert server.client("iam").get_user()["User"]["Arn"] == "arn:aws:iam::000000000000:root"
    page = requests.get(server.url + "/console/signin", verify=bundle, timeout=5)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in page.headers["Set-Cookie"]
    # What the dev server says to use is the https address.
    assert f"export AWS_ENDPOINT_URL=https://127.0.0.1:{server.port}" in server.read_log()


def test_plain_http_gets_no_answer(tls_server):
    server, _ = tls_server
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.url.replace("https://", "http://") + "/healthz", timeout=5)


def test_the_certificate_and_key_go_together():
    with pytest.raises(RuntimeError, match="--tls-cert and --tls-key go together"):
        Server(dev=False, extra_args=["--tls-cert", sys.executable]).start()


TLS_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"},
    {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
]}


def tls_only_user(server):
    iam = server.client("iam")
    name = f"tls-only-{server.port}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="tls-only", PolicyDocument=json.dumps(TLS_ONLY))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return server.client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def test_requests_over_tls_are_secure_transport(tls_server):
    server, _ = tls_server
    assert tls_only_user(server).list_users()["Users"]


def test_requests_over_plain_http_are_not(server):
    with pytest.raises(ClientError) as excinfo:
        tls_only_user(server).list_users()
    assert "with an explicit deny in an identity-based policy" in excinfo.value.response["Error"]["Message"]
