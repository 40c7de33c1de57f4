# The first program of every sandbox (see ../sandbox.ts for the threat model). It runs INSIDE
# bubblewrap as the run's unprivileged uid, so nothing here is trusted more than the learner's code:
# it only prepares the run on the learner's side of the wall.
#
#   /usr/bin/python3 -I -u launcher.py <python|javascript> <niceness>
#
# 1. Lowers its priority, and for Python imports the client libraries the lessons use, so that a
#    pooled sandbox has paid that cost (~0.3 s) before anybody asks for a run.
# 2. Writes "ready\n" on fd 4, then reads the run request (JSON) from fd 3 until end of file.
# 3. Applies the run's rlimits, writes the learner's files into its home, starts the port
#    forwarder (a child in its own session) and sets the environment.
# 4. Runs the learner's main file in this very process (Python), or execs Node on it (JavaScript),
#    so the program is pid 2 of the sandbox and Ctrl-C reaches it as it would in a shell.
import os
import sys

READY_FD = 4
REQUEST_FD = 3
HOME = "/home/learner"

# The imports the lessons' snippets start with. Done before the request arrives, so they cost
# nothing at run time; a module that fails here fails again, with its message, in the learner's code.
WARM_MODULES = (
    "redis",
    "pika",
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlalchemy.ext.declarative",
    "sqlalchemy.dialects.mysql.pymysql",
    "memcache",
    "pymysql",
    # What the first TCP connection of a run imports (socket.getaddrinfo encodes the host name
    # with the IDNA codec: stringprep and unicodedata): half the page faults of a small run
    # from the zygote, whose faults are most of what a run costs (bench/fork-paths.py).
    "encodings.idna",
)

# Per-direction buffer of a forwarded connection above which the forwarder stops reading the
# other side (backpressure), and below which it reads again.
FORWARD_HIGH_BYTES = 256 * 1024
FORWARD_LOW_BYTES = 64 * 1024
FORWARD_CHUNK_BYTES = 64 * 1024


