"""Run as a script: import the named modules, print what importing them read, as JSON.

    python tests/import_probe.py SOURCE_DIRS MODULE...

SOURCE_DIRS (joined by os.pathsep) say which code is the project's own.
"""

import importlib
import json
import os
import sys

read = []
OURS = tuple(sys.argv[1].split(os.pathsep))


def ours() -> bool:
    # Only the project's own code counts: libraries may read the locale, say.
    return sys._getframe(2).f_code.co_filename.startswith(OURS)


class Recording(dict):
    def __getitem__(self, key):
        if ours():
            read.append(("environ", key))
        return super().__getitem__(key)

    def get(self, key, default=None):
        if ours():
            read.append(("environ", key))
        return super().get(key, default)

    def __contains__(self, key):
        if ours():
            read.append(("environ", key))
        return super().__contains__(key)


def audit(event, args):
    if event in ("socket.connect", "sqlite3.connect"):
        read.append((event, str(args[:2])))
    elif (
        event == "open"
        and isinstance(args[0], str)
        and ("/fixtures/" in args[0] or args[0].endswith((".json", ".md", ".sqlite")))
    ):
        read.append(("open", args[0]))


os.environ = Recording(os.environ)  # noqa: B003 (it records, it clears nothing)
sys.addaudithook(audit)
for name in sys.argv[2:]:
    importlib.import_module(name)
print(json.dumps(read))
