"""An SMTP server for tests, on a free port of its own, that keeps what it receives and can
misbehave on purpose: refuse (a 554 greeting), hang (accept the connection and never answer), or
stall on the n-th message (keep it, never confirm it) so that a worker can be killed mid-send."""
import collections
import contextlib
import email
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sink = self.server.sink
        if sink.mode == "hang":
            sink.hanging.set()
            sink.release.wait(60)
            return
        if sink.mode == "refuse":
            self.reply("554 5.3.2 Not accepting mail now")
            return
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                if not sink.receive(self._data()):
                    return  # stalled: the client never hears that its message arrived
                self.reply("250 2.0.0 Ok: queued")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 Ok")

    def _data(self):
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class SmtpSink:
    def __init__(self):
        self.mode = "accept"
        self.messages = []
        self.stall_at = None  # the number (1-based) of the message that is never confirmed
        self.hanging, self.stalled, self.release = (threading.Event() for _ in range(3))
        self._lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.sink = self
        self.port = self.server.server_address[1]

    def receive(self, data):
        """Keep a message; False when it is the one to stall on (kept, but never confirmed)."""
        with self._lock:
            self.messages.append(email.message_from_bytes(data))
            stall = len(self.messages) == self.stall_at
        if stall:
            self.stalled.set()
            self.release.wait(60)
        return not stall

    def message_ids(self):
        """How many times each Message-ID arrived."""
        with self._lock:
            return collections.Counter(message["Message-ID"] for message in self.messages)


@contextlib.contextmanager
def smtp_sink():
    sink = SmtpSink()
    thread = threading.Thread(target=sink.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.release.set()
        sink.server.shutdown()
        sink.server.server_close()
