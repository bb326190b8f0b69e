"""Names that point outside the package, kept in one place.

`DIST_NAME` is what `pip install` takes; the import package and the command are `guardrail`.
"""

from __future__ import annotations

DIST_NAME = "x-content-guardrail"

# PROJECT HOME NOT DECIDED YET. This is the one value to change when the public repository
# exists: SARIF's `informationUri` and the README's pre-commit/Action examples refer to it. Until
# then it is a reserved `.invalid` address (RFC 2606), so it points at nobody else's project.
HOME_URL = "https://x-content-guardrail.invalid/"


def install_hint(extra: str | None = None) -> str:
    """The pip command that installs guardrail, with `extra` when one is needed."""
    target = f"{DIST_NAME}[{extra}]" if extra else DIST_NAME
    return f"pip install '{target}'"
