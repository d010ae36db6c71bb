"""The `soap-mturk` command.

Every mistake a user can make on the command line ends with one line on stderr
(`soap-mturk: ...`) and a non-zero exit status, never a traceback: argparse's usage
dump is cut to its error line, numeric options are range-checked where they are
parsed, and the errors of opening a database or a socket are caught here."""

from __future__ import annotations

import argparse
import logging
import socket
import sqlite3
import sys
from pathlib import Path
from typing import NoReturn

from soap_mturk import __version__
from soap_mturk.control.commands import DEFAULT_URL, url_option
from soap_mturk.protocol.xmlguard import DEFAULT_MAX_BODY
from soap_mturk.server.http import Limits
from soap_mturk.server.run import DEFAULT_THREADS
from soap_mturk.versions import LATEST, VERSIONS

# Ranges of the numeric options: what the option can mean, not what is sensible.
PORTS = (0, 65535)
THREADS = (1, 1024)  # each is an OS thread and a connection slot
MAX_BODY = (1024, 1024**3)  # below 1 KiB no SOAP call fits; above 1 GiB is a mistake
CLOCK_SKEW = (0, 10 * 365 * 24 * 3600)  # ten years: "any Timestamp" without overflow
CONNECTIONS = (1, 100_000)  # each is a file descriptor
TIMEOUT = (0.001, 24 * 3600.0)
WORKERS = (
    1,
    1024,
)  # each is a process with its own store connections  # seconds; positive and finite (no NaN, no inf)


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (`soap-mturk: ...`), not a usage dump."""

    def error(self, message: str) -> NoReturn:
        # "soap-mturk: --port: ..." like every other refusal of ours.
        self.exit(2, f"soap-mturk: {message.removeprefix('argument ')} (see {self.prog} --help)\n")


def _int_in(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low}..{high}")
        return value

    parse.__name__ = "integer"  # argparse names the type in some messages
    return parse


def _seconds_in(low: float, high: float):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
        if not low <= value <= high:  # also false for NaN
            raise argparse.ArgumentTypeError(f"{text} is outside {low:g}..{high:g} seconds")
        return value

    parse.__name__ = "seconds"
    return parse


def _configured(args: argparse.Namespace):
    from soap_mturk.auth.requesters import load_credentials

    configured = list(args.requester)
    for path in args.credentials:
        configured += load_credentials(path)
    return configured


def _open_store(path: str, read_only: bool):
    """The store at `path`, or None after printing why it cannot be used."""
    from soap_mturk.store import StoreUnusable, open_store

    try:
        return open_store(path, read_only=read_only)
    except StoreUnusable as error:  # missing folder, a directory, not SQLite, corrupt, read-only
        return _fail(f"--db: {error}")
    except (sqlite3.Error, OSError) as error:
        return _fail(f"--db: cannot use {path}: {error}")


def _fail(message: str) -> None:
    print(f"soap-mturk: {message}", file=sys.stderr)
    return None


def _serve(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from soap_mturk.auth.requesters import RequesterConfigError, requesters_at_start
    from soap_mturk.auth.verify import authenticator_for
    from soap_mturk.control.access import parse_networks
    from soap_mturk.server.app import EmulatorApp
    from soap_mturk.server.run import serve, start
    from soap_mturk.server.workers import can_fork, default_workers

    memory = args.db == ":memory:"
    if args.workers is not None and args.workers > 1 and memory:
        _fail(
            "--workers above 1 needs a database file or PostgreSQL: ':memory:' lives inside one process"
        )
        return 2
    if args.workers is not None and args.workers > 1 and not can_fork():
        _fail("--workers above 1 needs a system with fork()")
        return 2
    # Unasked, ':memory:' (one process by nature) and systems without fork get one.
    workers = args.workers or (1 if memory or not can_fork() else default_workers())
    try:
        control_from = parse_networks(args.control_from)
    except ValueError as error:
        _fail(f"--control-from: {error}")
        return 2
    try:
        configured = _configured(args)
    except RequesterConfigError as error:
        _fail(str(error))
        return 2
    store = _open_store(args.db, args.read_only)
    if store is None:
        return 1
    try:
        requesters = requesters_at_start(configured, store)
    except RequesterConfigError as error:
        store.close()
        _fail(str(error))
        return 2
    except sqlite3.Error as error:
        store.close()
        _fail(f"--db: cannot use {args.db}: {error}")
        return 1

    def make_app(store) -> EmulatorApp:
        # Each process's application keeps fixtures' requesters in its own store
        # connection (EmulatorApp shares the registry through it).
        return EmulatorApp(
            store,
            authenticator=authenticator_for(
                args.auth, requesters, timedelta(seconds=args.clock_skew)
            ),
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
    except (OSError, OverflowError) as error:
        store.close()
        reason = getattr(error, "strerror", None) or error
        _fail(f"cannot listen on {args.host}:{args.port}: {reason}")
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
    except (OSError, OverflowError) as error:
        store.close()
        reason = getattr(error, "strerror", None) or error
        _fail(f"cannot listen on {args.host}:{args.port}: {reason}")
        return 1
    shown = make_app(store)
    banner(shown, base_url_of(args.host, sock.getsockname()[1]), workers=workers)
    shown.close()  # its deliverer's thread: the workers deliver
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
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(with_address(build_wsdl(version), args.address or SHIPPED_ADDRESS))
        except OSError as error:
            _fail(f"cannot write {target}: {error.strerror or error}")
            return 2
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
    top = _Parser(
        prog="soap-mturk",
        description="Local emulator of the legacy Mechanical Turk Requester API.",
    )
    top.add_argument("--version", action="version", version=f"soap-mturk {__version__}")
    top.add_argument(
        "--url",
        type=url_option,
        default=None,  # resolved by the commands that use it: $SOAP_MTURK_URL, then the default
        help=f"the running emulator, for the commands that talk to one (default $SOAP_MTURK_URL or {DEFAULT_URL})",
    )
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the SOAP API and its WSDL")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port",
        type=_int_in(*PORTS),
        default=8080,
        help="port (default 8080; 0 picks a free one)",
    )
    serve.add_argument(
        "--db",
        default="soap-mturk.sqlite3",
        help="SQLite database file (default soap-mturk.sqlite3; ':memory:' keeps nothing), "
        "or a PostgreSQL URL postgresql://user:password@host:port/database",
    )
    serve.add_argument(
        "--workers",
        type=_int_in(*WORKERS),
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
        type=_int_in(*THREADS),
        default=DEFAULT_THREADS,
        help=f"threads running the application on complete requests (default {DEFAULT_THREADS}; "
        "connections are read by one event loop, see bench/README.md)",
    )
    defaults = Limits()
    serve.add_argument(
        "--request-line-timeout",
        type=_seconds_in(*TIMEOUT),
        default=defaults.request_line_timeout,
        metavar="SECONDS",
        help="how long a connection may wait before its request line is complete, "
        f"also between keep-alive requests (default {defaults.request_line_timeout:g})",
    )
    serve.add_argument(
        "--header-timeout",
        type=_seconds_in(*TIMEOUT),
        default=defaults.header_timeout,
        metavar="SECONDS",
        help=f"how long the headers may take after the request line (default {defaults.header_timeout:g})",
    )
    serve.add_argument(
        "--body-timeout",
        type=_seconds_in(*TIMEOUT),
        default=defaults.body_timeout,
        metavar="SECONDS",
        help=f"how long the body may take after the headers (default {defaults.body_timeout:g})",
    )
    serve.add_argument(
        "--max-connections",
        type=_int_in(*CONNECTIONS),
        default=defaults.max_connections,
        help=f"open connections served at once; more are answered 503 (default {defaults.max_connections})",
    )
    serve.add_argument(
        "--max-body",
        type=_int_in(*MAX_BODY),
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
        type=_int_in(*CLOCK_SKEW),
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
    try:
        args = parser().parse_args(argv)
    except SystemExit as done:  # a mistake (2), --help or --version (0): already printed
        return done.code if isinstance(done.code, int) else 2
    return args.run(args)
