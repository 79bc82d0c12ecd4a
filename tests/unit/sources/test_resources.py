"""Resources measured with psutil on this machine, checked against free, df and real sockets."""

import asyncio
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime

import psutil
import pytest

from warroom.config.model import ResourcesConfig
from warroom.domain.resource_rules import ResourceThresholds
from warroom.sources.resources import ResourcesSource, human_bytes, human_size
from warroom.sources.tcp_states import PSUTIL_TCP_STATES, tcp_states_from_proc, tcp_states_from_psutil

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@pytest.fixture
async def resources():
    made = []

    def make(**kw):
        src = ResourcesSource(ResourcesConfig(**kw))
        made.append(src)
        return src

    yield make
    for src in made:
        await src.aclose()


async def test_snapshot_has_sane_values(resources):
    src = resources(mounts=("/", "/definitely/not/mounted"))
    assert (src.key, src.kind) == ("resources", "resources")
    snap = await src.collect(NOW)
    assert snap.error is None and snap.taken_at == NOW
    assert 0.0 <= snap.cpu_percent <= 100.0
    assert snap.cpu_count == psutil.cpu_count()
    cores = [c.percent for c in snap.busiest_cores]
    assert 1 <= len(cores) <= 4 and cores == sorted(cores, reverse=True)
    assert len(snap.load) == 3 and all(x >= 0 for x in snap.load)
    assert snap.memory.total == psutil.virtual_memory().total
    assert 0 < snap.memory.percent < 100 and snap.memory.available <= snap.memory.total
    root, bogus = snap.disks
    assert root.error is None and root.mounted_on == "/" and 0 < root.percent < 100
    assert root.size > root.used > 0
    assert bogus.error == "No such file or directory" and bogus.size == 0
    assert snap.disk_percents == {"/": root.percent}  # the bogus mount is not a 0 % disk
    assert [s.series for s in snap.samples()] == ["resources.cpu", "resources.memory", "resources.disk:/"]


@pytest.mark.requires("free")
async def test_memory_reads_like_free_h(resources):
    snap = await resources().collect(NOW)
    free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout.splitlines()
    mem = free[1].split()
    assert mem[0] == "Mem:" and mem[1] == human_bytes(snap.memory.total)
    swap = free[2].split()
    assert swap[1] == human_bytes(snap.swap.total)
    text = snap.as_text()
    assert f"Mem:{human_bytes(snap.memory.total):>16}" in text  # aligned like free


@pytest.mark.requires("df")
async def test_disks_read_like_df_h(resources):
    snap = await resources(mounts=("/",)).collect(NOW)
    df = subprocess.run(["df", "-h", "/"], capture_output=True, text=True, check=True).stdout.splitlines()
    filesystem, size = df[1].split()[:2]
    root = snap.disks[0]
    assert (root.filesystem, human_size(root.size)) == (filesystem, size)
    assert "Filesystem" in snap.as_text() and f"{filesystem}" in snap.as_text()


def test_human_units():
    assert [human_bytes(n) for n in (0, 1023, 9068544, 425_000_000, 25276510208, 1023 * 2**20)] == [
        "0B",
        "1023B",
        "8.6Mi",
        "405Mi",
        "23Gi",
        "1.0Gi",
    ]
    assert [human_size(n) for n in (0, 1024, 270553174016, 23520391168, 960_000_000)] == [
        "0",
        "1.0K",
        "252G",
        "22G",
        "916M",
    ]


async def test_connection_states_see_a_listening_and_a_connected_socket(resources):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    try:
        snap = await resources().collect(NOW)
        states = dict(snap.tcp_states)
        assert snap.tcp_error is None
        assert states.get("LISTEN", 0) >= 1
        assert states.get("ESTAB", 0) >= 2  # both ends of our connection
        assert all(s in PSUTIL_TCP_STATES.values() for s in states), states  # ss names only
        counts = [c for _, c in snap.tcp_states]
        assert counts == sorted(counts, reverse=True)
        assert "tcp states (ss -tan):" in snap.as_text()
        assert f"{states['ESTAB']:>7} ESTAB" in snap.as_text()
    finally:
        for s in (client, accepted, server):
            s.close()


