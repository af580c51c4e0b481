"""`python -m homecare.api.keys`: create, list and revoke the API keys of municipalities' systems.

python -m homecare.api.keys create 4601 "EPJ Bergen"   # prints the key once; only its hash is kept
python -m homecare.api.keys list
python -m homecare.api.keys revoke <key id>
"""

from __future__ import annotations

import argparse
import sys

from sqlmodel import col, select

from homecare.db import session_scope
from homecare.models import ApiClient, Municipality
from homecare.models.columns import utc_now
from homecare.services.municipal import NotFound, create_client, revoke_client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homecare.api.keys", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="a new key for a municipality's system")
    create.add_argument("municipality", help="the municipality's number, e.g. 4601")
    create.add_argument("name", help="what the system is, e.g. 'EPJ Bergen'")
    commands.add_parser("list", help="the keys and whether they are revoked")
    revoke = commands.add_parser("revoke", help="stop a key from working at once")
    revoke.add_argument("key_id")
    args = parser.parse_args(argv)
    with session_scope() as db:
        if args.command == "create":
            try:
                client, key = create_client(db, args.municipality, args.name, utc_now())
            except NotFound:
                print(f"No municipality numbered {args.municipality}.", file=sys.stderr)
                return 1
            print(f"Key for {client.name} (shown once, keep it secret):\n{key}")
        elif args.command == "list":
            rows = db.exec(
                select(ApiClient, Municipality)
                .join(Municipality, col(Municipality.id) == ApiClient.municipality_id)
                .order_by(col(ApiClient.id))
            ).all()
            for client, municipality in rows:
                state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
                print(f"{client.key_id}  {municipality.number} {municipality.name}  {client.name}  {state}")
        elif not revoke_client(db, args.key_id, utc_now()):
            print(f"No active key {args.key_id}.", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
