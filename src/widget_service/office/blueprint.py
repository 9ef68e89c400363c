"""The office's URL table (``/admin``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from ..timeutil import BERLIN
from . import csrf, views
from .auth import current_account, login_required
from .forms import STATUS_LABELS

bp = Blueprint("office", __name__, url_prefix="/admin")


@bp.context_processor
def _globals() -> dict[str, object]:
    return {"berlin": BERLIN, "status_labels": STATUS_LABELS}


@bp.before_request
def _check_csrf() -> None:
    if request.method == "POST":
        csrf.protect()


# what an account with a one-time password may still reach: choosing its own, leaving
PASSWORD_FIRST = frozenset({"office.password", "office.logout", "office.login"})


@bp.before_request
def _own_password_first() -> Response | None:
    """An account logged in with a one-time password (made in the office) chooses its
    own password before anything else."""
    user = current_account()
    if user is None or not user.password_change_due or request.endpoint in PASSWORD_FIRST:
        return None
    return redirect(url_for("office.password"), 303 if request.method == "POST" else 302)


SECTIONS = "any(projects, events, partners, memberships, calls, alliances, sources)"


def _add(
    rule: str, endpoint: str, view: object, methods: tuple[str, ...] = ("GET",), **defaults: str
) -> None:
    options: dict[str, Any] = {"methods": list(methods)}
    if defaults:
        options["defaults"] = defaults
    bp.add_url_rule(rule, endpoint, login_required(view), **options)


bp.add_url_rule("/login", "login", views.limited_login(views.login), methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
_add("/", "dashboard", views.dashboard)
_add("/password", "password", views.password, ("GET", "POST"))
_add(f"/<{SECTIONS}:section_name>/", "records", views.records)
_add(f"/<{SECTIONS}:section_name>/new", "new_record", views.new_record, ("GET", "POST"))
_add(f"/<{SECTIONS}:section_name>/<int:record_id>", "record", views.record, ("GET", "POST"))
_add(f"/<{SECTIONS}:section_name>/<int:record_id>/archive", "archive", views.archive, ("POST",))
_add(
    f"/<{SECTIONS}:section_name>/<int:record_id>/restore",
    "restore",
    views.archive,
    ("POST",),
    restore="yes",
)
_add("/memberships/<int:record_id>/end", "end_membership", views.end_membership, ("POST",))
_add("/queue/", "queue", views.queue)
_add("/queue/<ident>", "queue_item", views.queue_item)
_add("/queue/<ident>/approve", "approve", views.decide, ("POST",), decision="approve")
_add("/queue/<ident>/reject", "reject", views.decide, ("POST",), decision="reject")
_add("/tokens/", "tokens", views.token_list, ("GET", "POST"))
_add(
    "/tokens/<int:token_id>/revoke", "revoke_token", views.token_action, ("POST",), action="revoke"
)
_add("/tokens/<int:token_id>/trust", "trust_token", views.token_action, ("POST",), action="trust")
_add(
    "/tokens/<int:token_id>/distrust",
    "distrust_token",
    views.token_action,
    ("POST",),
    action="distrust",
)
_add("/sources/state", "sources", views.sources)
_add("/sources/<int:source_id>/poll", "poll_source", views.source_action, ("POST",), action="poll")
_add(
    "/sources/<int:source_id>/pause", "pause_source", views.source_action, ("POST",), action="pause"
)
_add(
    "/sources/<int:source_id>/resume",
    "resume_source",
    views.source_action,
    ("POST",),
    action="resume",
)
_add("/accounts/", "accounts", views.account_list, ("GET", "POST"))
_add("/accounts/<int:account_id>", "account", views.account)
for _action in ("grant", "revoke", "disable", "enable", "reset"):
    _add(
        f"/accounts/<int:account_id>/{_action}",
        f"{_action}_account",
        views.account_action,
        ("POST",),
        action=_action,
    )
_add("/statistics", "statistics", views.statistics)
_add("/audit", "audit", views.audit_log)
