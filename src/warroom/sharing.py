"""Who may use an incident store: the owner alone (the default), or a team on one jump host.

By default warroom keeps its database, `-wal`, `-shm`, unsaved-text and pending files 0600 and
its folders (the database's default folder, `drafts/`) 0700: notes can hold what an incident
holds. `warroom share --group GROUP` opens a store to one group instead: the database folder
becomes group-owned and setgid (2770), so every file made in it later belongs to the group, and
the files in it group read/write (0660).

A folder is *shared* when it carries the setgid bit and the group may read, write and enter it
(`is_shared_folder`): that is the one mark the rest of warroom reads, so nothing is configured
twice. Files warroom creates in a shared folder are 0660 and folders 2770 whatever the umask
(`file_mode`, `make_private_file`); the store takes only "other" bits away, never the group's.

Standard library only: `warroom note` creates files through this.
"""

from __future__ import annotations

import os
import stat

#: The bits that mark a folder as shared with its group: setgid and group rwx.
SHARED_FOLDER_BITS = stat.S_ISGID | stat.S_IRWXG
#: Modes of what warroom creates: the owner's alone, or the group's too in a shared folder.
PRIVATE_FILE, SHARED_FILE = 0o600, 0o660
PRIVATE_FOLDER, SHARED_FOLDER = 0o700, 0o2770


def is_shared_folder(folder: str | os.PathLike[str]) -> bool:
    """Is `folder` shared with its group (setgid and group rwx, as `warroom share` leaves it)?"""
    try:
        mode = os.stat(folder).st_mode
    except OSError:
        return False
    return mode & SHARED_FOLDER_BITS == SHARED_FOLDER_BITS


def file_mode(folder: str | os.PathLike[str]) -> int:
    """The mode for a new file in `folder`: 0660 in a shared folder, else 0600."""
    return SHARED_FILE if is_shared_folder(folder) else PRIVATE_FILE


def folder_mode(parent: str | os.PathLike[str]) -> int:
    """The mode for a new folder inside `parent`: 2770 when `parent` is shared, else 0700."""
    return SHARED_FOLDER if is_shared_folder(parent) else PRIVATE_FOLDER


def make_private_file(path: str | os.PathLike[str]) -> int:
    """Create `path` anew (O_EXCL) for writing and return its descriptor: 0600, or 0660 in a
    shared folder. The mode is set on the descriptor too, so a umask of 077 cannot take the
    group's access away. Raises FileExistsError / OSError like `os.open`."""
    mode = file_mode(os.path.dirname(os.path.abspath(path)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
    except OSError:
        pass  # the file is at most as open as asked: the umask only takes bits away
    return fd


def make_folder(path: str | os.PathLike[str]) -> None:
    """Create the folder `path` (and its parents) if missing: 0700, or 2770 inside a shared
    folder (set explicitly: the umask would otherwise take the group's bits)."""
    if os.path.isdir(path):
        return
    parent = os.path.dirname(os.path.abspath(path))
    mode = folder_mode(parent)
    os.makedirs(path, mode=mode & 0o777, exist_ok=True)
    if mode != PRIVATE_FOLDER:
        os.chmod(path, mode)


def umask_problem(umask: int | None = None) -> str | None:
    """One line when `umask` (the process's, by default) makes files a member creates by other
    programs (an editor, `cp`) unreadable to the group, with what to set; None when the group can
    read them. warroom's own files keep group access whatever the umask."""
    if umask is None:
        umask = os.umask(0)
        os.umask(umask)
    if not umask & 0o040:
        return None
    return (
        f"your umask is {umask:04o}: files you make in a shared folder by other programs would be "
        "unreadable to the group; set `umask 007` (or 002) in your shell profile on this host"
    )
