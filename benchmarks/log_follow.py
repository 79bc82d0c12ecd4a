"""Follow correctness: lines lost over rename rotations with late writes, and delete-and-recreate.

A writer appends numbered `ERROR seq N` lines to app.log while warroom's follower polls it every
INTERVAL seconds and `tail -n 0 -F app.log` runs beside it. Two scenarios:
  - 20 rename rotations (app.log -> app.log.K, new app.log); the writer keeps its old descriptor
    and writes some late lines to the old file 3 poll intervals after the rename (logrotate
    without copytruncate, before the app reopens its log). Targets: 0 lost; rotation noticed
    within 2 poll intervals.
  - 20 deletes and re-creations of app.log. Target: 0 lost.
Reports lines lost and duplicated for warroom and lines lost for `tail -F` in the same run.
Prints PASS or FAIL per target and exits 1 when one is missed (see verdict.py).

    python benchmarks/log_follow.py [--interval 0.1] [--rotations 20]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

from verdict import Verdict, sized

from warroom.sources.logfollow import FileSet
from warroom.sources.logscan import Matcher

SEQ = re.compile(rb"seq (\d+)")


class Follower(threading.Thread):
    """warroom's FileSet polled every `interval` seconds, as the poller would (in a thread)."""

    def __init__(self, path: str, interval: float) -> None:
        super().__init__(daemon=True)
        self.files = FileSet(path, Matcher())
        self.interval = interval
        self.seen: list[int] = []
        self.rotation_seen_at: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        follower = next(iter(self.files.followers.values()))
        rotations = 0
        while not self.stop.is_set():
            for line, _ in self.files.poll():
                m = SEQ.search(line)
                if m:
                    self.seen.append(int(m.group(1)))
            if follower.rotations != rotations:
                self.rotation_seen_at += [time.monotonic()] * (follower.rotations - rotations)
                rotations = follower.rotations
            self.stop.wait(self.interval)
        for line, _ in self.files.poll() + self.files.close():
            m = SEQ.search(line)
            if m:
                self.seen.append(int(m.group(1)))


class Writer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.seq = 0
        self.f = open(path, "a", buffering=1)

    def write(self, n: int, f=None) -> None:
        for _ in range(n):
            (f or self.f).write(f"2024-05-01T12:00:00Z ERROR seq {self.seq} something failed\n")
            self.seq += 1


def run(scenario: str, rounds: int, interval: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="warroom-logfollow-") as tmp:
        path = os.path.join(tmp, "app.log")
        open(path, "w").close()
        follower = Follower(path, interval)
        follower.start()
        tail_out = open(os.path.join(tmp, "tail.out"), "wb")
        tail = subprocess.Popen(["tail", "-n", "0", "-F", path], stdout=tail_out, stderr=subprocess.DEVNULL)
        time.sleep(3 * interval)
        writer = Writer(path)
        renamed_at: list[float] = []
        for k in range(rounds):
            writer.write(50)
            time.sleep(2 * interval)
            if scenario == "rotate":
                os.rename(path, f"{path}.{k}")
                renamed_at.append(time.monotonic())
                old = writer.f
                writer.f = open(path, "a", buffering=1)
                writer.write(20)
                time.sleep(3 * interval)  # both followers have moved to the new file by now
                writer.write(10, old)  # the app had not reopened its log yet: late writes
                old.close()
            else:
                writer.f.close()
                os.unlink(path)
                time.sleep(1.5 * interval)
                writer.f = open(path, "a", buffering=1)
                writer.write(20)
            time.sleep(2 * interval)
        writer.f.close()
        time.sleep(5 * interval)
        follower.stop.set()
        follower.join()
        tail.terminate()
        tail.wait()
        tail_out.close()
        with open(os.path.join(tmp, "tail.out"), "rb") as f:
            tail_seen = {int(m.group(1)) for m in SEQ.finditer(f.read())}
        latencies = [seen - ren for ren, seen in zip(renamed_at, follower.rotation_seen_at)]
        return {
            "written": writer.seq,
            "lost": writer.seq - len(set(follower.seen)),
            "duplicated": len(follower.seen) - len(set(follower.seen)),
            "tail_lost": writer.seq - len(tail_seen),
            "worst_notice": max(latencies) if latencies else None,
            "noticed": len(follower.rotation_seen_at),
        }


def main() -> int:
    verdict = Verdict()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--rotations", type=int, default=sized(20, 6))
    args = ap.parse_args()
    print(f"poll interval {args.interval}s; load avg {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    rot = run("rotate", args.rotations, args.interval)
    lost_ok = verdict.check(
        "0 lost over rotations",
        rot["lost"] == 0,
        figure=f"{rot['lost']} of {rot['written']} lost",
        reference=f"tail -F lost {rot['tail_lost']}",
    )
    print(
        f"{args.rotations} rename rotations with late writes: {rot['written']} lines written; "
        f"warroom lost {rot['lost']} (target 0), duplicated {rot['duplicated']}; "
        f"tail -F lost {rot['tail_lost']}  {lost_ok}"
    )
    worst = rot["worst_notice"]
    in_time = rot["noticed"] == args.rotations and worst is not None and worst <= 2 * args.interval
    noticed_ok = verdict.check(
        "every rotation noticed within 2 polls",
        in_time,
        figure=f"{rot['noticed']}/{args.rotations} noticed, worst "
        + (f"{worst:.3f} s" if worst is not None else "never"),
        reference=f"poll interval {args.interval:g} s",
        ratio=None if worst is None else worst / args.interval,
    )
    print(
        f"rotation noticed: {rot['noticed']}/{args.rotations}, worst after "
        + (f"{worst:.3f}s = {worst / args.interval:.2f}" if worst is not None else "never: -")
        + f" poll intervals (target <= 2)  {noticed_ok}"
    )
    rec = run("recreate", args.rotations, args.interval)
    recreate_ok = verdict.check(
        "0 lost over re-creations",
        rec["lost"] == 0,
        figure=f"{rec['lost']} of {rec['written']} lost",
        reference=f"tail -F lost {rec['tail_lost']}",
    )
    print(
        f"{args.rotations} deletes + re-creations: {rec['written']} lines written; "
        f"warroom lost {rec['lost']} (target 0), duplicated {rec['duplicated']}; tail -F lost {rec['tail_lost']}"
        f"  {recreate_ok}"
    )
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
