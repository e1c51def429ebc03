"""Unified social credit codes (GB 32100-2015, 统一社会信用代码)."""

import re

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_char(first17):
    total = sum(CHARS.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARS[(31 - total % 31) % 31]


def normalize(value):
    """The code without spaces, in capitals, or None when it is not a valid
    code (format or check character)."""
    code = re.sub(r"\s+", "", value or "").upper()
    if not _RE.match(code) or check_char(code[:17]) != code[17]:
        return None
    return code
