"""`warroom check URL...`: probe now, like the playbook's curl line.

    $ warroom check https://api.example.com/health
    status=200 time=0.042s
    $ warroom check https://a.example/health https://b.example/health
    https://a.example/health status=200 time=0.042s
    https://b.example/health status=000 time=5.001s error=timeout

All URLs are probed at once, each on its own fresh connection; lines come out in the order the
URLs were given. Exit status 1 when any probe failed (no answer, or a status outside --expect).
Like curl, redirects are not followed unless -L is given. URLs are shown redacted (no
credentials, no token query values).

`warroom check --promql QUERY --url SERVER` asks a Prometheus server one instant query and
prints its value (one line per series); exit status 1 on an error or no data
(`commands/check_promql.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from datetime import UTC, datetime

from warroom.commands.argspec import Arg, ArgSpec
from warroom.errors import UserError

#: The longest --timeout (the same bound as a `timeout` in warroom.toml).
MAX_TIMEOUT = 300.0
_PART = re.compile(r"([1-5])xx|(\d{3})(?:-(\d{3}))?", re.IGNORECASE)


#: `warroom check`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("urls", nargs="*", metavar="URL", help="http(s) URLs to probe"),
    Arg(
        "--timeout",
        type=float,
        default=5.0,
        metavar="S",
        help="give up on a URL after S seconds, whole request (default 5)",
    ),
    Arg(
        "--expect",
        metavar="CODES",
        help='statuses that count as up: 200, "200,204", "200-299", "2xx" (default 200-399)',
    ),
    Arg("-k", "--insecure", action="store_true", help="do not verify TLS certificates"),
    Arg("-L", "--location", action="store_true", help="follow redirects (at most 5)"),
    Arg("-X", "--method", default="GET", help="HTTP method (default GET)"),
    Arg("--json", action="store_true", help="print the results as JSON"),
    Arg("--promql", metavar="QUERY", help="run one PromQL query instead (with --url SERVER) and print its value"),
    Arg("--url", metavar="SERVER", help="the Prometheus server for --promql, e.g. http://127.0.0.1:9090"),
)


def parse_expect(text: str):  # -> StatusRange
    """`200`, `200,204`, `200-299`, `2xx` or a mix, as a StatusRange; UserError when malformed."""
    from warroom.config.model import StatusRange

    codes: list[int] = []
    ranges: list[tuple[int, int]] = []
    for part in (p.strip() for p in text.split(",")):
        m = _PART.fullmatch(part)
        if not m:
            raise UserError(f"--expect: expected codes like 200, 200-299 or 2xx, got {part!r}")
        if m.group(1):
            base = int(m.group(1)) * 100
            ranges.append((base, base + 99))
            continue
        lo, hi = int(m.group(2)), int(m.group(3) or m.group(2))
        if not (100 <= lo <= 599 and 100 <= hi <= 599) or lo > hi:
            raise UserError(f"--expect: {part!r} is not a status code or range within 100-599")
        if lo == hi:
            codes.append(lo)
        else:
            ranges.append((lo, hi))
    return StatusRange(codes=tuple(codes), ranges=tuple(ranges))


def _check_port(url: str) -> None:
    """A port outside 1-65535 is a typo: say so instead of reporting a failed connection."""
    from urllib.parse import urlsplit

    from warroom.config.model import Secret
    from warroom.sanitize import clean

    try:
        port = urlsplit(_with_scheme(url)).port
    except ValueError:
        port = 0
    if port == 0:
        raise UserError(f"bad port in {clean(Secret(_with_scheme(url)).redacted())}: use 1-65535")


def _with_scheme(url: str) -> str:
    """curl's habit: a URL without a scheme means http://."""
    return url if "://" in url else "http://" + url


async def _probe_all(configs: list) -> list:
    from warroom.sources.probes import ProbeSource

    now = datetime.now(UTC)
    sources = [ProbeSource(cfg) for cfg in configs]
    try:
        return list(await asyncio.gather(*(s.collect(now) for s in sources)))
    finally:
        for source in sources:
            await source.aclose()


def run(args: argparse.Namespace) -> int:
    from warroom.config.model import ProbeConfig, Secret, StatusRange

    if not 0 < args.timeout <= MAX_TIMEOUT:  # also refuses nan and inf (`inf` never returned)
        raise UserError(
            f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, got {args.timeout:g}"
        )
    if args.promql is not None or args.url is not None:
        from warroom.commands.check_promql import run_promql

        if args.urls:
            raise UserError("give URLs to probe, or --promql QUERY --url SERVER, not both")
        return run_promql(args.promql, args.url, timeout=args.timeout, as_json=args.json)
    if not args.urls:
        raise UserError("nothing to check: give URLs to probe, or --promql QUERY --url SERVER")
    for url in args.urls:
        _check_port(url)
    method = args.method.upper()
    if not re.fullmatch(r"[A-Z]+", method):
        raise UserError(f"--method: not an HTTP method: {args.method!r}")
    expect = parse_expect(args.expect) if args.expect else StatusRange()
    configs = [
        ProbeConfig(
            name=url,
            url=Secret(_with_scheme(url)),
            method=method,
            expect_status=expect,
            timeout=args.timeout,
            follow_redirects=args.location,
            verify_tls=not args.insecure,
        )
        for url in args.urls
    ]
    results = asyncio.run(_probe_all(configs))
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=2))
    else:
        for result in results:
            prefix = f"{result.url} " if len(results) > 1 else ""
            print(prefix + result.curl_line(), flush=True)
    return 0 if all(r.ok for r in results) else 1
