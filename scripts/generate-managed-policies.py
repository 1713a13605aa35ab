#!/usr/bin/env python3
"""Regenerate Sources/Directory/IAM/aws-managed-policies.json: every AWS managed policy, with AWS's own document,
default version, path and dates.

AWS publishes its managed policies in every account (`aws iam list-policies --scope AWS`); moto's PyPI package
carries a copy of all of them as data (`moto/iam/aws_managed_policies.py`, refreshed from AWS by its maintainers).
This script reads that data out of a pinned moto wheel, without installing or running moto, and writes one JSON
line per policy, sorted by name.

    python3 scripts/generate-managed-policies.py [--moto-wheel FILE] [--check]

Without --moto-wheel it downloads the pinned wheel with pip (no dependencies).
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

MOTO = "5.2.1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "Directory", "IAM", "aws-managed-policies.json")
MEMBER = "moto/iam/aws_managed_policies.py"


def wheel_path(argv):
    if "--moto-wheel" in argv:
        return argv[argv.index("--moto-wheel") + 1]
    folder = tempfile.mkdtemp(prefix="gatehouse-moto-")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:", f"moto=={MOTO}", "-d", folder],
        check=True,
    )
    (name,) = [n for n in os.listdir(folder) if n.endswith(".whl")]
    return os.path.join(folder, name)


def policies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(MEMBER).decode("utf-8")
    # The module holds one JSON text in a triple-quoted string; it is read as data, never imported.
    data = json.loads(source[source.index('"""') + 3 : source.rindex('"""')])
    out = []
    for name in sorted(data):
        entry = data[name]
        out.append({
            "name": name, "path": entry["Path"], "defaultVersionId": entry["DefaultVersionId"],
            "created": entry["CreateDate"], "updated": entry["UpdateDate"],
            "document": json.dumps(entry["Document"], separators=(",", ":")),
        })
    return out


def render(entries):
    lines = [json.dumps(entry, separators=(",", ":"), sort_keys=True) for entry in entries]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def main():
    text = render(policies(wheel_path(sys.argv)))
    current = open(OUT, encoding="utf-8").read() if os.path.exists(OUT) else None
    if "--check" in sys.argv:
        if current != text:
            raise SystemExit(f"stale: {OUT}")
        return
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
