"""memcached's meta commands mg, ms and md over a plain socket, as wire.py did in the memcached
course: python-memcached does not speak them. Each method sends one command and reads its reply."""
import os
import socket


class Meta:
    def __init__(self, server=None):
        host, port = (server or os.environ["MEMCACHED_SERVERS"].split(",")[0]).split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.replies = self.sock.makefile("rb")

    def _reply_line(self):
        return self.replies.readline().rstrip(b"\r\n").decode()

    def get(self, key, flags="v c N30"):
        """mg: returns (value or None, the one-letter flags such as {"W", "X"}, the cas number)."""
        self.sock.sendall(f"mg {key} {flags}\r\n".encode())
        words = self._reply_line().split()   # "VA 4 c12 X W" and the value, or "HD …", or "EN"
        value = None
        if words[0] == "VA":
            size = int(words[1])
            value = self.replies.read(size + 2)[:size].decode()
            words = words[2:]
        else:
            words = words[1:]
        cas = next((int(w[1:]) for w in words if w.startswith("c")), None)
        return value, {w for w in words if len(w) == 1}, cas

    def set(self, key, value, ttl, cas=None):
        """ms: HD when stored. With a cas: EX when the item was written or invalidated since
        (its cas moved on), NF when it is gone."""
        data = value.encode()
        # F16 is the flag python-memcached gives text, so mc.get() reads this value as a str.
        command = f"ms {key} {len(data)} T{ttl} F16" + (f" C{cas}" if cas is not None else "")
        self.sock.sendall(command.encode() + b"\r\n" + data + b"\r\n")
        return self._reply_line()

    def invalidate(self, key, ttl=30):
        """md with I: mark the item stale for ttl more seconds instead of deleting it.
        HD when marked, NF when there is no such item."""
        self.sock.sendall(f"md {key} I T{ttl}\r\n".encode())
        return self._reply_line()
