"""``python -m app.demo.keyring_entry store|delete ACCOUNT``: the demo's hub password in the OS keyring.

``store`` reads the password from stdin (never the command line) and saves it as the client's own sign-in does
(``app.credentials``, ``SecretKind.HUB_PASSWORD``, account ``user@https://hub``); ``delete`` removes it and what the
client saved for that account while signed in (refresh token, ticket-cache key). Runs as a
separate process so it uses the keyring of the environment it is given (``app/demo/hub.py`` ``DemoKeyring``).
"""

from __future__ import annotations

import argparse
import sys

from app.credentials import CredentialError, CredentialStore, SecretKind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="keyring_entry", description=__doc__)
    parser.add_argument("action", choices=("store", "delete"))
    parser.add_argument("account", help="user@https://hub:port")
    args = parser.parse_args(argv)
    store = CredentialStore()
    status = store.status()
    if not status.usable:
        print(f"no usable keyring: {status.detail}", file=sys.stderr)
        return 1
    try:
        if args.action == "store":
            password = sys.stdin.read().rstrip("\n")
            if not password:
                print("no password on stdin", file=sys.stderr)
                return 1
            store.store(SecretKind.HUB_PASSWORD, args.account, password)
        else:
            for kind in (SecretKind.HUB_PASSWORD, SecretKind.HUB_REFRESH_TOKEN, SecretKind.CACHE_KEY):
                store.delete(kind, args.account)
    except CredentialError as exc:
        print(f"keyring: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
