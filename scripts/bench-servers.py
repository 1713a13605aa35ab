#!/usr/bin/env python3
"""Gatehouse against moto, side by side: the same state, the same pre-signed requests replayed by the same
driver (Benchmarks/LoadGenerator), at 1 and 16 connections. Prints a Markdown table for BENCHMARKS.md.

Run by `make bench` after the release builds; needs moto[server] and boto3 (tests/bench-requirements.txt).
Gatehouse enforces: the driver signs as an IAM user whose AdministratorAccess the policy engine evaluates on
every request. moto authorizes nothing.
"""
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import boto3
import requests
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BENCH_BIN", os.path.join(ROOT, ".build-bench", "release"))
GATEHOUSE = os.path.join(BIN, "gatehouse")
LOAD = os.path.join(BIN, "gatehouse-load")
MOTO = shutil.which("moto_server", path=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ.get("PATH", ""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not come up")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    """User plus system CPU of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client(service, url, key, secret):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


class Target:
    def __init__(self, name, process, url, key, secret, requests_per_run):
        self.name, self.process, self.url, self.key, self.secret, self.count = name, process, url, key, secret, requests_per_run

    def load(self, service, body, connections, count=None, extra=(), warmup=None):
        """Runs the driver; adds the server's CPU per request (warm-up included) to its report."""
        count = count or self.count
        warmup = min(100, count // 10) if warmup is None else warmup
        args = [LOAD, "--endpoint", self.url, "--access-key", self.key, "--secret", self.secret, "--service", service, "--body", body,
                "--requests", str(count), "--warmup", str(warmup), "--connections", str(connections), *extra]
        before = cpu_seconds(self.process.pid)
        report = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        report["server_cpu_us"] = (cpu_seconds(self.process.pid) - before) * 1e6 / (count + warmup)
        return report


def start_gatehouse(data_dir, port):
    process = subprocess.Popen([GATEHOUSE, "serve", "--dev", "--data-dir", data_dir, "--listen", f"127.0.0.1:{port}", "--log-level", "warning"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_up(f"http://127.0.0.1:{port}/healthz")
    return process


def prepare(target, policy_document):
    """The same state on both servers: 1,000 users, a user to read, a customer policy to attach."""
    iam = client("iam", target.url, target.key, target.secret)
    for n in range(1000):
        iam.create_user(UserName=f"member-{n}")
    iam.create_user(UserName="target")
    return iam.create_policy(PolicyName="bench-policy", PolicyDocument=policy_document)["Policy"]["Arn"]


def restart_to_first_answer(store, port):
    """Starts Gatehouse on an existing data folder; returns the process and the seconds until it first answers."""
    begin = time.monotonic()
    process = subprocess.Popen([GATEHOUSE, "serve", "--dev", "--data-dir", store, "--listen", f"127.0.0.1:{port}", "--log-level", "warning"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sts = client("sts", f"http://127.0.0.1:{port}", "test", "test")
    while True:
        try:
            sts.get_caller_identity()
            return process, time.monotonic() - begin
        except Exception:
            time.sleep(0.005)


def identity_store_rows(target, users=10_000):
    """Identity Center's identity store: CreateUser with an empty store and again with `users` in it, then reads at that size."""
    admin = client("sso-admin", target.url, target.key, target.secret)
    store = admin.describe_instance(InstanceArn=admin.create_instance(Name="Bench")["InstanceArn"])["IdentityStoreId"]

    def body(prefix):
        return json.dumps({"IdentityStoreId": store, "UserName": f"{prefix}-{{n}}", "DisplayName": "Person {n}",
                           "Name": {"GivenName": "Person", "FamilyName": "{n}"}, "Emails": [{"Value": f"{prefix}-{{n}}@example.com", "Primary": True}]})

    def load(label, target_name, request, connections=16, count=2000, warmup=100):
        report = target.load("identitystore", request, connections, count=count, warmup=warmup, extra=("--target", f"AWSIdentityStore.{target_name}"))
        if report["errors"]:
            sys.exit(f"scale: {report['errors']} errors in {label}")
        return label, connections, report

    # The first row creates 2,100 users (its warm-up included); the fill brings the store to `users`.
    rows = [load("identitystore:CreateUser, empty store", "CreateUser", body("first"))]
    load("identitystore:CreateUser (fill)", "CreateUser", body("fill"), count=users - 2_100, warmup=0)
    rows.append(load(f"identitystore:CreateUser, at {users:,} users", "CreateUser", body("late")))
    rows.append(load(f"identitystore:GetUserId (user name), at {users + 2_100:,} users", "GetUserId", json.dumps(
        {"IdentityStoreId": store, "AlternateIdentifier": {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "fill-5000"}}})))
    rows.append(load(f"identitystore:ListUsers, first page of 100, at {users + 2_100:,} users", "ListUsers",
                     json.dumps({"IdentityStoreId": store, "MaxResults": 100}), count=500))
    return rows


def scale(users=100_000, groups=10_000, policies=1_000):
    """100,000 users, 10,000 groups and 1,000 customer policies: GetUser, ListUsers pages (the first, and one
    from the middle by its marker), a ListPolicies page and CreateUser at 1 and 16 connections; the identity
    store's CreateUser empty and at 10,000 users, and its reads at that size; DeleteGroup and DeletePolicy at that size;
    RSS, and restart to first answer."""
    store = tempfile.mkdtemp(prefix="gatehouse-bench-scale-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_gatehouse(store, port)
    try:
        root = client("iam", url, "test", "test")
        root.create_user(UserName="bench")
        root.attach_user_policy(UserName="bench", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = root.create_access_key(UserName="bench")["AccessKey"]
        target = Target("gatehouse", process, url, key["AccessKeyId"], key["SecretAccessKey"], 5000)
        document = urllib.parse.quote(json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/{n}/*"}]}), safe="")
        began = time.monotonic()
        for body, count in (("Action=CreateUser&Version=2010-05-08&UserName=user-{n}", users),
                            ("Action=CreateGroup&Version=2010-05-08&GroupName=group-{n}", groups),
                            (f"Action=CreatePolicy&Version=2010-05-08&PolicyName=policy-{{n}}&PolicyDocument={document}", policies)):
            report = target.load("iam", body, 16, count=count, warmup=0)
            if report["errors"]:
                sys.exit(f"scale: {report['errors']} errors creating {body.split('&')[0]}")
        filled = time.monotonic() - began
        iam = client("iam", url, key["AccessKeyId"], key["SecretAccessKey"])
        # Walk every page once (a count, and the marker of the page in the middle).
        counted, middle, marker = 0, None, None
        while True:
            page = iam.list_users(MaxItems=1000, **({"Marker": marker} if marker else {}))
            counted += len(page["Users"])
            marker = page.get("Marker")
            if middle is None and counted >= users // 2:
                middle = marker
            if not page["IsTruncated"]:
                break
        rows = [("iam:GetUser", "Action=GetUser&Version=2010-05-08&UserName=user-50000"),
                ("iam:ListUsers, first page of 100", "Action=ListUsers&Version=2010-05-08&MaxItems=100"),
                ("iam:ListUsers, a page of 100 from the middle (Marker)",
                 "Action=ListUsers&Version=2010-05-08&MaxItems=100&Marker=" + urllib.parse.quote(middle, safe="")),
                ("iam:ListPolicies, first page of 100 (customer policies)", "Action=ListPolicies&Version=2010-05-08&Scope=Local&MaxItems=100"),
                ("iam:CreateUser (distinct), at 100,000 users", "Action=CreateUser&Version=2010-05-08&UserName=late-{connections}-{n}")]
        results = [(label, connections, target.load("iam", body.replace("{connections}", str(connections)), connections))
                   for label, body in rows for connections in (1, 16)]
        loaded = rss_mib(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    process, first_answer = restart_to_first_answer(store, port)
    try:
        restarted = rss_mib(process.pid)
        # The identity store, on the restarted server (after the restart is timed, so the IAM figures compare with earlier runs).
        target.process = process
        results += identity_store_rows(target)
        # Deletes that must find every user (or group and role) naming the group or policy, still at 100,000 users.
        account = client("sts", url, key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()["Account"]
        policy_arn = urllib.parse.quote(f"arn:aws:iam::{account}:policy/policy-", safe="") + "{n}"
        for label, body, count, warmup in (
                (f"iam:DeleteGroup (distinct), at {users:,} users", "Action=DeleteGroup&Version=2010-05-08&GroupName=group-{n}", 2_000, 100),
                (f"iam:DeletePolicy (distinct), at {users:,} users", f"Action=DeletePolicy&Version=2010-05-08&PolicyArn={policy_arn}", 500, 50)):
            report = target.load("iam", body, 16, count=count, warmup=warmup)
            if report["errors"]:
                sys.exit(f"scale: {report['errors']} errors in {label}")
            results.append((label, 16, report))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    print(f"\nScale: {counted:,} users (with the driver's), {groups:,} groups and {policies:,} customer policies, "
          f"created through the API at 16 connections in {filled:.0f} s ({(counted + groups + policies) / filled:,.0f} writes/s).\n")
    print("| Request | Connections | req/s | p50 / p99 ms | Server CPU µs/req |")
    print("| --- | --- | --- | --- | --- |")
    for label, connections, m in results:
        print(f"| {label} | {connections} | {m['rps']:,.0f} | {m['p50_ms']:.2f} / {m['p99_ms']:.2f} | {m['server_cpu_us']:,.0f} |")
    print(f"\nRSS after the runs: {loaded:.0f} MiB; after a restart: {restarted:.0f} MiB. Start to first answer: {first_answer * 1000:.0f} ms. "
          "The identity store and delete rows ran after the restart, on the restarted server.")


def main():
    if "--scale-only" in sys.argv:
        return scale()
    for path in (GATEHOUSE, LOAD):
        if not os.path.exists(path):
            sys.exit(f"missing {path}: run `make bench`")
    if not MOTO:
        sys.exit("moto_server is missing: pip install -r tests/bench-requirements.txt")
    data_dir = tempfile.mkdtemp(prefix="gatehouse-bench-")
    gport, mport = free_port(), free_port()
    gatehouse = start_gatehouse(data_dir, gport)
    moto = subprocess.Popen([MOTO, "-p", str(mport)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_up(f"http://127.0.0.1:{mport}/")
    gurl, murl = f"http://127.0.0.1:{gport}", f"http://127.0.0.1:{mport}"
    try:
        idle = {"gatehouse": rss_mib(gatehouse.pid), "moto": rss_mib(moto.pid)}
        # Gatehouse's driver signs as an IAM user whose AdministratorAccess the engine evaluates (root skips policies).
        root = client("iam", gurl, "test", "test")
        root.create_user(UserName="bench")
        root.attach_user_policy(UserName="bench", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = root.create_access_key(UserName="bench")["AccessKey"]
        targets = [Target("gatehouse", gatehouse, gurl, key["AccessKeyId"], key["SecretAccessKey"], 5000),
                   Target("moto", moto, murl, "test", "test", 600)]
        document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
        arns = {t.name: prepare(t, document) for t in targets}
        rows = [
            ("sts:GetCallerIdentity", "sts", lambda t, c: "Action=GetCallerIdentity&Version=2011-06-15"),
            ("iam:GetUser", "iam", lambda t, c: "Action=GetUser&Version=2010-05-08&UserName=target"),
            ("iam:ListUsers (1,001 users, 100 a page)", "iam", lambda t, c: "Action=ListUsers&Version=2010-05-08&MaxItems=100"),
            ("iam:CreateUser (distinct)", "iam", lambda t, c: f"Action=CreateUser&Version=2010-05-08&UserName=load-{c}-{{n}}"),
            ("iam:AttachUserPolicy", "iam",
             lambda t, c: "Action=AttachUserPolicy&Version=2010-05-08&UserName=target&PolicyArn=" + urllib.parse.quote(arns[t.name], safe="")),
        ]
        results = []
        for label, service, body in rows:
            for connections in (1, 16):
                # moto answers ListUsers a few times a second: fewer requests keep its rows under a minute.
                measured = {t.name: t.load(service, body(t, connections), connections, count=200 if t.name == "moto" and "ListUsers" in label else None)
                            for t in targets}
                results.append((label, connections, measured))
                print(f"{label} @ {connections}: " + ", ".join(f"{n} {m['rps']:.0f}/s p99 {m['p99_ms']:.2f} ms errors {m['errors']}" for n, m in measured.items()),
                      file=sys.stderr)
        loaded = {"gatehouse": rss_mib(gatehouse.pid), "moto": rss_mib(moto.pid)}
        # The floor: a Hummingbird route answering a fixed small body (/healthz), plus SigV4 verification with a
        # cached signing key, timed in the driver's process.
        http_floor = targets[0].load("sts", "", 16, count=20_000, extra=("--get", "/healthz"))
        http_floor_one = targets[0].load("sts", "", 1, count=5_000, extra=("--get", "/healthz"))
        sigv4 = targets[0].load("sts", "Action=GetCallerIdentity&Version=2011-06-15", 1, count=10, extra=("--time-sig-v4",))["sigv4_us"]
    finally:
        moto.send_signal(signal.SIGTERM)
        gatehouse.send_signal(signal.SIGTERM)
        gatehouse.wait(20)
    # Start to first answer with 10,000 users in the store (moto keeps nothing across a restart).
    store = tempfile.mkdtemp(prefix="gatehouse-bench-10k-")
    process = start_gatehouse(store, gport)
    Target("gatehouse", process, gurl, "test", "test", 10_000).load("iam", "Action=CreateUser&Version=2010-05-08&UserName=user-{n}", 16, 10_000)
    process.send_signal(signal.SIGTERM)
    process.wait(20)
    process, first_answer = restart_to_first_answer(store, gport)
    process.send_signal(signal.SIGTERM)
    process.wait(20)

    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}. Gatehouse enforces (IAM user, AdministratorAccess); moto does not.\n")
    floor = http_floor["server_cpu_us"] + sigv4
    print("| Request | Connections | Gatehouse req/s | p50 / p99 ms | moto req/s | p50 / p99 ms | Ratio | Server CPU µs/req (G / m) | G CPU ÷ floor | Driver CPU s (G / m) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, connections, m in results:
        g, o = m["gatehouse"], m["moto"]
        ratio = g["rps"] / o["rps"] if o["rps"] else float("inf")
        print(f"| {label} | {connections} | {g['rps']:,.0f} | {g['p50_ms']:.2f} / {g['p99_ms']:.2f} | {o['rps']:,.0f} | {o['p50_ms']:.2f} / {o['p99_ms']:.2f} "
              f"| {ratio:,.0f}× | {g['server_cpu_us']:,.0f} / {o['server_cpu_us']:,.0f} | {g['server_cpu_us'] / floor:.1f}× "
              f"| {g['driver_cpu_seconds']:.2f} / {o['driver_cpu_seconds']:.2f} |")
    print(f"\nThe floor, measured in this run: GET /healthz (a fixed small body) {http_floor['rps']:,.0f} req/s at 16 connections, "
          f"{http_floor['server_cpu_us']:.1f} µs of server CPU a request; SigV4 verification with a cached key {sigv4:.1f} µs; "
          f"together {floor:.1f} µs.")
    moto_one = next(m["moto"]["rps"] for label, connections, m in results if connections == 1)
    print(f"At one connection the same route answers {http_floor_one['rps']:,.0f} req/s (p50 {http_floor_one['p50_ms']:.2f} ms, "
          f"{http_floor_one['server_cpu_us']:.0f} µs of server CPU a request): {http_floor_one['rps'] / moto_one:.0f}× moto's "
          f"sts:GetCallerIdentity at one connection, a bound for every row at one connection.")
    print(f"\nRSS idle: Gatehouse {idle['gatehouse']:.0f} MiB, moto {idle['moto']:.0f} MiB; after the runs: Gatehouse {loaded['gatehouse']:.0f} MiB, moto {loaded['moto']:.0f} MiB.")
    print(f"Gatehouse, start to first answer with 10,000 users in the store: {first_answer * 1000:.0f} ms (moto keeps no state across restarts).")
    scale()


if __name__ == "__main__":
    main()
