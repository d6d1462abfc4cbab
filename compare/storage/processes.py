"""Is a process alive? (for lock holders, staging folders and kernel fork servers)."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """True when a process with ``pid`` exists (another user's process counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True
