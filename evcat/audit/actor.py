"""Who makes a change and where the request came from: what every audit record names."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

ANONYMOUS_PRINCIPAL = "anonymous"


@dataclass(frozen=True, slots=True)
class Actor:
    """The verified principal of a change, the request's id and the client's address.

    ``principal`` is what the server verified (a signed-in user, a token's name, an OIDC
    subject), never a name the client typed; without a verified one it is ``anonymous``.
    """

    principal: str = ANONYMOUS_PRINCIPAL
    request_id: str | None = None
    client: str | None = None


ANONYMOUS = Actor()


def local_actor() -> Actor:
    """The operating-system account running a command that writes the database directly.

    Whoever can open the database can write anything, so the account that did is the most
    that can be said; it is read from the process's user id, not from ``$USER``.
    """
    try:
        import pwd

        name = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no pwd module (Windows) or an unnamed uid (containers)
        name = getpass.getuser()
    return Actor(principal=f"local:{name}")
