"""Length rules of Chinese SMS (UCS-2): 70 characters fit one message, a
longer text is cut in segments of 67 (the rest carries the concatenation
header). The signature 【签名】 counts: the operator adds it to the text."""

import math
import string

SINGLE = 70
SEGMENT = 67


def full_text(sign_name, body):
    return f"【{sign_name}】{body}" if sign_name else body


def segments(text):
    length = len(text)
    if length <= SINGLE:
        return 1
    return math.ceil(length / SEGMENT)


def placeholders(body):
    """The names of the ``{name}`` placeholders of ``body``, in order; raises
    ValueError on a malformed one (``{``, ``{0}``, ``{a.b}``)."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(body or ""):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name)
        if name not in names:
            names.append(name)
    return names
