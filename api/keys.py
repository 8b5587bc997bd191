"""Create, list and revoke API keys from the command line, against the configured database:

python -m api.keys create --scope curator --label "ops"
python -m api.keys create --scope owner --profile-id demo-cluster-01
python -m api.keys list
python -m api.keys revoke 3
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.security import Scope, create_key
from api.settings import Settings
from api.store import Store
from engine.errors import EngineError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.keys", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a key and print it (shown only once)")
    create.add_argument("--scope", choices=[s.value for s in Scope], required=True)
    create.add_argument("--profile-id", default=None, help="the profile an owner key may write")
    create.add_argument("--label", default="", help="a note on who holds the key")
    sub.add_parser("list", help="list keys (never the keys themselves)")
    revoke = sub.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id", type=int)
    args = parser.parse_args(argv)

    store = Store(Settings().database_url)
    try:
        store.migrate()
        if args.command == "create":
            if args.scope == Scope.OWNER and not args.profile_id:
                parser.error("--profile-id is required for an owner key")
            print(create_key(store.keys, Scope(args.scope), args.profile_id, args.label))
        elif args.command == "list":
            for key in store.keys.all():
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                print(f"{key.id}\t{key.scope}\t{key.profile_id or '-'}\t{state}\t{key.label}")
        else:
            store.keys.revoke(args.key_id)
            print(f"key {args.key_id} revoked")
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
