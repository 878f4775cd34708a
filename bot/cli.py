"""Command line for operators and support: ``python -m bot --help``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta

from bot import db
from bot.checks.identifiers import (
    CompanyIdCheck,
    check_company_id,
    parse_country,
    scheme_for,
    supported_countries,
)
from bot.checks.invitation_codes import format_code, normalise_code
from bot.checks.language import DEFAULT_LANGUAGE, LANGUAGES
from bot.mail import outbox
from bot.registration import accounts, invitations
from bot.settings import get_settings
from bot.web.texts import TEXTS


class CommandError(Exception):
    """A mistake in the command line: printed as one line, exit status 2."""


def _date(text: str) -> datetime:
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
    return day.replace(tzinfo=timezone.utc)


def _fmt(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    db.upgrade()
    print("Database schema is up to date.")


def _invitation_link(code: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The help-centre page in the invitation's language, its code in the link (the English
    email opened the French page, and the chat started in French)."""
    return get_settings().link(TEXTS[language]["home_url"] + "?invitation=" + code)


def _mail_date(day: datetime, language: str) -> str:
    """07/03/2027 in French; 7 March 2027 in English (07/03/2027 reads as July there)."""
    return day.strftime("%d/%m/%Y") if language == "fr" else f"{day.day} {day:%B %Y}"


def _company_id(country_typed: str, company_id: str) -> CompanyIdCheck:
    """The company named on the command line (its check), or a CommandError that says what is
    wrong."""
    country = parse_country(country_typed)
    if country is None:
        known = ", ".join(s.country for s in supported_countries())
        raise CommandError(f"unknown country {country_typed!r}; supported: {known}")
    check = check_company_id(country, company_id)
    if not check.ok:
        scheme = scheme_for(country)
        raise CommandError(
            f"{company_id!r} is not a valid {scheme.name('en')} ({check.error.value}); "
            f"example: {scheme.example}"
        )
    return check


