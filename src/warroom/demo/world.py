"""Starts and stops everything the demo runs, in one directory, all on 127.0.0.1.

`DemoWorld(speed=, seed=, keep=).start()` builds, in a fresh temp dir (or the `--keep` dir):
the HTTP service, a log file with 15 minutes of history, a git repo of recent deploys, the
`warroom.toml` pointing at them, and a database holding the declared incident. Then it starts the
log writer and the scripted story in background threads. `stop()` (also on `with` exit) stops the
threads, closes the port and removes the temp dir unless it is kept. Signals are the command's
business (`commands/demo_cmd.py`): they end up calling `stop()` through `finally`.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from warroom.demo.alertmanager import ALERT_RULES, DemoAlertmanager
from warroom.demo.config import DemoPaths, write_config
from warroom.demo.gitrepo import DemoRepo
from warroom.demo.logwriter import LogWriter
from warroom.demo.prometheus import DemoPrometheus, free_port
from warroom.demo.scenario import DemoContext, ScenarioRunner, Step
from warroom.demo.service import DemoService
from warroom.demo.state import ScriptClock, WorldState
from warroom.demo.story import HISTORY, SCRIPT_SECONDS, build_steps, seed_incident
from warroom.errors import UserError
from warroom.store.sync import EventStore


def prepare_keep_dir(path: Path) -> Path:
    """`--keep DIR`: a new or empty directory, so a kept demo never mixes with other data."""
    path = Path(path).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise UserError(f"--keep {path}: exists and is not a directory")
    if path.is_dir() and any(path.iterdir()):
        raise UserError(f"--keep {path}: directory is not empty (give a new or empty directory)")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _load_config(path: Path) -> Any:
    """The written config, read back by the real loader: the demo's file must be valid config."""
    from warroom.config.loader import load_config

    return load_config(path)


class DemoWorld:
    """Everything `warroom demo` starts; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        *,
        speed: float = 1.0,
        seed: int = 0,
        keep: Path | None = None,
        clock: ScriptClock | None = None,
        environ: dict[str, str] | None = None,
        steps: list[Step] | None = None,
        latency_scale: float = 1.0,
    ) -> None:
        if speed <= 0:
            raise UserError("--speed must be a positive number")
        self.speed = speed
        self.seed = seed
        self.keep = keep
        self.clock = clock or ScriptClock(speed)
        self.state = WorldState(self.clock)
        self.environ = environ
        self._steps = steps
        self.latency_scale = latency_scale
        self.dir: Path | None = None
        self.service: DemoService | None = None
        self.logs: LogWriter | None = None
        self.repo: DemoRepo | None = None
        self.runner: ScenarioRunner | None = None
        self.config_path: Path | None = None
        self.config: Any = None
        self.db_path: Path | None = None
        self.incident_id: int | None = None
        self.git_error: str | None = None
        #: The demo's own Prometheus (None when it is not installed: the demo says how to get it).
        self.prometheus: DemoPrometheus | None = None
        #: The demo's own Alertmanager, routing to the `[intake]` receiver at `intake` (None when
        #: it or Prometheus is not installed: nothing would send it alerts).
        self.alertmanager: DemoAlertmanager | None = None
        self.intake = ""
        self._threads: list[threading.Thread] = []
        self._halted = False

    @property
    def script_seconds(self) -> float:
        return SCRIPT_SECONDS

    @property
    def base_url(self) -> str:
        return self.service.base_url if self.service else ""

    def build(self) -> DemoWorld:
        """Create everything but start no background thread (tests drive `tick`/`run_due`)."""
        try:
            self.dir = prepare_keep_dir(self.keep) if self.keep else Path(tempfile.mkdtemp(prefix="warroom-demo-"))
            self.dir.chmod(0o700)
            now = self.clock.now()
            self.service = DemoService(self.state, self.seed, self.latency_scale)
            self.service.start()
            target = f"127.0.0.1:{self.service.port}"
            if DemoPrometheus.installed():
                self.intake = f"127.0.0.1:{free_port()}"  # the war room's (or recorder's) receiver
                self.alertmanager = DemoAlertmanager.start(self.dir, self.intake)
            if self.alertmanager is not None:
                self.prometheus = DemoPrometheus.start(
                    self.dir, target, alertmanager=self.alertmanager.address, rules=ALERT_RULES
                )
            else:
                self.intake = ""
                self.prometheus = DemoPrometheus.start(self.dir, target)
            self.logs = LogWriter(self.dir / "logs" / "api.log", self.state, self.seed)
            self.logs.write_history(15)
            self.repo = DemoRepo(self.dir / "repo", environ=self.environ)
            self.repo.init(HISTORY, now)
            self.git_error = self.repo.error
            prom_url = self.prometheus.url if self.prometheus is not None else ""
            paths = DemoPaths(self.service.base_url, self.logs.path, self.repo.path, prom_url, self.intake)
            self.config_path = write_config(self.dir, paths, self.speed)
            self.config = _load_config(self.config_path)
            self.db_path = self.dir / "warroom.db"
            with EventStore.open(self.db_path) as store:
                self.incident_id = seed_incident(store, now)
            ctx = DemoContext(
                self.db_path,
                self.incident_id,
                self.state,
                base_url=self.service.base_url,
                repo=self.repo,
                logs=self.logs,
                started_at=now,
                config=self.config,
            )
            steps = self._steps if self._steps is not None else build_steps()
            self.runner = ScenarioRunner(steps, ctx, self.clock, self.state.stop)
        except BaseException:
            self.stop()
            raise
        return self

    def start(self) -> DemoWorld:
        """Build the world, then start the clock, the log writer and the story."""
        if self.runner is None:
            self.build()
        self.clock.restart()
        assert self.logs is not None and self.runner is not None
        self.logs.restart()
        for target, name in ((self.logs.run, "warroom-demo-logs"), (self.runner.run, "warroom-demo-story")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def halt(self) -> None:
        """Stop the threads and close the port; the files stay (for a last look). Idempotent."""
        if self._halted:
            return
        self._halted = True
        self.state.stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.prometheus is not None:
            self.prometheus.stop()
        if self.alertmanager is not None:
            self.alertmanager.stop()
        if self.service is not None:
            self.service.stop()
        if self.logs is not None:
            self.logs.close()

    def stop(self) -> None:
        """Halt, then remove the temp dir (unless kept). Safe to call twice."""
        self.halt()
        if self.dir is not None and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> DemoWorld:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
