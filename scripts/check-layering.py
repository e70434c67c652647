#!/usr/bin/env python3
"""The walls of sim/ (docs/architecture.md), checked from the include lines.

Dependencies run one way: cli -> input, output -> engine -> models; common below all. Each room
may include only the rooms and third-party headers listed in RULES; anything else is a wall
crossed the wrong way and fails the check, naming file, line and the include.

Usage: check-layering.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

# room -> (project rooms it may include, third-party header prefixes it must not include)
WALL_LIBS = ("yaml-cpp/", "H5", "hdf5", "CLI/", "nlohmann/", "xlsxwriter", "pybind11/", "Python.h")
RULES = {
    "models": ({"models"}, WALL_LIBS + ("omp.h", "mpi.h")),
    "sim/common": ({"sim/common"}, WALL_LIBS),
    "sim/engine": ({"sim/common", "sim/engine", "models"}, WALL_LIBS),
    "sim/input": ({"sim/common", "sim/engine", "sim/input", "models"},
                  tuple(p for p in WALL_LIBS if p != "yaml-cpp/")),
    "sim/output": ({"sim/common", "sim/engine", "sim/output", "models"},
                   tuple(p for p in WALL_LIBS if p not in ("H5", "hdf5", "nlohmann/", "xlsxwriter"))),
    "sim/cli": ({"sim/common", "sim/engine", "sim/input", "sim/output", "sim/cli", "models"},
                ("H5", "hdf5", "pybind11/", "Python.h")),
    "sim/python": ({"sim/common", "sim/engine", "sim/input", "sim/output", "sim/cli", "models", "sim/python"},
                   ("CLI/",)),
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def room_of(rel):
    for room in sorted(RULES, key=len, reverse=True):
        if rel == room or rel.startswith(room + "/"):
            return room
    return None


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    files = sorted(p for d in ("models", "sim") for p in (root / d).rglob("*")
                   if p.suffix in (".hpp", ".cpp", ".h", ".in"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        room = room_of(rel)
        if room is None:
            problems.append(f"{rel}: not in a room of sim/ (common, engine, input, output, cli, python)")
            continue
        allowed_rooms, banned = RULES[room]
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            header = m.group(2)
            if m.group(1) == '"':
                target = room_of(header)
                if target is not None and target not in allowed_rooms:
                    problems.append(f"{rel}:{n}: {room} must not include {header} ({target})")
            elif header.startswith(banned):
                problems.append(f"{rel}:{n}: {room} must not include <{header}>")
    for p in problems:
        print(p)
    print(f"layering: {len(files)} files, {len(problems)} includes across a wall the wrong way")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
