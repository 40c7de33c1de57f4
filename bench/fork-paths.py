# What a Python run's start costs in CPU, three ways, measured in the same run (as root, on the
# host the server runs on): the design input for starting runs from a warm interpreter.
#   1. today's path: a fresh bubblewrap sandbox whose Python imports the client libraries;
#   2. a fork of an interpreter that imported them already (no isolation: the lower bound);
#   3. one clone(2) of that interpreter straight into new pid, mount, net, ipc, uts and cgroup
#      namespaces, then the sandbox's mounts, loopback, an unprivileged uid and no_new_privs —
#      what a zygote would do per run (the child is pid 1 of its namespace).
# Each child imports nothing more, prints one line and exits.
#   sudo /usr/bin/python3 bench/fork-paths.py [runs]
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
MODULES = ("redis", "pika", "sqlalchemy", "sqlalchemy.orm", "memcache", "pymysql")
UID = 1_899_999_000  # below the runner's range, so a server running meanwhile is not disturbed

# The zygote's own helpers (server/runner/inside/zygote.py): path 3 is what it does per run.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server", "runner", "inside"))
import zygote  # noqa: E402
from zygote import (  # noqa: E402
    MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT, PR_SET_NO_NEW_PRIVS,
    check, clone_run, libc, loopback_up, mount)

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def machine_cpu_ms():
    """CPU busy time of the whole machine (/proc/stat): a sandbox's processes are not all our
    children to wait for (bubblewrap's init reaps the program), so the machine is what is counted."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) * TICK_MS








def sandbox_child(root, uid):
    """In the new namespaces, as pid 1: a read-only root of /usr and tmpfs, then the learner's uid."""
    mount(None, "/", flags=MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    for d in ("usr", "proc", "dev", "tmp", "home", "old"):
        os.mkdir(f"{root}/{d}")
    mount("/usr", f"{root}/usr", None, MS_BIND | MS_REC)
    mount(None, f"{root}/usr", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    for link in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{link}"):
            os.symlink(f"usr/{link}", f"{root}/{link}")
    mount("tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=8m")
    mount("tmpfs", f"{root}/home", "tmpfs", MS_NOSUID | MS_NODEV, f"size=16m,uid={uid},gid={uid},mode=700")
    for dev in ("null", "zero", "urandom"):
        open(f"{root}/dev/{dev}", "w").close()
        mount(f"/dev/{dev}", f"{root}/dev/{dev}", None, MS_BIND)
    check(libc.syscall(zygote.SYSCALLS["pivot_root"], root.encode(), f"{root}/old".encode()), "pivot_root")
    os.chdir("/")
    check(libc.umount2(b"/old", 2), "umount the old root")
    os.rmdir("/old")
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount(None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    loopback_up()
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    os.chdir("/home")




def measure(name, start_one):
    """Runs one at a time; CPU per run is the machine's busy time over all of them (ticks of 10 ms
    are too coarse for one run), so keep the machine otherwise quiet."""
    wall = []
    c0 = machine_cpu_ms()
    for i in range(RUNS):
        w0 = time.perf_counter()
        pid = start_one(i)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{name}: run {i} failed with status {status}")
        wall.append(1000 * (time.perf_counter() - w0))
    cpu = (machine_cpu_ms() - c0) / RUNS
    wall.sort()
    print(f"{name:<47} CPU {cpu:6.1f} ms a run   wall p50 {wall[len(wall) // 2]:6.1f} ms   ({RUNS} runs)")
    return cpu


def main():
    if os.geteuid() != 0:
        raise SystemExit("run as root: paths 1 and 3 make namespaces and mounts")
    bwrap = shutil.which("bwrap") or "/usr/bin/bwrap"
    imports = "; ".join(f"import {m}" for m in MODULES)
    argv = [bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{link}"):
            argv += ["--symlink", f"usr/{link}", f"/{link}"]
    argv += ["--", "/usr/bin/python3", "-I", "-c", f"{imports}; print('ok')"]

    def fresh_sandbox(_):
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, user=UID, group=UID).pid

    today = measure("1. fresh bubblewrap sandbox + imports", fresh_sandbox)

    started = time.process_time()
    for m in MODULES:
        __import__(m)
    print(f"   (the imports alone, in this process: {1000 * (time.process_time() - started):.0f} ms CPU)")
    gc.freeze()  # fewer pages written by the children's garbage collector

    def plain_fork(_):
        pid = os.fork()
        if pid == 0:
            os.write(1, b"")
            os._exit(0)
        return pid

    measure("2. fork of the warm interpreter (no isolation)", plain_fork)

    workdir = tempfile.mkdtemp(prefix="fork-paths-")

    def cloned(i):
        root = os.path.join(workdir, str(i))
        os.mkdir(root)
        pid = clone_run()
        if pid == 0:
            try:
                sandbox_child(root, UID)
                os._exit(0 if os.getpid() == 1 and os.getuid() == UID else 3)
            except BaseException as err:  # noqa: BLE001
                print(f"child: {err!r}", file=sys.stderr)
                os._exit(99)
        return pid

    zyg = measure("3. clone into namespaces + sandbox + uid", cloned)
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"CPU per run, path 3 against path 1: {zyg / today:.2f}×")


if __name__ == "__main__":
    main()