def cmd_invitations_create(args: argparse.Namespace) -> None:
    check = _company_id(args.country, args.company_id)
    country = check.company_id.country
    if args.code is not None:
        problem = invitations.imposed_code_problem(args.code)
        if problem:
            raise CommandError(problem)
    email = None
    if args.email:
        from bot.checks.email_addresses import check_email

        email_check = check_email(args.email)
        if not email_check.ok:
            raise CommandError(f"{args.email!r} is not a valid email address")
        email = email_check.address
    with db.session_scope() as session:
        try:
            invitation = invitations.create_invitation(
                session,
                check.company_id,
                args.customer,
                code=args.code,
                issued_at=args.issued_at,
                supplier_email=email,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        code = format_code(invitation.code)
        if email:
            outbox.queue_mail(
                session,
                "invitation",
                email,
                args.language,
                customer=invitation.customer,
                code=code,
                company_id=check.company_id.display(),
                country=country,
                invitation_url=_invitation_link(invitation.code, args.language),
                expires_on=_mail_date(invitations.expires_at(invitation.issued_at), args.language),
                secrets=[code, invitation.code],  # masked in the copy kept once sent
            )
    # Printed once: the database keeps only a hash of the code.
    print(f"Invitation code: {code}")
    print(f"Invitation link: {_invitation_link(invitation.code, args.language)}")
    if email:
        report = asyncio.run(outbox.deliver_due(db.session_factory()))
        state = "sent" if report.sent else "queued (SMTP server unreachable; retried later)"
        print(f"Invitation email to {email}: {state}")


def cmd_invitations_list(args: argparse.Namespace) -> None:
    now = db.utcnow()
    with db.session_scope() as session:
        rows = invitations.list_invitations(session)
        if not rows:
            print("No invitations yet.")
            return
        # Codes are kept as hashes: their first 4 symbols tell them apart.
        print(f"{'code':<21}{'country':<9}{'company id':<18}{'customer':<20}{'issued':<12}state")
        for invitation in rows:
            if invitation.used_at and not invitations.opened_an_account(session, invitation.id):
                # its registration's address already had an account: `invitations release`
                state = f"used {invitation.used_at:%Y-%m-%d}, no account"
            elif invitation.used_at:
                state = f"used {invitation.used_at:%Y-%m-%d}"
            elif now >= invitations.expires_at(invitation.issued_at):
                state = "expired"
            else:
                state = f"valid until {invitations.expires_at(invitation.issued_at):%Y-%m-%d}"
            print(
                f"{invitation.code_prefix + '…':<21}{invitation.country:<9}"
                f"{invitation.company_id:<18}{invitation.customer[:19]:<20}"
                f"{invitation.issued_at:%Y-%m-%d}  {state}"
            )


def cmd_invitations_release(args: argparse.Namespace) -> None:
    company = _company_id(args.country, args.company_id).company_id
    with db.session_scope() as session:
        released = invitations.release_unopened(session, company)
    if released:
        print(f"{company.display()} ({company.country}): {released} invitation(s) usable again.")
    else:
        print(f"{company.display()} ({company.country}): no used invitation without an account.")


def cmd_accounts_show(args: argparse.Namespace) -> None:
    with db.session_scope() as session:
        summary = accounts.account_summary(session, args.email)
    if summary is None:
        raise CommandError(f"no account with the email {args.email!r}")
    job = f", {summary.job_title}" if summary.job_title else ""
    print(f"Email:      {summary.email}")
    print(f"Status:     {summary.status}")
    print(
        f"Company:    {summary.company_display} ({summary.country}), invited by {summary.customer}"
    )
    print(f"Contact:    {summary.first_name} {summary.last_name}{job}, {summary.phone}")
    print(f"Language:   {summary.language}")
    print(f"Created:    {_fmt(summary.created_at)}")
    print(f"Activated:  {_fmt(summary.activated_at)}")


def cmd_outbox_flush(args: argparse.Namespace) -> None:
    sessions = db.session_factory()
    if args.watch:
        from bot.registration.housekeeping import Housekeeping

        print(f"Delivering the outbox every {args.interval:g} s; Ctrl-C to stop.")
        try:
            asyncio.run(
                outbox.run_sender(
                    sessions,
                    interval_seconds=args.interval,
                    # Queued activation requests, expired drafts, old counts: nothing else
                    # to schedule where a sender runs (make run, docker-compose).
                    before_round=Housekeeping(sessions),
                )
            )
        except KeyboardInterrupt:
            pass
        return
    report = asyncio.run(outbox.deliver_due(sessions, due_only=False))
    print(f"Sent: {report.sent}, failed: {report.failed}, still pending: {report.pending}")
    if report.failed:
        sys.exit(1)


DEMO_INVITATIONS = (
    # code, country, company id, customer, age, already used
    ("ACME-FR00-0000-0001", "FR", "732829320", "ACME Industries", relativedelta(days=5), False),
    ("NWTD-GB00-0000-0001", "GB", "SC123456", "Northwind Trading", relativedelta(days=10), False),
    ("BXFD-BE00-0000-0001", "BE", "0403170701", "Brussels Foods", relativedelta(days=20), False),
    ("ACME-FR00-0000-0002", "FR", "552100554", "ACME Industries", relativedelta(months=4), False),
    ("ACME-FR00-0000-0003", "FR", "542051180", "ACME Industries", relativedelta(months=1), True),
)


def cmd_demo_data(args: argparse.Namespace) -> None:
    """Idempotent: running it twice creates nothing the second time."""
    now = db.utcnow()
    with db.session_scope() as session:
        for code, country, company, customer, age, used in DEMO_INVITATIONS:
            existing = invitations.find_invitation(session, code)
            if existing is None:
                check = check_company_id(country, company)
                existing = invitations.create_invitation(
                    session, check.company_id, customer, code=code, issued_at=now - age
                )
                if used:
                    existing.used_at = now - timedelta(days=2)
            state = (
                "used"
                if existing.used_at
                else ("expired" if now >= invitations.expires_at(existing.issued_at) else "valid")
            )
            # The demo codes are published (README): printed from here, not from the table.
            normalised = normalise_code(code)
            print(
                f"{format_code(normalised)}  {country} {company:<11} "
                f"{state:<8} {_invitation_link(normalised)}"
            )


def _store_error(error: Exception) -> CommandError:
    from sqlalchemy.engine import make_url

    url = make_url(get_settings().tracker_store_url).render_as_string(hide_password=True)
    return CommandError(
        f"cannot read the conversation store {url} (TRACKER_STORE_URL): "
        f"{type(error).__name__}; is the path or server right?"
    )


def _progress(total: int):
    """A progress bar on stderr (only on a terminal) while conversations are read."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit="conv", file=sys.stderr, disable=None, leave=False)

    def advance(done: int) -> None:
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return advance


def _summaries(args: argparse.Namespace, **options):
    from bot.analytics.conversations import iter_summaries

    settings = get_settings()
    until = args.until + timedelta(days=1) if getattr(args, "until", None) else None
    if args.since and until and until <= args.since:
        raise CommandError("--until must not be before --since")
    return iter_summaries(
        settings.tracker_store_url,
        accounts_url=settings.database_url,
        since=args.since,
        until=until,
        progress=_progress,
        **options,
    )


def _write_output(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror}") from None
    print(f"Report written to {output}", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.report import RENDERERS, build_report

    try:
        summaries = list(_summaries(args, language=args.language))
    except SQLAlchemyError as error:
        raise _store_error(error) from None
    report = build_report(
        summaries, period=args.period, since=args.since, until=args.until, language=args.language
    )
    _write_output(RENDERERS[args.format](report), args.output)


def cmd_transcripts(args: argparse.Namespace) -> None:
    import json

    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.conversations import (
        conversations_for_email,
        transcript_markdown,
        transcript_record,
    )

    settings = get_settings()
    only = None
    try:
        if args.ticket:  # what a support mail names: the ticket, not the conversation id
            only = {_ticket_conversation(settings.database_url, args.ticket)}
        elif args.conversation:
            only = {args.conversation}
        elif args.email:
            only = conversations_for_email(
                settings.tracker_store_url, args.email, settings.database_url
            )
        found = 0
        for summary in _summaries(args, keep_messages=True, only=only):
            if args.outcome and summary.outcome != args.outcome:
                continue
            found += 1
            if args.format == "jsonl":
                print(json.dumps(transcript_record(summary), ensure_ascii=False))
            else:
                print(transcript_markdown(summary))
    except SQLAlchemyError as error:
        raise _store_error(error) from None
    if not found:
        wanted = (
            f"for the ticket {args.ticket}"
            if args.ticket
            else f"with the id {args.conversation!r}"
            if args.conversation
            else f"linked to {args.email!r}"
            if args.email
            else "matching these filters"
        )
        print(f"No conversation {wanted}.", file=sys.stderr)


def _ticket_conversation(database_url: str, reference: str) -> str:
    """The conversation of ticket ``T-000123``."""
    import re

    from bot.models import Ticket

    match = re.fullmatch(r"T-(\d{1,12})", reference.strip(), re.IGNORECASE)
    if not match:
        raise CommandError(f"a ticket reference looks like T-000123, not {reference!r}")
    with db.session_scope(database_url) as session:
        ticket = session.get(Ticket, int(match.group(1)))
        if ticket is None:
            raise CommandError(f"no ticket {reference}")
        return ticket.conversation_id


def _age(text: str) -> timedelta:
    from bot.analytics.retention import parse_age

    try:
        return parse_age(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_purge(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.retention import purge

    settings = get_settings()
    older_than = args.older_than or timedelta(days=settings.retention_days)
    try:
        result = purge(settings.tracker_store_url, older_than, accounts_url=settings.database_url)
    except SQLAlchemyError as error:
        raise _store_error(error) from None
    print(f"Retention: {older_than.days} days; removed everything before {_fmt(result.cutoff)}.")
    print(
        f"Conversation events deleted: {result.events} "
        f"({result.conversations_touched} conversations touched, "
        f"{result.conversations_removed} removed entirely)"
    )
    print(f"Registration drafts deleted: {result.drafts}")


def cmd_erase(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.retention import ERASED, erase

    settings = get_settings()
    email = None
    if args.email:
        from bot.checks.email_addresses import check_email

        check = check_email(args.email)
        if not check.ok:
            raise CommandError(f"{args.email!r} is not a valid email address")
        email = check.address
    try:
        result = erase(
            settings.tracker_store_url,
            email=email,
            conversation_id=args.conversation,
            accounts_url=settings.database_url,
        )
    except SQLAlchemyError as error:
        raise _store_error(error) from None
    who = email or f"conversation {args.conversation}"
    if result.nothing_found:
        print(f"Nothing stored for {who}: nothing removed.")
    else:
        print(f"Erased for {who}:")
        print(f"  conversations: {len(result.conversations)} ({', '.join(result.conversations)})")
        print(f"  conversation events deleted: {result.events}")
        print(f"  ticket summaries replaced by {ERASED!r}: {result.tickets}")
        print(f"  registration drafts deleted: {result.drafts}")
        print(f"  emails deleted from the outbox: {result.mails}")
    if result.account_kept:
        print(
            f"Kept: the {result.account_kept} account of {email} (its email, company, contact "
            "and activation mails), which the account needs to exist."
        )


def _read_password(email: str) -> str:
    """The new staff password: prompted twice on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(f"Password for {email}: ")
        if getpass.getpass("The same password again: ") != first:
            raise CommandError("the two passwords differ; nothing created")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_staff_add(args: argparse.Namespace) -> None:
    from bot.staff.accounts import Role, StaffError, add_staff, normalise_email

    try:
        email = normalise_email(args.email)
        password = _read_password(email)
        with db.session_scope() as session:
            add_staff(session, email, Role(args.role), password)
    except StaffError as error:
        raise CommandError(str(error)) from None
    where = get_settings().link("/console/")
    print(f"Staff account {email} ({args.role}) created: sign in at {where}")


def cmd_staff_list(args: argparse.Namespace) -> None:
    from bot.staff.accounts import list_staff

    with db.session_scope() as session:
        accounts = list_staff(session)
        if not accounts:
            print("No staff accounts yet: python -m bot staff add EMAIL --role support|analyst")
            return
        print(f"{'email':<40}{'role':<10}{'created':<22}last sign-in")
        for account in accounts:
            print(
                f"{account.email:<40}{account.role:<10}{_fmt(account.created_at):<22}"
                f"{_fmt(account.last_sign_in_at)}"
            )


def cmd_staff_remove(args: argparse.Namespace) -> None:
    from bot.staff.accounts import remove_staff

    with db.session_scope() as session:
        if not remove_staff(session, args.email):
            raise CommandError(f"no staff account with the email {args.email!r}")
    print(f"Staff account {args.email.strip().lower()} removed; its sessions are ended.")


def cmd_nlu_inbox_export(args: argparse.Namespace) -> None:
    from bot.staff.nlu_inbox import export_yaml

    with db.session_scope() as session:
        export = export_yaml(session)
    _write_output(export.yaml, args.output)
    print(f"{export.examples} accepted examples exported.", file=sys.stderr)


def cmd_conversation_index(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.conversation_index import sync

    settings = get_settings()
    try:
        result = sync(settings.tracker_store_url, accounts_url=settings.database_url)
    except SQLAlchemyError as error:
        raise _store_error(error) from None
    print(
        f"Conversation index up to date: {result.events_read} events read, "
        f"{result.conversations} conversations summarised, {result.removed} removed."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Supplier onboarding: database, invitations, accounts, mail.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(sub, name: str, func: Callable, help: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help, description=help)
        command.set_defaults(func=func)
        return command

    database = commands.add_parser("db", help="database schema", description="Database schema.")
    db_commands = database.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    add(db_commands, "upgrade", cmd_db_upgrade, "apply the migrations (creates the database)")

    invites = commands.add_parser(
        "invitations",
        help="create and list invitations",
        description="Create and list invitations.",
    )
    invite_commands = invites.add_subparsers(
        dest="invitations_command", required=True, metavar="COMMAND"
    )
    create = add(
        invite_commands,
        "create",
        cmd_invitations_create,
        "create an invitation and print its code and link",
    )
    create.add_argument("--country", required=True, help="FR, GB, BE, ... or a country name")
    create.add_argument("--company-id", required=True, help='e.g. "732 829 320"')
    create.add_argument("--customer", required=True, help="the customer who invites the supplier")
    create.add_argument(
        "--code",
        help="impose the code (16 symbols as generated codes, not guessable); random otherwise",
    )
    create.add_argument("--issued-at", type=_date, help="YYYY-MM-DD (default: now)")
    create.add_argument("--email", help="send the invitation email to this supplier address")
    create.add_argument(
        "--language",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help=f"language of the invitation email (default: {DEFAULT_LANGUAGE})",
    )
    add(invite_commands, "list", cmd_invitations_list, "list invitations and their state")
    release = add(
        invite_commands,
        "release",
        cmd_invitations_release,
        "make usable again a company's invitation used by a registration that opened no "
        "account (its address already had one)",
    )
    release.add_argument("--country", required=True, help="FR, GB, BE, ... or a country name")
    release.add_argument("--company-id", required=True, help='e.g. "639 709 088"')

    accts = commands.add_parser(
        "accounts", help="look up accounts", description="Look up accounts."
    )
    account_commands = accts.add_subparsers(
        dest="accounts_command", required=True, metavar="COMMAND"
    )
    show = add(
        account_commands,
        "show",
        cmd_accounts_show,
        "status, company, contact and dates of an account (for support)",
    )
    show.add_argument("email")

    outbox_parser = commands.add_parser(
        "outbox", help="outgoing mail", description="Outgoing mail."
    )
    outbox_commands = outbox_parser.add_subparsers(
        dest="outbox_command", required=True, metavar="COMMAND"
    )
    flush = add(outbox_commands, "flush", cmd_outbox_flush, "send the mails that are due")
    flush.add_argument(
        "--watch",
        action="store_true",
        help="keep delivering until Ctrl-C, with the housekeeping (activation requests, "
        "expired drafts)",
    )
    flush.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")

    report = add(
        commands,
        "report",
        cmd_report,
        "the analysts' report: funnel, outcomes, fallbacks, questions, response times",
    )
    report.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (included)")
    report.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (included)")
    report.add_argument("--language", choices=LANGUAGES, help="only this language")
    report.add_argument("--format", choices=("text", "html", "csv"), default="text")
    report.add_argument("--period", choices=("day", "week"), default="week", help="grouping")
    report.add_argument("--output", help="write to this file instead of the standard output")

    transcripts = add(
        commands,
        "transcripts",
        cmd_transcripts,
        "redacted transcripts, one per conversation, with the step reached and the outcome",
    )
    which = transcripts.add_mutually_exclusive_group()
    which.add_argument("--ticket", help="the conversation of a support ticket (T-000123)")
    which.add_argument("--conversation", help="the conversation id")
    which.add_argument("--email", help="the conversations of this supplier address")
    which.add_argument("--outcome", choices=("escalated", "abandoned", "registered"))
    transcripts.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (included)")
    transcripts.add_argument("--format", choices=("jsonl", "md"), default="jsonl")

    purge = add(
        commands,
        "purge",
        cmd_purge,
        "delete conversation events older than the retention period (RETENTION_DAYS, 90)",
    )
    purge.add_argument(
        "--older-than", type=_age, help="e.g. 90d or 12w (default: RETENTION_DAYS days)"
    )

    erase = add(
        commands,
        "erase",
        cmd_erase,
        "erase a supplier's conversations and personal data (GDPR Art. 17); keeps the account",
    )
    target = erase.add_mutually_exclusive_group(required=True)
    target.add_argument("--email", help="the supplier's email address")
    target.add_argument("--conversation", help="one conversation id")

    staff = commands.add_parser(
        "staff",
        help="staff accounts of the console (/console/)",
        description="Staff accounts of the console (/console/): support agents and analysts.",
    )
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="COMMAND")
    staff_add = add(
        staff_commands,
        "add",
        cmd_staff_add,
        "create a staff account; the password is read from stdin, or prompted on a terminal",
    )
    staff_add.add_argument("email")
    staff_add.add_argument(
        "--role",
        required=True,
        choices=("support", "analyst"),
        help="support: tickets, account lookup, resend; analyst: review, report, inbox, access log",
    )
    add(staff_commands, "list", cmd_staff_list, "list the staff accounts and their roles")
    staff_remove = add(
        staff_commands, "remove", cmd_staff_remove, "delete a staff account (its sessions end)"
    )
    staff_remove.add_argument("email")

    inbox = commands.add_parser(
        "nlu-inbox",
        help="the console's training-data inbox",
        description="The console's training-data inbox.",
    )
    inbox_commands = inbox.add_subparsers(dest="inbox_command", required=True, metavar="COMMAND")
    export = add(
        inbox_commands,
        "export",
        cmd_nlu_inbox_export,
        "the accepted examples as Rasa NLU YAML (to review and add to data/nlu/)",
    )
    export.add_argument("--output", help="write to this file instead of the standard output")

    add(
        commands,
        "conversation-index",
        cmd_conversation_index,
        "bring the console's conversation index up to date (the web app also does it by itself)",
    )

    add(
        commands,
        "demo-data",
        cmd_demo_data,
        "create demo invitations (FR, GB, BE; one expired, one used); safe to run twice",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
