"""`warroom share --group GROUP [--db PATH]`: open an incident store to a team on one jump host.

The database folder becomes the group's and setgid (2770: every file made in it later belongs to
the group), the database, its `-wal` and `-shm` group read/write (0660), and the `drafts/`
folder beside it 2770 with its files 0660. warroom then keeps group access on everything it
creates there (`warroom.sharing`). Running it again changes nothing and says so.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys

from warroom.commands.argspec import Arg, ArgSpec
from warroom.errors import UserError
from warroom.sharing import SHARED_FILE, SHARED_FOLDER, umask_problem

#: `warroom share`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("--group", "-g", required=True, metavar="GROUP", help="the OS group whose members share this store"),
)

EPILOG = """\
Afterwards every member of GROUP opens the same store with `--db PATH` (or $WARROOM_DB) and
each event still records its writer's own login and host (`origin`). Share the screen itself
with one tmux socket, e.g.:
  tmux -S /srv/warroom/tmux.sock new -s inc      # the first responder
  chgrp GROUP /srv/warroom/tmux.sock             # let the group attach
  tmux -S /srv/warroom/tmux.sock attach -t inc   # everyone else
"""


def _group_id(name: str) -> int:
    """GROUP's id; a UserError when there is no such group or the user is not in it."""
    import grp
    import pwd

    try:
        group = grp.getgrnam(name)
    except KeyError:
        raise UserError(f"no group {name!r} on this host (see `getent group`); create it or pick another") from None
    try:
        login = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        login = str(os.getuid())
    member = group.gr_gid == os.getgid() or group.gr_gid in os.getgroups() or login in group.gr_mem
    if not member:
        raise UserError(
            f"you ({login}) are not in group {name!r}: ask for it (`usermod -aG {name} {login}`, then log in "
            "again) or pick a group you are in (`id -Gn`)"
        )
    return group.gr_gid


def _apply(path: str, gid: int, mode: int, changes: list[str]) -> None:
    """Give `path` to group `gid` with `mode`, noting each change in `changes`."""
    try:
        st = os.stat(path)
        if st.st_gid != gid:
            os.chown(path, -1, gid)
            changes.append(f"{path}: group -> {gid_name(gid)}")
        if stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode)
            changes.append(f"{path}: {stat.S_IMODE(st.st_mode):04o} -> {mode:04o}")
    except OSError as exc:
        raise UserError(f"cannot share {path}: {exc.strerror}") from None


def gid_name(gid: int) -> str:
    """The group's name, or its number when it has none."""
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _unreachable_parents(folder: str, gid: int) -> list[str]:
    """Folders above `folder` the group cannot pass through (no x bit for it)."""
    blocked = []
    parent = os.path.dirname(folder)
    while parent and parent != os.path.dirname(parent):
        try:
            st = os.stat(parent)
        except OSError:
            break
        passes = st.st_mode & stat.S_IXOTH or (st.st_gid == gid and st.st_mode & stat.S_IXGRP)
        if not passes:
            blocked.append(parent)
        parent = os.path.dirname(parent)
    return blocked


def share(db: str, group: str) -> tuple[list[str], list[str]]:
    """Share the store at `db` with `group`: (the changes made, warnings for the user)."""
    from warroom.clipboard import draft_dir_for
    from warroom.store.sync import EventStore

    gid = _group_id(group)
    EventStore.open(db).close()  # a warroom database (created if missing), checked before any change
    folder = os.path.dirname(os.path.abspath(db))
    changes: list[str] = []
    _apply(folder, gid, SHARED_FOLDER, changes)
    for name in (db, db + "-wal", db + "-shm"):
        if os.path.exists(name):
            _apply(name, gid, SHARED_FILE, changes)
    drafts = str(draft_dir_for(db))
    if not os.path.isdir(drafts):
        os.mkdir(drafts, 0o700)
    _apply(drafts, gid, SHARED_FOLDER, changes)
    for entry in sorted(os.listdir(drafts)):
        path = os.path.join(drafts, entry)
        if os.path.isfile(path) and not os.path.islink(path):
            _apply(path, gid, SHARED_FILE, changes)
    warnings = []
    if (problem := umask_problem()) is not None:
        warnings.append(problem)
    blocked = _unreachable_parents(folder, gid)
    if blocked:
        warnings.append(
            f"group {group} cannot reach {folder}: {', '.join(blocked)} lets it not pass (chmod o+x or g+x), "
            "or keep shared stores under a folder like /srv/warroom"
        )
    return changes, warnings


def run(args: argparse.Namespace) -> int:
    from warroom.commands.context import db_file

    if getattr(args, "readonly", False):
        raise UserError("--readonly: `warroom share` changes the store's permissions; run it without --readonly")
    db = db_file(args)
    changes, warnings = share(db, args.group)
    for line in changes:
        print(line)
    if changes:
        print(f"{db} is shared with group {args.group}: its members can open it with --db {db}")
    else:
        print(f"{db} was already shared with group {args.group}: nothing changed")
    for line in warnings:
        print(f"warroom: warning: {line}", file=sys.stderr)
    return 0
