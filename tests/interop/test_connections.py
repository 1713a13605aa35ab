"""Slow and greedy clients: the head and body timeouts, and the cap on connections per client address."""
import resource
import socket
import time

import pytest
import requests

from gatehouse import Server, wait_for

# Linux routes all of 127.0.0.0/8 to the loopback: the attacker's connections come from an address of their own.
ATTACKER = "127.0.0.2"

# 3,000 connections need as many descriptors in this process: raise the soft limit as far as the hard one allows.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _soft < 4096:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, _hard) if _hard != resource.RLIM_INFINITY else 4096, _hard))
SLOW = min(3000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 500)


@pytest.fixture
def guarded():
    server = Server(dev=False, extra_args=["--head-timeout", "2", "--body-timeout", "3", "--max-connections-per-address", "100"]).start()
    yield server
    server.stop()


def connect(port, source=ATTACKER):
    return socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))


def closed(sock):
    """Whether the server has closed the connection (reads no data, never blocks)."""
    sock.setblocking(False)
    try:
        return sock.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_3000_slow_connections_leave_the_server_answering(guarded):
    held = []
    for _ in range(SLOW):
        sock = connect(guarded.port)
        sock.sendall(b"POST / HTTP/1.1\r\nHost: gatehouse\r\n")  # a head that never ends
        held.append(sock)
    try:
        started = time.time()
        assert requests.get(guarded.url + "/healthz", timeout=3).status_code == 200
        assert time.time() - started < 1
        # Beyond its 100, the address's connections are closed at once...
        assert wait_for(lambda: sum(closed(s) for s in held) >= SLOW - 100, timeout=1.5)
        # ...and the 100 it holds when their heads are not done in time.
        assert wait_for(lambda: all(closed(s) for s in held), timeout=6)
        # The address is welcome again once its connections are gone.
        fresh = connect(guarded.port)
        fresh.sendall(b"GET /healthz HTTP/1.1\r\nHost: gatehouse\r\nConnection: close\r\n\r\n")
        fresh.settimeout(3)
        assert fresh.recv(64).startswith(b"HTTP/1.1 200")
        fresh.close()
    finally:
        for sock in held:
            sock.close()


def test_a_head_sent_a_byte_at_a_time_times_out(guarded):
    sock = connect(guarded.port)
    started = time.time()
    head = b"GET /healthz HTTP/1.1\r\nHost: gatehouse\r\nX-Padding: " + b"a" * 200
    try:
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            if closed(sock):
                break
            time.sleep(0.1)
        assert closed(sock)
        assert time.time() - started < 4
    finally:
        sock.close()


def test_a_body_sent_slowly_times_out(guarded):
    sock = connect(guarded.port)
    sock.sendall(b"POST / HTTP/1.1\r\nHost: gatehouse\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
    started = time.time()
    try:
        # A byte every half second keeps the connection from going idle; the body deadline still ends it.
        while time.time() - started < 8:
            try:
                sock.sendall(b"a")
            except OSError:
                break
            if closed(sock):
                break
            time.sleep(0.5)
        assert closed(sock)
        assert 2.5 < time.time() - started < 5
    finally:
        sock.close()


def test_an_idle_keep_alive_connection_is_closed(guarded):
    sock = connect(guarded.port, source="127.0.0.1")
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gatehouse\r\n\r\n")
        sock.settimeout(3)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        assert not closed(sock)
        assert wait_for(lambda: closed(sock), timeout=4)
    finally:
        sock.close()


def test_limits_are_checked_at_start():
    for args in (["--head-timeout", "0"], ["--max-connections-per-address", "0"]):
        server = Server(dev=False, extra_args=args)
        with pytest.raises(RuntimeError, match="at least 1"):
            server.start()


def test_a_client_that_never_reads_its_answers_is_closed(guarded):
    sock = connect(guarded.port, source="127.0.0.1")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    request = b"GET /metrics HTTP/1.1\r\nHost: gatehouse\r\n\r\n"
    sock.setblocking(False)
    sent, closed_after = 0, None
    started = time.time()
    try:
        # Pipeline requests and never read an answer: the answers back up, the connection stays unwritable, and after
        # the 2-second head timeout the server closes it (the next send is refused).
        while time.time() - started < 12:
            try:
                sock.send(request)
                sent += 1
            except BlockingIOError:
                time.sleep(0.05)
            except (ConnectionResetError, BrokenPipeError):
                closed_after = time.time() - started
                break
        assert sent > 10 and closed_after is not None and closed_after < 10, (sent, closed_after)
    finally:
        sock.close()
