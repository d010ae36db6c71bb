"""The `soap-mturk` command."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

from soap_mturk import __version__
from soap_mturk.protocol.xmlguard import DEFAULT_MAX_BODY
from soap_mturk.server.http import Limits
from soap_mturk.server.run import DEFAULT_THREADS
from soap_mturk.versions import LATEST, VERSIONS


def _requesters(args: argparse.Namespace):
    """The configured requesters, or one development requester when none is."""
    from soap_mturk.auth.requesters import development_requester, load_credentials, registry_of

    configured = list(args.requester)
    for path in args.credentials:
        configured += load_credentials(path)
    return registry_of(configured or [development_requester()])


def _serve(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from soap_mturk.auth.requesters import RequesterConfigError
    from soap_mturk.auth.verify import authenticator_for
    from soap_mturk.control.access import parse_networks
    from soap_mturk.server.app import EmulatorApp
    from soap_mturk.server.run import serve, start
    from soap_mturk.server.workers import can_fork, default_workers
    from soap_mturk.store import StoreUnusable, open_store

    for option in ("request_line_timeout", "header_timeout", "body_timeout"):
        if not getattr(args, option) > 0:
            print(f"soap-mturk: --{option.replace('_', '-')} must be positive", file=sys.stderr)
            return 2
    if args.max_connections < 1 or args.threads < 1:
        print("soap-mturk: --max-connections and --threads must be at least 1", file=sys.stderr)
        return 2

    memory = args.db == ":memory:"
    if args.workers is not None and args.workers < 1:
        print("soap-mturk: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers > 1 and memory:
        print(
            "soap-mturk: --workers above 1 needs a database file or PostgreSQL: "
            "':memory:' lives inside one process",
            file=sys.stderr,
        )
        return 2
    if args.workers is not None and args.workers > 1 and not can_fork():
        print("soap-mturk: --workers above 1 needs a system with fork()", file=sys.stderr)
        return 2
    # Unasked, ':memory:' (one process by nature) and systems without fork get one.
    workers = args.workers or (1 if memory or not can_fork() else default_workers())
    if args.clock_skew < 0:
        print("soap-mturk: --clock-skew must not be negative", file=sys.stderr)
        return 2
    try:
        control_from = parse_networks(args.control_from)
    except ValueError as error:
        print(f"soap-mturk: --control-from: {error}", file=sys.stderr)
        return 2
    try:
        requesters = _requesters(args)
    except RequesterConfigError as error:
        print(f"soap-mturk: {error}", file=sys.stderr)
        return 2
    authenticator = authenticator_for(args.auth, requesters, timedelta(seconds=args.clock_skew))
    try:
        store = open_store(args.db, read_only=args.read_only)
    except StoreUnusable as error:
        print(f"soap-mturk: {error}", file=sys.stderr)
        return 1

    def make_app(store) -> EmulatorApp:
        return EmulatorApp(
            store,
            authenticator=authenticator,
            max_body=args.max_body,
            requesters=requesters,
            control_from=control_from,
            rest_default_version=args.rest_default_version,
            # A rebinding attacker's page sends its own name; these are ours.
            served_names=(args.host, socket.gethostname()),
        )

    limits = Limits(
        max_body=2 * args.max_body,
        request_line_timeout=args.request_line_timeout,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        max_connections=args.max_connections,
    )
    if workers > 1:
        return _serve_workers(args, workers, store, make_app, limits)
    try:
        running = start(make_app(store), args.host, args.port, threads=args.threads, limits=limits)
    except OSError as error:
        store.close()
        print(f"soap-mturk: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    serve(running)
    return 0


def _serve_workers(args: argparse.Namespace, workers: int, store, make_app, limits) -> int:
    """N processes on one listening socket (server/workers.py). The store opened
    here has run the migrations and fed the banner; each worker opens its own."""
    from soap_mturk.server.run import banner, base_url_of, listening_socket, start
    from soap_mturk.server.workers import Supervisor
    from soap_mturk.store import open_store

    try:
        sock = listening_socket(args.host, args.port)
    except OSError as error:
        store.close()
        print(f"soap-mturk: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    banner(make_app(store), base_url_of(args.host, sock.getsockname()[1]), workers=workers)
    store.close()  # connections never cross a fork
    print("Press Ctrl+C to stop.", flush=True)

    def serve_one(sock) -> None:
        # The parent has just checked the file's integrity; at 10^6 rows that takes
        # seconds, which a replaced worker need not spend again.
        own = open_store(args.db, read_only=args.read_only, check=False)
        running = start(
            make_app(own), args.host, args.port, threads=args.threads, limits=limits, sock=sock
        )
        try:
            running.serve_forever()
        finally:
            running.stop()
            own.close()

    code = Supervisor(workers, sock, serve_one).run()
    sock.close()
    print("soap-mturk stopped.", flush=True)
    return code


def _wsdl(args: argparse.Namespace) -> int:
    from soap_mturk.protocol.soap.wsdl import SHIPPED_ADDRESS, build_wsdl, with_address

    for version in VERSIONS:
        target = Path(args.out) / version.date / "AWSMechanicalTurkRequester.wsdl"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(with_address(build_wsdl(version), args.address or SHIPPED_ADDRESS))
        print(f"wrote {target}")
    return 0


def _requester_option(text: str):
    from soap_mturk.auth.requesters import RequesterConfigError, parse_requester_option

    try:
        return parse_requester_option(text)
    except RequesterConfigError as error:
        # argparse would quote the rejected value, and with it the secret.
        raise argparse.ArgumentTypeError(str(error)) from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="soap-mturk",
        description="Local emulator of the legacy Mechanical Turk Requester API.",
    )
    top.add_argument("--version", action="version", version=f"soap-mturk {__version__}")
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the SOAP API and its WSDL")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    serve.add_argument(
        "--db",
        default="soap-mturk.sqlite3",
        help="SQLite database file (default soap-mturk.sqlite3; ':memory:' keeps nothing), "
        "or a PostgreSQL URL postgresql://user:password@host:port/database",
    )
    serve.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes serving the one port, sharing the database (default: the number of "
        "cores; 1 with ':memory:', which lives in one process)",
    )
    serve.add_argument(
        "--read-only",
        action="store_true",
        help="serve an existing database without changing it (every write is refused)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"threads running the application on complete requests (default {DEFAULT_THREADS}; "
        "connections are read by one event loop, see bench/README.md)",
    )
    defaults = Limits()
    serve.add_argument(
        "--request-line-timeout",
        type=float,
        default=defaults.request_line_timeout,
        metavar="SECONDS",
        help="how long a connection may wait before its request line is complete, "
        f"also between keep-alive requests (default {defaults.request_line_timeout:g})",
    )
    serve.add_argument(
        "--header-timeout",
        type=float,
        default=defaults.header_timeout,
        metavar="SECONDS",
        help=f"how long the headers may take after the request line (default {defaults.header_timeout:g})",
    )
    serve.add_argument(
        "--body-timeout",
        type=float,
        default=defaults.body_timeout,
        metavar="SECONDS",
        help=f"how long the body may take after the headers (default {defaults.body_timeout:g})",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        default=defaults.max_connections,
        help=f"open connections served at once; more are answered 503 (default {defaults.max_connections})",
    )
    serve.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help=f"largest request body accepted, in bytes (default {DEFAULT_MAX_BODY})",
    )
    serve.add_argument(
        "--requester",
        action="append",
        default=[],
        type=_requester_option,
        metavar="ACCESS_KEY:SECRET_KEY[:NAME]",
        help="a requester the server accepts (repeatable)",
    )
    serve.add_argument(
        "--credentials",
        action="append",
        default=[],
        metavar="FILE",
        help="a TOML file of [[requester]] tables (access_key, secret_key, name); repeatable",
    )
    serve.add_argument(
        "--auth",
        choices=("verify", "off"),
        default="verify",
        help="verify signatures (default), or off: the access key is taken as the identity",
    )
    serve.add_argument(
        "--clock-skew",
        type=int,
        default=900,
        metavar="SECONDS",
        help="how far a request's Timestamp may be from the server clock (default 900)",
    )
    serve.add_argument(
        "--control-from",
        metavar="CIDR[,CIDR...]",
        help="networks besides loopback allowed to use the control API and dashboard at /_emulator/",
    )
    serve.add_argument(
        "--rest-default-version",
        choices=[v.date for v in VERSIONS],
        default=LATEST.date,
        metavar="DATE",
        help="the API version of a REST call that sends no Version (default the latest, "
        f"{LATEST.date}, as the service did); e.g. 2005-10-01 to replay first-generation samples",
    )
    serve.set_defaults(run=_serve)

    wsdl = commands.add_parser("wsdl", help="write the WSDL of every served version")
    wsdl.add_argument("--out", default="wsdl", help="folder to write into (default wsdl/)")
    wsdl.add_argument("--address", help="soap:address to write (default http://localhost:8080/...)")
    wsdl.set_defaults(run=_wsdl)

    from soap_mturk.control.commands import add_commands

    add_commands(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    return args.run(args)
