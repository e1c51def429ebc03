"""Resident identity numbers (GB 11643-1999, 公民身份号码).

Pure functions, no ORM: the model layer turns the ``IdNumberError`` codes into
translated messages.
"""

import datetime
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

_RE_18 = re.compile(r"^\d{17}[\dX]$")
_RE_15 = re.compile(r"^\d{15}$")


class IdNumberError(ValueError):
    """Raised with ``code`` in: format, date, future, checksum."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_char(first17):
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)
    )
    return CHECK_CHARS[total % 11]


def _birth_date(digits8):
    try:
        return datetime.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError as exc:
        raise IdNumberError("date") from exc


def normalize(value, today=None):
    """Return the canonical 18-character form of ``value`` or raise.

    Accepts spaces, a lower-case ``x`` and old 15-digit numbers (century 19
    assumed, check character computed).
    """
    number = re.sub(r"\s+", "", value or "").upper()
    if _RE_15.match(number):
        number = number[:6] + "19" + number[6:]
        number += check_char(number)
    elif not _RE_18.match(number):
        raise IdNumberError("format")
    birth = _birth_date(number[6:14])
    if birth > (today or datetime.date.today()) or birth.year < 1850:
        raise IdNumberError("future" if birth.year >= 1850 else "date")
    if check_char(number[:17]) != number[17]:
        raise IdNumberError("checksum")
    return number


def birth_date(number):
    """Birth date of a normalised number."""
    return _birth_date(number[6:14])


def gender(number):
    """'male' or 'female' from the sequence code (position 17)."""
    return "male" if int(number[16]) % 2 else "female"


def mask(number):
    """110105************: the region code only, everything after it hidden.

    Staff read the birth date and the sex beside the number, so the birth
    date digits (7-14) and the parity of the sequence (17) are known to them
    anyway. What keeps the number secret is what they cannot read: the
    sequence (15-17) and the check character (18), which follows from the
    other 17 digits and would narrow the sequence down ~11-fold. The region
    (1-6) says where the number was issued, about as much as the address
    district does. A masked value never shows any of characters 7-18.
    """
    if not number:
        return ""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * 12
