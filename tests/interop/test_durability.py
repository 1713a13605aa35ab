"""Nothing acknowledged is lost: kill -9 the server while 200 account creations run."""
import json
import random
import signal
import subprocess
import time

from gatehouse import BIN, ENV, Server


def test_acknowledged_creations_survive_kill_9(fresh_server):
    server = fresh_server.start()
    creators = [
        subprocess.Popen(
            [BIN, "account", "create", "--email", f"durable-{i}@example.com", "--name", f"durable-{i}", "--root-access-key", "--json",
             "--data-dir", server.data_dir],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
        )
        for i in range(200)
    ]
    # While they run: kill the server, and some creators too, mid-flight.
    time.sleep(0.5)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    victims = random.Random(7).sample(creators, 20)
    for victim in victims:
        victim.send_signal(signal.SIGKILL)
    acknowledged = []
    for creator in creators:
        out, err = creator.communicate(timeout=300)
        if creator.returncode == 0:
            acknowledged.append(json.loads(out))
    assert len(acknowledged) >= 100, "most creations should have been acknowledged"

    restarted = Server(dev=True, data_dir=server.data_dir).start()
    try:
        for created in acknowledged:
            client = restarted.client("sts", key=created["AccessKeyId"], secret=created["SecretAccessKey"])
            assert client.get_caller_identity()["Account"] == created["AccountId"]
    finally:
        restarted.stop()
    result = subprocess.run([BIN, "audit", "verify", "--data-dir", server.data_dir], capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
