"""The only reasons a test may skip, each with why the machine, not the code, decides it.

A skip whose reason does not start with one of these is turned into a failure by
tests/support/skip_guard.py (loaded from tests/conftest.py), so a missing tool or a broken
fixture can never make the suite pass by running less. A required tool is not a reason to skip:
mark the test `@pytest.mark.requires("tmux")` and it fails when the tool is missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AllowedSkip:
    """A skip reason (matched as a prefix of the test's reason) and why it is not a gap."""

    reason: str
    why: str


ALLOWED_SKIPS: tuple[AllowedSkip, ...] = (
    AllowedSkip(
        "root reads files whatever their mode",
        "an unreadable-file test cannot make a file unreadable to root; the directory test covers root",
    ),
    AllowedSkip(
        "root writes into read-only folders",
        "a read-only folder test cannot stop root writing; the read-only mount tests cover root",
    ),
    AllowedSkip(
        "mount is not permitted here",
        "the full-disk and read-only-mount tests need a real tmpfs or bind mount (root, or a user "
        "namespace that allows it); tests/support/mounts.py quotes mount's own refusal",
    ),
    AllowedSkip(
        "this machine has a local clipboard",
        "the no-clipboard fallbacks can only be seen where pyperclip genuinely has no clipboard",
    ),
    AllowedSkip(
        "no IPv6 loopback here",
        "containers are often started without IPv6; the IPv4 connection-state test still runs",
    ),
    AllowedSkip(
        "a real second user and group need root (groupadd/useradd)",
        "the shared-store test creates a real OS group and user to write as; not root, it cannot, "
        "and the owner-only and group-error tests still run (CI runs the suite as root)",
    ),
    AllowedSkip(
        "psutil.net_connections needs privileges here",
        "some kernels (macOS) refuse the system-wide socket list to non-root users",
    ),
)


def allowed_skip(reason: str) -> AllowedSkip | None:
    """The listed skip that `reason` is, or None when the skip is not allowed."""
    return next((entry for entry in ALLOWED_SKIPS if reason.startswith(entry.reason)), None)
