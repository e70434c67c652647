#!/usr/bin/env python3
"""Lengths of C++ files and functions (docs/architecture.md, "Lengths").

A file of models/ or sim/ may have at most 700 lines and a function at most 80; the tests (tests/)
may have files of 1,000 lines and functions (a TEST_CASE counts as one) of 150, because a test
case reads best as one specification with its hand-computed figures beside it. A function's
length counts from the first line of its signature to its closing brace; lambdas and local
classes count toward the function that holds them.

Functions are found from the text (comments, strings and preprocessor lines removed; braces
matched), which is exact for the clang-formatted tree: a brace block at namespace or class
scope whose header ends in a parameter list (or a qualifier or trailing return type after one) is
a function.

Usage: check-lengths.py [SOURCE_DIR] [--list N]   (--list N: also print the N longest functions)
"""
import pathlib
import re
import sys

LIMITS = {  # folder -> (file lines, function lines)
    "models": (700, 80),
    "sim": (700, 80),
    "tests": (1000, 150),
}

# Data tables: long because they are one row a line, not because they hold logic.
DATA_TABLES = {
    ("sim/input/key_schema.cpp", "make_keys"): "the scenario's key schema: one row per key (type, range, unit, doc)",
}


CLASS_HEAD = re.compile(r"^(?:(?:typedef|static|inline|constexpr|const|alignas\([^)]*\))\s+)*"
                        r"(class|struct|union|enum)\b")
QUALIFIERS = re.compile(r"\)\s*(?:(?:const|noexcept|override|final|mutable|volatile|&&?|"
                        r"noexcept\s*\([^()]*\)|->\s*[\w:<>,\s*&]+|requires\b.*)\s*)*$", re.S)
CONTROL = re.compile(r"^(?:if|for|while|switch|catch|do|else|try)\b")


def strip_code(text):
    """The text with comments, string and character literals and preprocessor lines blanked
    (newlines kept, so line numbers stay)."""
    out, i, n = [], 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            j = i
            while j < n and text[j] != "\n":  # a directive, with its continuation lines
                j = j + 2 if text[j] == "\\" and j + 1 < n else j + 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if c == "\n":
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('"', i + 1) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            k = text.find("(", i + 2)
            delim = text[i + 2:k]
            j = text.find(")" + delim + '"', k)
            j = n if j < 0 else j + len(delim) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # a digit separator: 1'000'000
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def drop_template_heads(header):
    while True:
        m = re.match(r"\s*template\s*<", header)
        if not m:
            return header
        depth, j = 1, m.end()
        while j < len(header) and depth:
            depth += {"<": 1, ">": -1}.get(header[j], 0)
            j += 1
        header = header[j:]


def kind_of(header):
    """'function', 'scope' (namespace, class, extern) or 'init' (a braced initializer)."""
    h = drop_template_heads(" ".join(header.split()))
    if re.match(r"^(?:inline\s+)?namespace\b", h) or re.match(r'^extern\s*""', h):
        return "scope"
    if CLASS_HEAD.match(h) and "(" not in h.split("{")[0].split(":")[0]:
        return "scope"
    if "(" in h and not CONTROL.match(h) and not h.rstrip().endswith("=") and QUALIFIERS.search(h):
        return "function"
    if re.search(r"\)\s*:\s*[\w:]+\s*[({]", h):  # a constructor's initializer list: Foo(x) : a_(x)
        return "function"
    return "init"


def functions(text):
    """(name, first line, last line) of every function defined at namespace or class scope."""
    code = strip_code(text)
    found = []
    stack = []  # (kind, header start offset)
    header_start = 0
    in_function = 0
    for i, c in enumerate(code):
        if in_function:
            if c == "{":
                stack.append(("inner", i))
            elif c == "}":
                kind, start = stack.pop()
                if kind == "function":
                    in_function = 0
                    found.append((start, i))
                    header_start = i + 1
            continue
        if c == ";":
            header_start = i + 1
        elif c == "{":
            header = code[header_start:i]
            kind = kind_of(header)
            if kind == "init":
                stack.append(("init", header_start))  # the header goes on past the initializer
                continue
            stack.append((kind, header_start))
            if kind == "function":
                in_function = 1
            header_start = i + 1
        elif c == "}":
            if not stack:
                continue
            kind, start = stack.pop()
            if kind == "init":
                header_start = start
            else:
                header_start = i + 1
    result = []
    for start, end in found:
        while start < end and code[start].isspace():
            start += 1
        header = code[start:code.index("{", start)]
        head = drop_template_heads(" ".join(header.split()))
        m = re.search(r"([~\w:]+(?:operator\s*\S+?)?)\s*\(", head)
        name = m.group(1) if m else head[:40]
        result.append((name, code.count("\n", 0, start) + 1, code.count("\n", 0, end) + 1))
    return result


def main():
    args = sys.argv[1:]
    top = 0
    if "--list" in args:
        k = args.index("--list")
        top = int(args[k + 1])
        del args[k:k + 2]
    root = pathlib.Path(args[0] if args else ".").resolve()
    problems, longest, count = [], [], 0
    for folder, (file_limit, function_limit) in LIMITS.items():
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".h") or "build" in path.relative_to(root).parts:
                continue
            rel = path.relative_to(root).as_posix()
            count += 1
            text = path.read_text(errors="replace")
            lines = text.count("\n")
            if lines > file_limit:
                problems.append(f"{rel}: {lines} lines (at most {file_limit})")
            for name, first, last in functions(text):
                length = last - first + 1
                longest.append((length, f"{rel}:{first}: {name}"))
                bare = name.split("::")[-1]
                if length > function_limit and (rel, bare) not in DATA_TABLES:
                    problems.append(f"{rel}:{first}: {name}: {length} lines (at most {function_limit})")
    for length, where in sorted(longest, reverse=True)[:top]:
        print(f"{length:5d} {where}")
    for p in problems:
        print(p)
    print(f"lengths: {count} files, {len(problems)} over the limits")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
