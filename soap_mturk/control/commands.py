"""`soap-mturk` commands that drive a running emulator through its control API:
`worker request|hits|preview|accept|submit|return|upload`, `reset`, `load`, `state`
and `clock`. Exit status 0 on success, 1 when the
emulator refused (the vendor's error code is printed), 2 when it cannot be reached
or the input cannot be read."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import urllib.error
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8080"


def url_option(text: str) -> str:
    """An emulator's base URL, as `--url` or $SOAP_MTURK_URL gives it."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// URL")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} has an invalid port") from None
    return text.rstrip("/")


def _client(args: argparse.Namespace):
    from soap_mturk.control.client import ControlClient

    return ControlClient(args.url)


def _run(args: argparse.Namespace, action) -> int:
    from soap_mturk.control.client import ControlError
    from soap_mturk.control.fixtures import FixtureError

    if getattr(args, "url", None) is None:  # neither before nor after the command
        try:
            args.url = url_option(os.environ.get("SOAP_MTURK_URL") or DEFAULT_URL)
        except argparse.ArgumentTypeError as error:
            print(f"soap-mturk: $SOAP_MTURK_URL: {error}", file=sys.stderr)
            return 2
    try:
        result = action()
    except ControlError as error:
        print(f"soap-mturk: {error.code}: {error.message}", file=sys.stderr)
        return 1
    except urllib.error.URLError as error:  # before OSError: it is one
        print(f"soap-mturk: cannot reach {args.url}: {error.reason}", file=sys.stderr)
        return 2
    except (http.client.HTTPException, ConnectionError) as error:
        print(f"soap-mturk: {args.url} did not answer as an emulator: {error!r}", file=sys.stderr)
        return 2
    except (FixtureError, UnicodeDecodeError) as error:
        print(f"soap-mturk: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"soap-mturk: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except ValueError as error:  # an answer that is not the control API's JSON
        print(f"soap-mturk: {args.url} did not answer as an emulator: {error}", file=sys.stderr)
        return 2
    if result is not None:
        print(json.dumps(result, indent=2))
    return 0


def _worker_request(args: argparse.Namespace) -> int:
    def action():
        answer = None
        if args.answer == "-":
            answer = sys.stdin.read()
        elif args.answer:
            answer = Path(args.answer).read_text(encoding="utf-8")
        return _client(args).request_qualification(args.worker_id, args.type_id, answer)

    return _run(args, action)


def _read_text(name: str) -> str:
    return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")


def _worker_hits(args: argparse.Namespace) -> int:
    return _run(args, lambda: _client(args).worker_hits(args.worker_id))


def _worker_preview(args: argparse.Namespace) -> int:
    return _run(args, lambda: _client(args).preview_hit(args.worker_id, args.hit_id))


def _worker_accept(args: argparse.Namespace) -> int:
    return _run(args, lambda: _client(args).accept_hit(args.worker_id, args.hit_id))


def _worker_submit(args: argparse.Namespace) -> int:
    def action():
        answer = _read_text(args.answer)
        return _client(args).submit_assignment(args.worker_id, args.assignment_id, answer)

    return _run(args, action)


def _worker_return(args: argparse.Namespace) -> int:
    return _run(args, lambda: _client(args).return_assignment(args.worker_id, args.assignment_id))


def _worker_upload(args: argparse.Namespace) -> int:
    def action():
        data = Path(args.file).read_bytes()
        return _client(args).upload_file(args.worker_id, args.assignment_id, args.question, data)

    return _run(args, action)


def _reset(args: argparse.Namespace) -> int:
    def action():
        _client(args).reset()
        print("emptied", file=sys.stderr)

    return _run(args, action)


def _load(args: argparse.Namespace) -> int:
    return _run(args, lambda: _client(args).load(args.fixture))


def _state(args: argparse.Namespace) -> int:
    return _run(args, lambda: _client(args).state())


def _clock(args: argparse.Namespace) -> int:
    if args.advance is None:
        return _run(args, lambda: _client(args).clock())
    return _run(args, lambda: _client(args).advance_clock(args.advance))


def _seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None


def add_commands(commands) -> None:
    """The commands, each taking `--url` after it too; given before the command
    (`soap-mturk --url URL state`), the top-level parser holds the value and
    SUPPRESS keeps the subcommand's absent option from overwriting it."""
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument(
        "--url",
        type=url_option,
        default=argparse.SUPPRESS,
        help=f"the running emulator (default $SOAP_MTURK_URL or {DEFAULT_URL})",
    )

    worker = commands.add_parser("worker", help="act as a worker on a running emulator")
    worker_commands = worker.add_subparsers(dest="worker_command", required=True)
    request = worker_commands.add_parser(
        "request", parents=[url], help="request a qualification, answering its test if it has one"
    )
    request.add_argument("worker_id", metavar="WORKER_ID")
    request.add_argument("type_id", metavar="QUALIFICATION_TYPE_ID")
    request.add_argument(
        "--answer", metavar="FILE", help="a QuestionFormAnswers document ('-' reads standard input)"
    )
    request.set_defaults(run=_worker_request)

    def worker_command(name: str, help_text: str, run, *arguments: str):
        command = worker_commands.add_parser(name, parents=[url], help=help_text)
        command.add_argument("worker_id", metavar="WORKER_ID")
        for argument in arguments:
            command.add_argument(argument.lower(), metavar=argument)
        command.set_defaults(run=run)
        return command

    worker_command("hits", "list the HITs the worker may see and accept", _worker_hits)
    worker_command("preview", "preview a HIT", _worker_preview, "HIT_ID")
    worker_command("accept", "accept a HIT: prints the assignment", _worker_accept, "HIT_ID")
    submit = worker_command(
        "submit", "submit a QuestionFormAnswers document", _worker_submit, "ASSIGNMENT_ID"
    )
    submit.add_argument(
        "--answer", metavar="FILE", required=True, help="the answers ('-' reads standard input)"
    )
    worker_command("return", "return an assignment", _worker_return, "ASSIGNMENT_ID")
    worker_command(
        "upload", "upload a file for a FileUploadAnswer question", _worker_upload,
        "ASSIGNMENT_ID", "QUESTION", "FILE",
    )  # fmt: skip

    reset = commands.add_parser("reset", parents=[url], help="empty a running emulator's store")
    reset.set_defaults(run=_reset)

    load = commands.add_parser("load", parents=[url], help="load a fixture file (.json, .yaml)")
    load.add_argument("fixture", metavar="FIXTURE")
    load.set_defaults(run=_load)

    clock = commands.add_parser(
        "clock", parents=[url], help="print emulator time, or move it forward with --advance"
    )
    clock.add_argument(
        "--advance", metavar="SECONDS", type=_seconds, help="move emulator time forward"
    )
    clock.set_defaults(run=_clock)

    state = commands.add_parser("state", parents=[url], help="print what a running emulator holds")
    state.set_defaults(run=_state)