def test_proc_and_psutil_both_see_an_ipv6_listener():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 loopback here: Python was built without IPv6")
    server = socket.socket(socket.AF_INET6)
    try:
        server.bind(("::1", 0))
    except OSError:
        server.close()
        pytest.skip("no IPv6 loopback here")
    server.listen()
    try:
        assert tcp_states_from_proc(("/proc/net/tcp6",)).get("LISTEN", 0) >= 1
        try:
            from_psutil = tcp_states_from_psutil()
        except psutil.AccessDenied:
            pytest.skip("psutil.net_connections needs privileges here")
        assert from_psutil.get("LISTEN", 0) >= 1
    finally:
        server.close()


def test_proc_parser_names_states_like_ss(tmp_path):
    header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    row = "   {i}: 0100007F:1F90 0100007F:C350 {st} 00000000:00000000 00:00000000 00000000  1000        0 {i} 1\n"
    (tmp_path / "tcp").write_text(
        header + "".join(row.format(i=i, st=st) for i, st in enumerate(["0A", "01", "01", "06", "08", "0c"]))
    )
    assert tcp_states_from_proc((str(tmp_path / "tcp"), str(tmp_path / "tcp6-missing"))) == {
        "LISTEN": 1,
        "ESTAB": 2,
        "TIME-WAIT": 1,
        "CLOSE-WAIT": 1,
        "SYN-RECV": 1,
    }


@pytest.mark.usefixtures("burns_cpu")
async def test_top_processes_by_cpu_and_memory(resources):
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    hog = subprocess.Popen(
        [sys.executable, "-c", "b = bytearray(300 * 2**20); print('ready', flush=True); input()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert hog.stdout.readline().strip() == "ready"
        src = resources(top=50)
        snap = await src.collect(NOW)
        snap = await src.collect(NOW)  # the second look uses the kept Process objects
        by_cpu = {p.pid: p for p in snap.top_cpu}
        assert spinner.pid in by_cpu and by_cpu[spinner.pid].cpu_percent > 5  # shared, busy cores
        rss = [p.rss for p in snap.top_memory]
        assert rss == sorted(rss, reverse=True)
        by_mem = {p.pid: p for p in snap.top_memory}
        assert hog.pid in by_mem and by_mem[hog.pid].rss >= 290 * 2**20
        assert by_mem[hog.pid].name.startswith("python")
        assert "top memory:" in snap.as_text()
    finally:
        spinner.kill()
        hog.kill()
        spinner.wait()
        hog.wait()
        hog.stdin.close()
        hog.stdout.close()


async def test_sampling_runs_in_its_own_thread_not_on_the_loop(resources):
    src = resources()
    seen = []
    real = src._sampler.sample

    def spy(now):
        seen.append(threading.current_thread().name)
        return real(now)

    src._sampler.sample = spy
    await src.collect(NOW)
    assert seen and seen[0].startswith("warroom-resources")
    assert seen[0] != threading.main_thread().name


async def test_a_hung_sample_becomes_an_error_and_work_does_not_pile_up(resources):
    src = resources()
    src.timeout = 0.3
    release = threading.Event()
    calls = []

    def hung(now):
        calls.append(now)
        release.wait(10)  # like statvfs on a dead NFS mount
        raise OSError("never mind")

    src._sampler.sample = hung
    first = await src.collect(NOW)
    assert first.error == "sampling took over 0.3s (a hung mount?)"
    second = await src.collect(NOW)
    assert second.error.startswith("previous sample still running after")
    assert len(calls) == 1
    release.set()
    await asyncio.sleep(0)  # let the worker finish before the fixture closes it


async def test_thresholds_fed_from_a_real_snapshot(resources):
    snap = await resources(mounts=("/",)).collect(NOW)
    low = ResourceThresholds(disk=0.0, memory=100.0)
    events = low.observe(snap.memory_percent, snap.disk_percents, NOW)
    assert [e.payload["metric"] for e in events] == ["disk:/"]
    assert events[0].text.startswith("disk / at ")
