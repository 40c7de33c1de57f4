# The Python zygote: one interpreter per server that has imported the client libraries once, and
# starts each Python run as a clone of itself inside a sandbox of that run's own. It replaces, for
# Python, a fresh bubblewrap sandbox per run (442 ms of CPU a run, most of it the imports) with one
# clone (~25 ms): bench/fork-paths.py measures both.
#
#   /usr/bin/python3 -I -u zygote.py      (as root, by zygote.ts; commands on stdin, events on stdout)
#
# THREAT MODEL OF THE FORK PATH (read ../sandbox.ts first: the same attacker, the same goals).
# The zygote runs as root in the host's namespaces and never runs the learner's code. It holds
# nothing secret: it was started with an empty environment, reads only the commands the server
# writes to its stdin, and has imported only Debian's client libraries. Each run:
#   - is a clone(2) of the zygote straight into new pid, mount, net, ipc, uts and cgroup
#     namespaces; the clone is pid 1 of its pid namespace, so when it ends every process of the
#     run ends with it, and the server kills it (SIGKILL from the parent namespace) to stop it;
#     pid 1 IS the program (the session and process group leader, for Ctrl-C), and carries the
#     forwarded connections in a thread of its own; it ends with the program's status;
#   - connects its stdin, stdout and stderr to the server (unix sockets in the run's own host
#     directory), closes every other descriptor (the zygote's pipes included), and starts a new
#     session (no terminal to push keystrokes into);
#   - builds its root as bubblewrap does for the other path (bwrap-args.ts): a tmpfs with /usr and
#     a few /etc entries read-only, its own /proc, a minimal /dev, size-capped tmpfs for the home,
#     /tmp and /dev/shm, the launcher and the run's forwarding sockets read-only; pivot_root, the
#     old root detached, the new root read-only; loopback up and nothing else;
#   - drops to the run's own unprivileged uid and gid with no supplementary groups, empties every
#     capability set (the bounding set too), sets no_new_privs, and installs a seccomp filter that
#     refuses new user namespaces (bubblewrap's --disable-userns);
#   - then, as the launcher does: nice, rlimits, the learner's files, the forwarder's listeners,
#     the environment (only the run's), and the learner's main file in a fresh __main__.
# What changes compared with a fresh sandbox per run:
#   - the program's memory starts as a copy of the zygote's: module state the zygote built while
#     importing (never anything of another run: every run is cloned from the zygote, never from a
#     run). A learner who modifies a library module changes their own copy only;
#   - one process instead of three: the program is the namespace's init (bubblewrap has an init
#     of its own, and a forwarder process), and the forwarder a thread in it, as the run's uid
#     like the program (the learner could reach the forwarding sockets directly anyway). As pid 1
#     the program gets no signal it has no handler for: SIGINT has Python's, SIGXCPU one of ours
#     that ends it as the signal would, SIGKILL always arrives; orphans of its children are not
#     reaped until the run ends (they count against its process limit);
#   - the program is dumpable (PR_SET_DUMPABLE after the uid change), as an exec'd program is, so
#     that it can read its own /proc files; core dumps stay off;
#   - no user namespace: the run's namespaces belong to the host's, so the uid drop and the empty
#     capability sets are what keep it from them (as bubblewrap's setuid mode does); the seccomp
#     filter keeps it from making one of its own.
import ctypes
import fcntl
import gc
import json
import os
import selectors
import signal
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import launcher  # noqa: E402  (the run's own steps, shared with the bubblewrap path)

ARCH = os.uname().machine
SYSCALLS = {
    "x86_64": {"clone": 56, "unshare": 272, "clone3": 435, "pivot_root": 155, "audit_arch": 0xC000003E},
    "aarch64": {"clone": 220, "unshare": 97, "clone3": 435, "pivot_root": 41, "audit_arch": 0xC00000B7},
}[ARCH]

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x02000000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
RUN_NAMESPACES = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    1, 2, 4, 8, 32, 4096, 16384, 1 << 18)
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, PR_CAP_AMBIENT = (
    1, 4, 24, 38, 22, 47)
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECCOMP_MODE_FILTER = 2

libc = ctypes.CDLL(None, use_errno=True)


