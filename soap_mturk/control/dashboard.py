"""The read-only dashboard at /_emulator/: one server-rendered page, no scripts,
no external assets, every value escaped. Secrets never reach it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from soap_mturk.auth.requesters import Requester
from soap_mturk.domain.hit_rules import HITState
from soap_mturk.domain.identity import format_time
from soap_mturk.domain.model import (
    Assignment,
    HITType,
    NotificationDelivery,
    Qualification,
    QualificationRequest,
    QualificationType,
    WorkerBlock,
    WorkerMessage,
)

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2330;background:#f7f8fa}
h1{font-size:1.4rem;margin:0 0 .2rem} h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
.count{display:inline-block;min-width:1.6em;padding:0 .4em;border-radius:.8em;background:#2f6feb;
color:#fff;text-align:center;font-size:.85em}
table{border-collapse:collapse;background:#fff;min-width:40rem}
th,td{border:1px solid #d6dae1;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#eef1f5} td.mono{font-family:ui-monospace,monospace;font-size:.9em}
.empty{color:#6b7280;font-style:italic} p.note{color:#4b5563;margin:0}
"""

# Nothing may load or run: the page is plain HTML with its own inline style.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def _cell(value: object, mono: bool = False) -> str:
    text = "" if value is None else str(value)
    cls = ' class="mono"' if mono else ""
    return f"<td{cls}>{escape(text)}</td>"


def _table(table_id: str, title: str, headers: Sequence[str], rows: list[str]) -> str:
    count = len(rows)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(rows) or f'<tr><td class="empty" colspan="{len(headers)}">none</td></tr>'
    return (
        f'<section id="{table_id}"><h2>{escape(title)} '
        f'<span class="count" data-count="{count}">{count}</span></h2>'
        f'<table data-rows="{count}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>'
    )


def _value(q: Qualification) -> str:
    if q.locale is not None:
        return "-".join(p for p in (q.locale.country, q.locale.subdivision) if p)
    return "" if q.integer_value is None else str(q.integer_value)


def account_sections(
    balances: dict[str, str],
    blocks: list[WorkerBlock],
    messages: list[WorkerMessage],
    deliveries: Sequence[NotificationDelivery] = (),
) -> list[str]:
    """Balances, blocked workers, the workers' inboxes (NotifyWorkers), and the
    notification messages with their outcome (Email ones are the recorded mail)."""
    balance_rows = [
        f"<tr>{_cell(key, True)}{_cell(amount)}</tr>" for key, amount in balances.items()
    ]
    block_rows = [
        f"<tr>{_cell(b.requester, True)}{_cell(b.worker_id, True)}{_cell(b.reason)}"
        f"{_cell(format_time(b.block_time))}</tr>"
        for b in blocks
    ]
    inbox_rows = [
        f"<tr>{_cell(m.worker_id, True)}{_cell(m.requester, True)}{_cell(m.subject)}"
        f"{_cell(m.text)}{_cell(format_time(m.send_time))}</tr>"
        for m in messages
    ]
    delivery_rows = [
        f"<tr>{_cell(d.transport)}{_cell(d.destination, True)}"
        f"{_cell(', '.join(e.get('EventType', '') for e in d.events))}{_cell(d.status)}"
        f"{_cell(d.attempts)}{_cell(d.last_error)}{_cell(format_time(d.created_time))}</tr>"
        for d in deliveries
    ]
    return [
        _table(
            "notifications",
            "Notifications",
            ("Transport", "Destination", "Events", "Status", "Attempts", "Last error", "Created"),
            delivery_rows,
        ),
        _table("balances", "Account balances", ("Access key", "Available (USD)"), balance_rows),
        _table(
            "blocked-workers",
            "Blocked workers",
            ("Requester", "Worker", "Reason", "Since"),
            block_rows,
        ),
        _table(
            "inbox",
            "Workers' inbox (NotifyWorkers)",
            ("Worker", "From", "Subject", "Message", "Sent"),
            inbox_rows,
        ),
    ]


def _time(value) -> str:
    return "" if value is None else format_time(value)


