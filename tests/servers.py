"""Servers a test starts on a port of its own and stops, so that it can fail them without
touching the shared PostgreSQL and Redis."""
import socket
import subprocess

import redis

from tests.concurrency import wait_for


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(client):
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


class RedisServer:
    """A redis-server of the test's own, without persistence: stopping it loses its queue."""

    def __init__(self):
        self.port, self.process = free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_for(lambda: _answers(redis.Redis(port=self.port)), timeout=10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