def main():
    language = sys.argv[1]
    os.nice(int(sys.argv[2]))
    if language == "python":
        for name in WARM_MODULES:
            try:
                __import__(name)
            except Exception:
                pass
    os.write(READY_FD, b"ready\n")
    os.close(READY_FD)

    import json

    chunks = []
    while True:
        chunk = os.read(REQUEST_FD, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(REQUEST_FD)
    if not chunks:
        # The server discarded this sandbox without using it.
        os._exit(0)
    request = json.loads(b"".join(chunks))
    run_request(language, 0, request)


def run_request(language, niceness, request):
    """Steps 3 and 4, for a process that is already the run's (also the zygote's clones, which
    lower their priority here rather than at their start). Returns when a Python program ends."""
    if niceness:
        os.nice(niceness)
    apply_limits(request["limits"])
    write_files(request["files"])
    if request["forwards"]:
        start_forwarder(request["forwards"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(HOME)
    main_path = os.path.join(HOME, request["main"])
    if language == "python":
        run_python(main_path)
        return 0
    else:
        import signal

        # Python ignores SIGPIPE for itself; Node and its children must get the default back.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        node = request["node"]
        os.execv(node["path"], [node["path"], *node["args"], main_path])


def apply_limits(limits):
    import resource

    def cap(which, value):
        resource.setrlimit(which, (value, value))

    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(usage.ru_utime + usage.ru_stime) + 1
    # RLIMIT_CPU counts from the process's start: the warm-up's seconds are added, so the learner
    # gets the whole budget. Soft then hard: SIGXCPU first, SIGKILL a second later.
    resource.setrlimit(resource.RLIMIT_CPU, (spent + limits["cpuSeconds"], spent + limits["cpuSeconds"] + 1))
    # RLIMIT_DATA rather than RLIMIT_AS: it stops big allocations in Python and Node alike, while
    # Node's reserved-but-unused address space (WebAssembly guard regions) does not count.
    cap(resource.RLIMIT_DATA, limits["memoryBytes"])
    if limits["processes"] > 0:  # 0: the server is not root and the sandbox shares its uid
        cap(resource.RLIMIT_NPROC, limits["processes"])
    cap(resource.RLIMIT_FSIZE, limits["fileBytes"])
    cap(resource.RLIMIT_NOFILE, limits["openFiles"])
    cap(resource.RLIMIT_CORE, 0)


def write_files(files):
    for f in files:
        name = f["name"]
        # The server already checked the names; a path here must not leave the home directory.
        if os.path.basename(name) != name or name.startswith("."):
            raise SystemExit(f"bad file name {name!r}")
        with open(os.path.join(HOME, name), "w", encoding="utf-8") as out:
            out.write(f["content"])


def run_python(main_path):
    import builtins
    import traceback
    import types

    with open(main_path, "rb") as f:
        source = f.read()
    module = types.ModuleType("__main__")
    module.__file__ = main_path
    module.__builtins__ = builtins
    module.__cached__ = None
    sys.modules["__main__"] = module
    sys.argv = [main_path]
    # As `python3 main.py` does: the script's directory first, so the learner's other files import.
    sys.path.insert(0, HOME)
    try:
        code = compile(source, main_path, "exec")
    except SyntaxError as err:
        traceback.print_exception(type(err), err, None)
        sys.exit(1)
    try:
        exec(code, module.__dict__)
    except SystemExit:
        raise
    except BaseException as err:  # noqa: BLE001 - reported as the interpreter would
        # Leave out this launcher's frame: the traceback starts in the learner's file.
        # (The default hook prints the exception's own __traceback__, so that is what is shortened.)
        tb = err.__traceback__.tb_next if err.__traceback__ else None
        sys.excepthook(type(err), err.with_traceback(tb), tb)
        # 130 as CPython exits after an unhandled KeyboardInterrupt (128 + SIGINT).
        sys.exit(130 if isinstance(err, KeyboardInterrupt) else 1)


def start_forwarder(forwards):
    """Listens on 127.0.0.1:<port> for each service inside the sandbox's own network namespace and
    carries each connection to a unix socket the server serves outside, which connects to the
    learner's real endpoint. The listeners exist before the learner's code runs."""
    listeners = open_listeners(forwards)
    if os.fork() == 0:
        try:
            # Its own session: Ctrl-C goes to the program's process group, not to the forwarder.
            os.setsid()
            devnull = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            forward_forever(listeners)
        finally:
            os._exit(0)
    for sock, _ in listeners:
        sock.close()


def open_listeners(forwards):
    import socket

    listeners = []
    for fwd in forwards:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", fwd["port"]))
        sock.listen(64)
        listeners.append((sock, fwd["socket"]))
    return listeners


class _End:
    __slots__ = ("sock", "peer", "outbuf", "eof", "shut")

    def __init__(self, sock):
        self.sock = sock
        self.peer = None
        self.outbuf = bytearray()
        self.eof = False  # the other side will send nothing more
        self.shut = False  # we sent our FIN


def forward_forever(listeners, wake_fd=None, on_wake=None):
    """Carries connections until killed; `on_wake` is called whenever `wake_fd` is readable."""
    import selectors
    import socket

    sel = selectors.DefaultSelector()
    for sock, path in listeners:
        sock.setblocking(False)
        sel.register(sock, selectors.EVENT_READ, ("listen", path))
    if wake_fd is not None:
        sel.register(wake_fd, selectors.EVENT_READ, "wake")
    interest = {}

    def close_pair(end):
        for e in (end, end.peer):
            if e.sock in interest:
                sel.unregister(e.sock)
                del interest[e.sock]
            e.sock.close()

    def update(end):
        want = 0
        if not end.eof and len(end.peer.outbuf) < FORWARD_HIGH_BYTES:
            want |= selectors.EVENT_READ
        if end.outbuf:
            want |= selectors.EVENT_WRITE
        if want == interest.get(end.sock):
            return
        if end.sock in interest:
            if want:
                sel.modify(end.sock, want, end)
            else:
                sel.unregister(end.sock)
        elif want:
            sel.register(end.sock, want, end)
        if want:
            interest[end.sock] = want
        else:
            interest.pop(end.sock, None)

    def finished(end):
        return end.eof and end.peer.eof and not end.outbuf and not end.peer.outbuf

    while True:
        for key, events in sel.select():
            data = key.data
            if data == "wake":
                os.read(wake_fd, 4096)
                on_wake()
                continue
            if isinstance(data, tuple):
                try:
                    conn, _ = key.fileobj.accept()
                except OSError:
                    continue
                upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    upstream.connect(data[1])
                except OSError:
                    upstream.close()
                    conn.close()
                    continue
                conn.setblocking(False)
                upstream.setblocking(False)
                a, b = _End(conn), _End(upstream)
                a.peer, b.peer = b, a
                update(a)
                update(b)
                continue
            end = data
            if end.sock.fileno() < 0:
                continue
            try:
                if events & selectors.EVENT_WRITE and end.outbuf:
                    sent = end.sock.send(end.outbuf)
                    del end.outbuf[:sent]
                    if not end.outbuf and end.peer.eof and not end.shut:
                        end.sock.shutdown(socket.SHUT_WR)
                        end.shut = True
                if events & selectors.EVENT_READ and not end.eof:
                    chunk = end.sock.recv(FORWARD_CHUNK_BYTES)
                    if chunk:
                        end.peer.outbuf += chunk
                    else:
                        end.eof = True
                        if not end.peer.outbuf and not end.peer.shut:
                            end.peer.sock.shutdown(socket.SHUT_WR)
                            end.peer.shut = True
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                close_pair(end)
                continue
            if finished(end):
                close_pair(end)
                continue
            update(end)
            update(end.peer)


if __name__ == "__main__":
    main()