def hit_sections(
    hit_types: list[HITType], states: list[HITState], assignments: list[Assignment]
) -> list[str]:
    """HIT types, HITs (status and assignment counts) and assignments."""
    titles = {t.id: t.title for t in hit_types}
    type_rows = [
        "<tr>"
        + _cell(t.id, True)
        + _cell(t.title)
        + _cell(t.owner, True)
        + _cell(t.reward.formatted)
        + _cell(t.assignment_duration)
        + _cell(t.auto_approval_delay)
        + _cell(len(t.requirements))
        + "</tr>"
        for t in hit_types
    ]
    hit_rows = [
        "<tr>"
        + _cell(s.hit.id, True)
        + _cell(titles.get(s.hit.type_id, s.hit.type_id))
        + _cell(s.hit.owner, True)
        + _cell(s.status)
        + _cell(s.available)
        + _cell(s.pending)
        + _cell(s.completed)
        + _cell(s.hit.max_assignments)
        + _cell(_time(s.hit.expiration))
        + _cell(s.hit.requester_annotation)
        + "</tr>"
        for s in states
    ]
    assignment_rows = [
        "<tr>"
        + _cell(a.id, True)
        + _cell(a.hit_id, True)
        + _cell(a.worker_id, True)
        + _cell(a.status)
        + _cell(_time(a.accept_time))
        + _cell(_time(a.deadline if a.status == "Accepted" else None))
        + _cell(_time(a.submit_time))
        + _cell(_time(a.approval_time or a.rejection_time))
        + "</tr>"
        for a in assignments
    ]
    return [
        _table(
            "hit-types",
            "HIT types",
            ("Id", "Title", "Owner", "Reward", "Duration (s)", "Auto-approval (s)",
             "Requirements"),
            type_rows,
        ),
        _table(
            "hits",
            "HITs",
            ("Id", "Title", "Owner", "Status", "Available", "Pending", "Completed", "Max",
             "Expiration", "Annotation"),
            hit_rows,
        ),
        _table(
            "assignments",
            "Assignments",
            ("Id", "HIT", "Worker", "State", "Accepted", "Deadline", "Submitted",
             "Approved / rejected"),
            assignment_rows,
        ),
    ]  # fmt: skip


def render(
    requesters: Iterable[Requester],
    types: list[QualificationType],
    qualifications: list[Qualification],
    pending: list[QualificationRequest],
    extra_sections: Sequence[str] = (),  # HITs, accounts: each part's own tables
) -> str:
    names = {t.id: t.name for t in types}
    requester_rows = [f"<tr>{_cell(r.access_key, True)}{_cell(r.name)}</tr>" for r in requesters]
    type_rows = [
        "<tr>"
        + _cell(t.id, True)
        + _cell(t.name)
        + _cell(t.owner, True)
        + _cell(t.status)
        + _cell("yes" if t.is_requestable else "no")
        + _cell(
            "auto-granted"
            if t.auto_granted
            else ("test + answer key" if t.answer_key else ("test" if t.test else "none"))
        )
        + _cell(t.retry_delay)
        + _cell(format_time(t.creation_time))
        + "</tr>"
        for t in types
    ]
    qualification_rows = [
        "<tr>"
        + _cell(names.get(q.type_id, q.type_id))
        + _cell(q.type_id, True)
        + _cell(q.subject_id, True)
        + _cell(_value(q))
        + _cell(q.status)
        + _cell(format_time(q.grant_time))
        + "</tr>"
        for q in qualifications
    ]
    pending_rows = [
        "<tr>"
        + _cell(r.id, True)
        + _cell(names.get(r.type_id, r.type_id))
        + _cell(r.subject_id, True)
        + _cell(format_time(r.submit_time))
        + _cell("yes" if r.answer else "no")
        + "</tr>"
        for r in pending
    ]
    sections = [
        _table("requesters", "Requesters", ("Access key", "Name"), requester_rows),
        _table(
            "qualification-types",
            "Qualification types",
            (
                "Id",
                "Name",
                "Owner",
                "Status",
                "Requestable",
                "Granting",
                "Retry delay (s)",
                "Created",
            ),
            type_rows,
        ),
        _table(
            "qualifications",
            "Qualifications",
            ("Type", "Type id", "Worker", "Value", "Status", "Grant time"),
            qualification_rows,
        ),
        _table(
            "pending-requests",
            "Pending qualification requests",
            ("Request id", "Type", "Worker", "Submit time", "Answered"),
            pending_rows,
        ),
        *extra_sections,
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>soap-mturk dashboard</title>"
        f"<style>{STYLE}</style></head><body>"
        '<h1>soap-mturk</h1><p class="note">What the emulator holds now (read-only; reload to refresh).'
        " Requesters are shown by access key only.</p>" + "".join(sections) + "</body></html>"
    )
