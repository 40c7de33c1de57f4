# Starts the daemons the web server runs (a learner's memcached and Redis, the shared servers, the
# executor) on its behalf, so that the web server never forks itself: Node's spawn() blocks the
# event loop until the child has exec'd, ~14 ms a spawn on these machines whatever the process's
# size, and a class joining means hundreds of spawns. Python's subprocess uses vfork, and this
# process is small; spawner.ts talks to it.
#
#   /usr/bin/python3 -I -u spawner.py      (requests on stdin, events on stdout, one JSON line each)
#
# Request: {"id", "command", "args", "cwd", "env", "log"} — the child starts in a session of its
# own (as `detached` does) with stdin on /dev/null and stdout and stderr appended to `log`.
# Events: {"id", "pid"} once started, or {"id", "error"}; later {"pid", "code", "signal"} when
# it exits. Children outlive this process (they are detached daemons with pid files); when the
# web server goes away this process ends.
import errno
import json
import os
import selectors
import signal
import subprocess
import sys


def emit(event):
    os.write(1, (json.dumps(event) + "\n").encode())


def start(request, children):
    try:
        with open(request["log"], "ab") as log:
            child = subprocess.Popen(
                [request["command"], *request["args"]],
                cwd=request["cwd"],
                env=request["env"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                close_fds=True,
            )
    except OSError as err:
        code = errno.errorcode.get(err.errno, "EIO") if err.errno else "EIO"
        emit({"id": request["id"], "error": f"spawn {request['command']} {code}", "code": code})
        return
    children[child.pid] = child
    emit({"id": request["id"], "pid": child.pid})


def reap(children):
    """Waits for whichever children have exited (only those: a class's daemons are many)."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        child = children.pop(pid, None)
        if child is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        # Reaped here: the Popen object must not wait for it again.
        child.returncode = code
        if code < 0:
            emit({"pid": pid, "code": None, "signal": signal.Signals(-code).name})
        else:
            emit({"pid": pid, "code": code, "signal": None})


def main():
    children = {}
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    # A Ctrl-C in the server's terminal is for the server, which stops the daemons in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ, "requests")
    sel.register(wake_r, selectors.EVENT_READ, "children")
    pending = b""
    while True:
        for key, _ in sel.select():
            if key.data == "children":
                os.read(wake_r, 4096)
                reap(children)
                continue
            chunk = os.read(0, 1 << 20)
            if not chunk:
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                start(json.loads(line), children)
        reap(children)


if __name__ == "__main__":
    main()
