"""acosim's error for input a user can fix (the CLI prints the same text and exits 2)."""

import re

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input: a scenario key, a settle argument, a file.

    ``str(error)`` is exactly the message ``acosim`` prints: it names the file, line or key, the
    offending value and what is allowed. The parts are also attributes (``None`` when the message
    has no such part):

    - ``key``: the scenario key (``aco.beneficiaries``), settle argument or file column;
    - ``value``: the offending value as written (a string);
    - ``allowed``: what the key accepts, in words.
    """

    def __init__(self, message, key=None, value=None, allowed=None):
        super().__init__(message)
        self.key = key
        self.value = value
        self.allowed = allowed


# The message forms of sim/input/yaml_reader.hpp (Reader::fail: "WHERE: key 'K': ..."), of the
# --set override parser ("--set K=V: ..."), of sweep keys ("sweep key 'K'") and of the CSV reader
# ("FILE:LINE: column 'C': 'V' is out of range (expected ...)").
_KEY = [
    re.compile(r"\bkey '([^']*)'"),
    re.compile(r"--set '?([^=' ]+)="),
    re.compile(r"\bcolumn '?([^':, ]+)'?"),
    re.compile(r"^--([\w-]+)\b"),  # an option's value: "--seed: '-3' is not allowed ..."
]
_VALUE = [
    re.compile(r"\bvalue (\S+) is out of range"),
    re.compile(r"'([^']*)' is (?:not |out of range|below|an election|was not|has no|must)"),
    re.compile(r"\(--set [^=]+=(.*?)\): key"),
]
_ALLOWED = [re.compile(r"\ballowed(?: here)?: (.*)$"), re.compile(r"\(expected (.*)\)$")]


def _first(patterns, text):
    for p in patterns:
        m = p.search(text)
        if m:
            found = m.group(1)
            # "... (allowed: a, b)": the closing parenthesis is the message's, not the list's.
            if found.endswith(")") and found.count(")") > found.count("("):
                found = found[:-1]
            return found
    return None


def from_message(message):
    """The InputError for an acosim message, with key, value and allowed read from it."""
    return InputError(message, key=_first(_KEY, message), value=_first(_VALUE, message),
                      allowed=_first(_ALLOWED, message))