def check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(src, dst, fstype=None, flags=0, data=None):
    enc = lambda s: s.encode() if s else None  # noqa: E731
    check(libc.mount(enc(src), dst.encode(), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {dst}")


def bind(src, dst, writable=False):
    mount(src, dst, flags=MS_BIND | MS_REC)
    if not writable:
        mount(None, dst, flags=MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def mountpoint_like(src, dst):
    """An empty file or directory at dst to mount src on."""
    if os.path.isdir(src):
        os.makedirs(dst, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        open(dst, "a").close()


def build_root(root, spec):
    """The run's filesystem, as bwrap-args.ts lays it out, then pivot_root into it."""
    mount(None, "/", flags=MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    os.makedirs(f"{root}/usr")
    bind("/usr", f"{root}/usr")
    bind(f"{spec['runtimeDir']}/empty", f"{root}/usr/local")
    for name, target in spec["usrLinks"].items():
        if target == "dir":
            mountpoint_like(f"/{name}", f"{root}/{name}")
            bind(f"/{name}", f"{root}/{name}")
        else:
            os.symlink(target, f"{root}/{name}")
    for entry in spec["etcEntries"]:
        mountpoint_like(f"/etc/{entry}", f"{root}/etc/{entry}")
        bind(f"/etc/{entry}", f"{root}/etc/{entry}")
    for name in ("passwd", "group", "hosts", "nsswitch.conf"):
        mountpoint_like(f"{spec['sandboxDir']}/etc/{name}", f"{root}/etc/{name}")
        bind(f"{spec['sandboxDir']}/etc/{name}", f"{root}/etc/{name}")
    os.makedirs(f"{root}/proc")
    mount("proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    build_dev(f"{root}/dev", spec["sizes"]["tmpBytes"])
    uid = spec["uid"]
    home = root + launcher.HOME
    os.makedirs(home)
    mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec['sizes']['homeBytes']},mode=700,uid={uid},gid={uid}")
    os.makedirs(f"{root}/tmp")
    mount("tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec['sizes']['tmpBytes']},mode=1777")
    for src, dst in ((f"{spec['runtimeDir']}/inside", spec["inside"]["bin"]), (f"{spec['sandboxDir']}/net", spec["inside"]["net"])):
        os.makedirs(root + dst)
        bind(src, root + dst)
    os.makedirs(f"{root}/.old")
    check(libc.syscall(SYSCALLS["pivot_root"], root.encode(), f"{root}/.old".encode()), "pivot_root")
    os.chdir("/")
    check(libc.umount2(b"/.old", MNT_DETACH), "detach the old root")
    os.rmdir("/.old")
    mount(None, "/", flags=MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def build_dev(dev, shm_bytes):
    """bubblewrap's --dev: the harmless device nodes, links into /proc, a small /dev/shm; read-only."""
    os.makedirs(dev)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID, "size=64k,mode=755")
    for node in ("null", "zero", "full", "random", "urandom", "tty"):
        open(f"{dev}/{node}", "a").close()
        mount(f"/dev/{node}", f"{dev}/{node}", flags=MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2"), ("core", "/proc/kcore")):
        os.symlink(target, f"{dev}/{name}")
    os.makedirs(f"{dev}/shm")
    mount("tmpfs", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={shm_bytes},mode=1777")
    mount(None, dev, flags=MS_REMOUNT | MS_RDONLY | MS_NOSUID)


def loopback_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flags = struct.unpack("16sh", fcntl.ioctl(s, 0x8913, struct.pack("16sh", b"lo", 0)))[1]  # SIOCGIFFLAGS
    fcntl.ioctl(s, 0x8914, struct.pack("16sh", b"lo", flags | 1))  # SIOCSIFFLAGS, IFF_UP
    s.close()


def drop_privileges(uid):
    """Root (of the host's user namespace) to the run's uid with no capability left, for good."""
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    for cap in range(last + 1):
        check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap} from the bounding set")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    # The uid change made the process non-dumpable, which hides its own /proc files from it; a
    # program started by exec (the other path) is dumpable. Core dumps stay off (RLIMIT_CORE 0).
    check(libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")
    install_seccomp()
    # Cleared by the change of credentials: the run still dies with the zygote.
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")


def install_seccomp():
    """No new user namespaces: clone and unshare with CLONE_NEWUSER fail (EPERM); clone3, whose
    flags a filter cannot read, answers ENOSYS and the C library falls back to clone."""
    ld_w, jeq, jset, ret = 0x20, 0x15, 0x45, 0x06
    allow, eperm, enosys, kill = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38, 0x80000000
    n = SYSCALLS
    prog = [
        (ld_w, 0, 0, 4),  # arch
        (jeq, 1, 0, n["audit_arch"]),
        (ret, 0, 0, kill),
        (ld_w, 0, 0, 0),  # syscall number
        (jeq, 0, 1, n["clone3"]),
        (ret, 0, 0, enosys),
        (jeq, 1, 0, n["clone"]),
        (jeq, 0, 3, n["unshare"]),
        (ld_w, 0, 0, 16),  # low half of the first argument: the flags
        (jset, 0, 1, CLONE_NEWUSER),
        (ret, 0, 0, eperm),
        (ret, 0, 0, allow),
    ]
    filters = (ctypes.c_ubyte * (8 * len(prog)))()
    for i, ins in enumerate(prog):
        struct.pack_into("HBBI", filters, 8 * i, *ins)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(prog), ctypes.addressof(filters))
    check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")


def connect_stdio(path):
    """stdin, stdout and stderr: three connections to the server's socket, each saying which it is."""
    for fd in (0, 1, 2):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(str(fd).encode())
        os.dup2(s.fileno(), fd)
        s.close()


def run_child(spec):
    """In the clone: pid 1 of the run's namespaces, still root until drop_privileges."""
    code = 1
    try:
        check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")
        signal.set_wakeup_fd(-1)
        # The zygote's own handlers go; the program starts with Python's usual ones.
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        connect_stdio(f"{spec['sandboxDir']}/stdio.sock")
        os.closerange(3, 65536)
        os.setsid()
        build_root(f"{spec['sandboxDir']}/root", spec)
        loopback_up()
        libc.sethostname(spec["hostname"].encode(), len(spec["hostname"]))
        drop_privileges(spec["uid"])
        code = program_as_init(spec)
    except SystemExit as stop:
        code = exit_code(stop)
    except BaseException as err:  # noqa: BLE001 - the server shows it as the run's output
        print(f"the sandbox could not be set up: {err}", file=sys.stderr)
        code = 126
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


def program_as_init(spec):
    """The clone is the program: pid 1 of the run's namespaces, with the forwarder as a thread of
    its own. One fork a run instead of two (a fork of the warm interpreter is most of what a run
    costs). As pid 1 it differs from a plain process in two ways, both handled here: a signal it
    has no handler for is not delivered (SIGINT has Python's; SIGXCPU gets one that ends the run
    as the signal would), and the orphans of its children stay zombies until the run ends (they
    count against its process limit). When it exits, the kernel ends whatever it left."""
    import threading

    request = spec["request"]
    os.nice(spec["niceness"])
    launcher.apply_limits(request["limits"])
    launcher.write_files(request["files"])
    listeners = launcher.open_listeners(request["forwards"])
    threading.Thread(target=launcher.forward_forever, args=(listeners,), name="forwarder", daemon=True).start()
    signal.signal(signal.SIGXCPU, cpu_limit_reached)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(launcher.HOME)
    try:
        launcher.run_python(os.path.join(launcher.HOME, request["main"]))
        return 0
    except SystemExit as stop:
        return exit_code(stop)


def cpu_limit_reached(*_):
    """RLIMIT_CPU's soft limit: what the signal's default action does to any other process (the hard
    limit's SIGKILL, a second later, still ends a program that is stuck outside Python)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    os._exit(128 + signal.SIGXCPU)


def exit_code(stop):
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code & 0xFF
    print(stop.code, file=sys.stderr)
    return 1


def clone_run():
    """fork(), with the child in new namespaces; Python's fork hooks around the raw system call."""
    ctypes.pythonapi.PyOS_BeforeFork()
    pid = libc.syscall(SYSCALLS["clone"], ctypes.c_ulong(RUN_NAMESPACES | signal.SIGCHLD), None, None, None, None)
    if pid == 0:
        ctypes.pythonapi.PyOS_AfterFork_Child()
        return 0
    err = ctypes.get_errno()
    ctypes.pythonapi.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(err, f"clone: {os.strerror(err)}")
    return pid


def emit(event):
    os.write(1, (json.dumps(event) + "\n").encode())


def main():
    for name in launcher.WARM_MODULES:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - fails again, with its message, in the learner's code
            pass
    gc.freeze()
    runs = {}
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ, "commands")
    sel.register(wake_r, selectors.EVENT_READ, "children")
    pending = b""
    emit({"ready": True})
    while True:
        for key, _ in sel.select():
            if key.data == "children":
                os.read(wake_r, 4096)
                reap(runs)
                continue
            chunk = os.read(0, 1 << 20)
            if not chunk:
                # The server went away: its runs go too (they have the parent-death signal).
                os._exit(0)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                spec = json.loads(line)
                try:
                    pid = clone_run()
                except OSError as err:
                    emit({"id": spec["id"], "exit": 126, "error": str(err)})
                    continue
                if pid == 0:
                    run_child(spec)
                runs[pid] = spec["id"]
                emit({"id": spec["id"], "pid": pid})
        reap(runs)


def reap(runs):
    while runs:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        run = runs.pop(pid, None)
        if run is not None:
            code = os.waitstatus_to_exitcode(status)
            emit({"id": run, "exit": code if code >= 0 else 128 - code})


if __name__ == "__main__":
    main()
