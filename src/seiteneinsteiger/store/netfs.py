"""Network filesystems: an SQLite register must live on a local disk.

sqlite.org: "WAL does not work over a network filesystem", and the locking of the rollback journal
is unreliable on NFS and Windows shares. KIs often work from mapped drives, so the register refuses
such a location instead of losing cases; a shared register is what the PostgreSQL backend is for.
"""

from __future__ import annotations

import re
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "fuse.gvfsd-fuse",  # a share opened in the GNOME file manager
        "fuse.rclone",
        "davfs",
        "9p",  # also WSL 2's view of Windows drives, where WAL does not work
        "afs",
        "ceph",
        "glusterfs",
    }
)


def read_mounts() -> list[tuple[str, str]]:
    """``(mount point, filesystem type)`` of every mount, from ``/proc/mounts`` (Linux only)."""
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    mounts: list[tuple[str, str]] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape_mount(fields[1]), fields[2]))
    return mounts


def _unescape_mount(text: str) -> str:
    """``/proc/mounts`` writes space, tab, newline and backslash as octal escapes (``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def network_filesystem(path: Path) -> str | None:
    """The network filesystem type ``path`` lives on, or ``None`` when it is local (or unknown)."""
    resolved = path.resolve()
    if str(resolved).startswith("\\\\"):  # a UNC path on Windows: \\server\share
        return "Windows-Freigabe"
    best: tuple[int, str] | None = None
    for mount_point, fstype in read_mounts():
        point = Path(mount_point)
        if (point == resolved or point in resolved.parents) and (
            best is None or len(point.parts) >= best[0]
        ):
            best = (len(point.parts), fstype)  # the deepest mount wins; a later one hides earlier
    if best is not None and best[1] in NETWORK_FILESYSTEMS:
        return best[1]
    return None
