"""What the leak tests count as showing a firm: its id, name or code as itself, not inside a longer token."""

from __future__ import annotations

import re


def shows(token: str, text: str) -> bool:
    """Whether the text shows this id, code or name as itself, not as a few characters of a longer code.

    A regulator's firm code is random hex ('M-F01739'), which can hold 'F017' by chance; that is not
    the firm's id. Tokens are matched only where no letter or digit adjoins them (CJK text still
    matches: its characters are not id characters).
    """
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(token)}(?![0-9A-Za-z])", text) is not None
