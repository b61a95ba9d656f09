"""Keeping a worker's share of the memory-mapped search index to what it reads.

Tantivy reads its files through memory maps. A page of a mapped file that only one process
has touched counts as that process's private memory (``Private_Clean`` in
``/proc/PID/smaps``), although it lives in the OS page cache, where every worker shares
it and the kernel may reclaim it. So a worker that had answered many searches showed up to
68 MiB of it on 100,000 articles, and the total grew with the index it had walked.

``release_mapped_pages`` drops this process's page-table entries for the index's files
(``madvise(MADV_DONTNEED)``): the pages stay in the page cache, and the next read maps
them again, a minor fault with no I/O. Run every second, it keeps what a worker holds of
the index to what it read in the last second.
"""

from __future__ import annotations

import ctypes
import mmap
import os
from pathlib import Path

_libc = ctypes.CDLL(None, use_errno=True)
_libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


def release_mapped_pages(folder: Path) -> int:
    """Release this process's mapped pages of every file under ``folder``; return the
    bytes of the mappings released.

    Only read-only mappings of the files are touched, and only while the caller keeps the
    index that mapped them open: a range can then be neither unmapped nor reused for other
    memory between reading the map and releasing it, and the released pages are read
    back from the files unchanged.
    """
    prefix = f"{folder.resolve()}{os.sep}"
    released = 0
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            lines = [line.split(maxsplit=5) for line in maps]
    except OSError:  # no procfs: nothing to release
        return 0
    for fields in lines:
        if len(fields) < 6 or not fields[5].startswith(prefix) or "w" in fields[1]:
            continue
        start, end = (int(address, 16) for address in fields[0].split("-"))
        if _libc.madvise(start, end - start, mmap.MADV_DONTNEED) == 0:
            released += end - start
    return released
