"""Start and stop real Gatehouse servers, and run the gatehouse CLI, for the interop suites."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import boto3
import requests
from botocore.config import Config

BIN = os.environ.get("GATEHOUSE_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "gatehouse"))
# bcrypt at its minimum cost keeps suites that set many passwords quick; the server refuses less.
ENV = {**os.environ, "GATEHOUSE_BCRYPT_COST": "10"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `gatehouse serve` process on a free loopback port and its own data folder."""

    def __init__(self, dev=True, data_dir=None, extra_args=(), env=None, tls=None):
        """`tls`: (certificate, key, CA bundle) files to serve HTTPS with."""
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="gatehouse-")
        self.port = free_port()
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.verify = tls[2] if tls else True
        self.dev = dev
        self.extra_args = list(extra_args) + (["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else [])
        self.env = {**ENV, **(env or {})}
        self.process = None
        self.log_path = os.path.join(self.data_dir, "server.log")

    def start(self):
        args = [BIN, "serve", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}", *self.extra_args]
        if self.dev:
            args.append("--dev")
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=self.log, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gatehouse exited with {self.process.returncode}: {self.read_log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1, verify=self.verify).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("gatehouse did not start: " + self.read_log())

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None

    def client(self, service, key="test", secret="test", token=None, region="us-east-1", **config):
        return boto3.client(
            service,
            endpoint_url=self.url,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            region_name=region,
            verify=self.verify,
            config=Config(retries={"max_attempts": 1}, **config),
        )

    def aws(self, *args, key="test", secret="test", check=True):
        """Runs the real aws CLI against this server and returns its parsed JSON output."""
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
        result = subprocess.run(["aws", *args, "--output", "json"], capture_output=True, text=True, env=env)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        return result


def gatehouse(*args, data_dir, stdin=None, check=True):
    """Runs the gatehouse CLI on a data folder."""
    result = subprocess.run([BIN, *args, "--data-dir", data_dir], input=stdin, capture_output=True, text=True, env=ENV)
    if check and result.returncode != 0:
        raise AssertionError(f"gatehouse {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


def create_account(data_dir, email, name="acct", root_key=True):
    args = ["account", "create", "--email", email, "--name", name, "--json"]
    if root_key:
        args.append("--root-access-key")
    return json.loads(gatehouse(*args, data_dir=data_dir).stdout)


def wait_for(predicate, timeout=5.0):
    """Retries `predicate` (a refused call counts as not yet) until it returns something truthy."""
    from botocore.exceptions import ClientError

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            result = predicate()
        except ClientError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def error(excinfo):
    """(code, HTTP status) of a ClientError, as boto3 shows it."""
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def fresh_account(server, tag):
    """A new account with a root access key, once the running server sees it."""
    created = create_account(server.data_dir, f"{tag}-{uuid.uuid4().hex[:8]}@example.com", tag)
    wait_for(lambda: server.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"]).get_caller_identity())
    return created
