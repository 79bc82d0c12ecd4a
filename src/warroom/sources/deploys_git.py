"""Deploys from a git repository: every commit on any ref within the window, newest first.

Runs `git -C <repo> log --all --no-show-signature --since=@<epoch> --format=...` with fields
split by the unit separator (0x1f). Beyond formats.md's `%H %an %aI %s` it also asks for the
parents (`%P`: a merge needs `git revert -m 1`), the committer date (`%cI`: when the commit
landed on a ref, which is what `--since` filters on and what "deployed just before the
incident" means; a rebased or cherry-picked commit keeps an old author date) and the ref it
was reached from (`%S`). Times come in any zone and out of order across refs: sorted by time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from warroom.domain.deploy_rules import Deploy
from warroom.domain.events import utc
from warroom.runner import CommandResult, run_argv
from warroom.sanitize import clean

SEP = "\x1f"
GIT_FORMAT = "%H%x1f%P%x1f%an%x1f%aI%x1f%cI%x1f%S%x1f%s"
_FIELDS = 7


def git_log_argv(repo: str, since: datetime) -> list[str]:
    """The exact command run for a repo and a window start (absolute, so `now` decides)."""
    epoch = int(utc(since).timestamp())
    return ["git", "-C", repo, "log", "--all", "--no-show-signature", f"--since=@{epoch}", f"--format={GIT_FORMAT}"]


def git_rollback(repo: str, sha: str, merge: bool) -> tuple[tuple[str, ...], str]:
    """(argv run in the repo, command to show): `git revert --no-edit [-m 1] <sha>`."""
    args = ["revert", "--no-edit"] + (["-m", "1"] if merge else []) + [sha]
    return ("git", "-C", repo, *args), "git " + " ".join(args)


def short_ref(ref: str) -> str:
    """`refs/heads/main` -> `main`, `refs/remotes/origin/x` -> `origin/x`, tags by name."""
    for prefix in ("refs/heads/", "refs/remotes/", "refs/tags/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def _parse_time(text: str) -> datetime | None:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def parse_git_log(source: str, repo: str, output: str, since: datetime | None = None) -> list[Deploy]:
    """Parse the records of `git_log_argv`; malformed lines are skipped, order is by time."""
    deploys: dict[str, Deploy] = {}
    for line in output.splitlines():
        fields = line.split(SEP, _FIELDS - 1)
        if len(fields) != _FIELDS:
            continue
        sha, parents, author, authored, committed, ref, subject = fields
        sha = sha.strip()
        at = _parse_time(committed) or _parse_time(authored)
        if not sha or at is None or sha in deploys:
            continue
        if since is not None and at < utc(since):
            continue  # git's --since walk is approximate; the window is exact here
        argv, command = git_rollback(repo, sha, merge=len(parents.split()) > 1)
        deploys[sha] = Deploy(
            source=source,
            ident=sha,
            short=sha[:7],
            at=at,
            subject=clean(subject, cap=300),
            author=clean(author, cap=100),
            ref=clean(short_ref(ref.strip()), cap=100),
            rollback_argv=argv,
            rollback_command=command,
            rollback_cwd=repo,
        )
    return sorted(deploys.values(), key=lambda d: d.at, reverse=True)


async def collect_git(
    source: str, repo: str, window: float, now: datetime, timeout: float
) -> tuple[list[Deploy], str | None, Sequence[str]]:
    """(deploys newest first, one-line error naming the failed command or None, commands run)."""
    since = utc(now) - timedelta(seconds=window)
    argv = git_log_argv(repo, since)
    result: CommandResult = await run_argv(argv, timeout=timeout)
    if not result.ok:
        return [], clean(result.describe_failure(), cap=500), [result.command_line]
    text = result.stdout.decode("utf-8", errors="replace")
    return parse_git_log(source, repo, text, since), None, [result.command_line]
