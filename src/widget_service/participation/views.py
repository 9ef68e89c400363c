"""The public forms: suggest a project or tell a story, sign a call, apply to become a partner.

Every form works without JavaScript and without cookies: a plain POST, then 303 to a
thank-you page, or 400 with the form again and a message beside each field. The pages
may be framed by any site (the submit widget is an iframe on a member's website).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import content, db, signing
from ..embed import render as embed_render
from ..embed.catalogue import settings_from
from ..http import BASE_CSP, external_url
from ..i18n import current_language, force_locale, gettext, ngettext
from ..models import Alliance, Call, Signature
from ..widget_schema import Settings
from . import forms, operations, signatures
from .forms import FormState, Refused
from .operations import FormInvalid

SUBMIT = "submit"
SIGN = "sign"
JOIN = "join"


def _lang() -> str:
    return current_language()


def _framable_page(html: str, status: int = 200) -> Response:
    """A page of ours that any site may frame; its own policy (no scripts at all)."""
    response = Response(html, status=status, mimetype="text/html")
    styles = " ".join(sorted(g.get("style_hashes", ())))
    response.headers["Content-Security-Policy"] = (
        f"{BASE_CSP}; style-src 'self' {styles}".rstrip() + "; frame-ancestors *"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _form_data() -> dict[str, str]:
    return dict(request.form.items())


# --- the submit widget --------------------------------------------------------------------


@dataclass
class SubmitState:
    """What the submit widget shows: the form (and where it posts), or the thanks."""

    form: FormState
    action: str
    thanks: bool = False
    again: str = ""


def _widget_query(settings: Settings) -> dict[str, Any]:
    return {name: value for name, value in settings.query().items() if name != "alliance"}


def submit_state(alliance: Alliance) -> SubmitState:
    """The state for the submit widget's template (a fresh form unless a view set one)."""
    state: SubmitState | None = g.get("submit_state")
    if state is not None:
        return state
    settings: Settings | None = g.get("submit_settings")
    query = _widget_query(settings) if settings is not None else {}
    action = url_for("participation.submit", alliance=alliance.slug, **query)
    return SubmitState(forms.fresh_state(SUBMIT, alliance.slug), action)


def _submit_settings(alliance: str) -> Settings:
    args = {**request.args.to_dict(), "alliance": alliance}
    settings = settings_from(args, SUBMIT)
    g.submit_settings = settings
    return settings


def _submit_document(settings: Settings, status: int = 200) -> Response:
    with force_locale(settings.lang):
        rendered = embed_render.render_widget(settings, heading=1)
    response = embed_render.document(rendered, status)
    return forms.no_store_if_issued(response)


def submit(alliance: str) -> Response:
    """``POST /submit/<alliance>``: a suggested project or story, pending until published."""
    settings = _submit_settings(alliance)
    session = db.session()
    found = content.alliance_by_slug(session, alliance)
    data = _form_data()
    query = _widget_query(settings)
    action = url_for("participation.submit", alliance=alliance, **query)
    with force_locale(settings.lang):
        try:
            digest = forms.check_traps(session, data, SUBMIT, alliance)
            operations.submit_suggestion(session, found, data, digest, settings.lang)
        except IntegrityError:
            session.rollback()
            state = forms.fresh_state(SUBMIT, alliance, data)
            state.message = forms.replayed_message()
            g.submit_state = SubmitState(state, action)
            return _submit_document(settings, 400)
        except Refused as refused:
            state = forms.fresh_state(SUBMIT, alliance, data)
            state.message = refused.message
            g.submit_state = SubmitState(state, action)
            return _submit_document(settings, 400)
        except FormInvalid as invalid:
            session.rollback()
            state = forms.fresh_state(SUBMIT, alliance, data)
            state.errors = invalid.errors
            g.submit_state = SubmitState(state, action)
            return _submit_document(settings, 400)
    return redirect(url_for("participation.submit_thanks", alliance=alliance, **query), 303)


def submit_thanks(alliance: str) -> Response:
    """The submit widget after a contribution arrived."""
    settings = _submit_settings(alliance)
    query: dict[str, Any] = settings.query()
    again = url_for("embed.document", name=SUBMIT, **query)
    g.submit_state = SubmitState(FormState(), "", thanks=True, again=again)
    return _submit_document(settings)


# --- signing a call -----------------------------------------------------------------------


def _keys() -> signing.Keys:
    return signing.Keys.from_config(current_app.config)


def _signature_token(purpose: str, signature: Signature) -> str:
    return signing.sign(
        _keys(), purpose, {"s": signature.id, "c": signature.created_at.isoformat()}
    )


def _signature_links() -> operations.SignatureLinks:
    return operations.SignatureLinks(
        confirm=lambda item: external_url(
            "participation.confirm", token=_signature_token(signing.SIGNATURE_CONFIRM, item)
        ),
        withdraw=lambda item: external_url(
            "participation.withdraw", token=_signature_token(signing.SIGNATURE_WITHDRAW, item)
        ),
    )


def _signature_from(purpose: str, token: str) -> Signature | None:
    try:
        payload = signing.unsign(_keys(), purpose, token)
    except signing.InvalidToken:
        return None
    if not isinstance(payload, dict):
        return None
    identifier, created = payload.get("s"), payload.get("c")
    if (
        not isinstance(identifier, int)
        or isinstance(identifier, bool)
        or not 0 < identifier < 2**31
    ):
        return None
    found = db.session().get(Signature, identifier)
    if found is None or found.created_at.isoformat() != created:
        return None
    return found


def sign_form_state(alliance: Alliance, call: Call) -> FormState:
    """A fresh sign form for the call page (the template include calls it)."""
    return forms.fresh_state(SIGN, _call_scope(alliance.slug, call.slug))


def _call_scope(alliance: str, call: str) -> str:
    return f"{alliance}/{call}"


def _sign_page(
    alliance: Alliance, call: Call, form: FormState | None, status: int = 200
) -> Response:
    session = db.session()
    html = render_template(
        "participation/sign.html",
        alliance=alliance,
        call=call,
        form=form,
        count=signatures.confirmed_count(session, call.id),
        signers=signatures.public_signers(session, call.id, 100),
        brand_color=alliance.color,
    )
    return forms.no_store_if_issued(_framable_page(html, status))


def sign(alliance: str, call: str) -> Response:
    """``GET|POST /sign/<alliance>/<call>``: the sign form, alone or framed."""
    session = db.session()
    found = content.call_by_slug(session, alliance, call)
    if request.method == "GET":
        return _sign_page(found.alliance, found, None)
    data = _form_data()
    scope = _call_scope(alliance, call)
    state = forms.fresh_state(SIGN, scope, data)
    if not found.is_current():
        state.message = _closed_message()
        return _sign_page(found.alliance, found, state, 400)
    try:
        digest = forms.check_traps(session, data, SIGN, scope)
        operations.sign_call(session, found, data, digest, _lang(), _signature_links())
    except IntegrityError:
        session.rollback()
        state.message = forms.replayed_message()
        return _sign_page(found.alliance, found, state, 400)
    except Refused as refused:
        state.message = refused.message
        return _sign_page(found.alliance, found, state, 400)
    except FormInvalid as invalid:
        session.rollback()
        state.errors = invalid.errors
        return _sign_page(found.alliance, found, state, 400)
    return redirect(_url("participation.sign_thanks", alliance=alliance, call=call), 303)


def _closed_message() -> str:
    return gettext("This call is not open for signatures.")


def _url(endpoint: str, **values: Any) -> str:
    lang = request.args.get("lang")
    if lang in ("de", "en"):
        values["lang"] = lang
    return url_for(endpoint, **values)


def sign_thanks(alliance: str, call: str) -> Response:
    found = content.call_by_slug(db.session(), alliance, call)
    html = render_template(
        "participation/message.html",
        alliance=found.alliance,
        brand_color=found.alliance.color,
        heading=found.title,
        message_kind="sign_thanks",
    )
    return _framable_page(html)


def confirm(token: str) -> Response:
    """``GET /sign/confirm/<token>``: the link from the e-mail counts the signature."""
    session = db.session()
    found = _signature_from(signing.SIGNATURE_CONFIRM, token)
    if found is None:
        html = render_template("participation/message.html", message_kind="confirm_invalid")
        return _framable_page(html, 404)
    operations.confirm_signature(session, found)
    call = found.call
    html = render_template(
        "participation/message.html",
        alliance=call.alliance,
        brand_color=call.alliance.color,
        heading=call.title,
        message_kind="confirmed",
        count=signatures.confirmed_count(session, call.id),
        withdraw_url=url_for(
            "participation.withdraw", token=_signature_token(signing.SIGNATURE_WITHDRAW, found)
        ),
    )
    return _framable_page(html)


def withdraw(token: str) -> Response:
    """``GET|POST /sign/withdraw/<token>``: asks, then deletes the signature."""
    session = db.session()
    found = _signature_from(signing.SIGNATURE_WITHDRAW, token)
    if found is None:
        html = render_template("participation/message.html", message_kind="withdraw_invalid")
        return _framable_page(html, 404)
    call = found.call
    if request.method == "POST":
        operations.withdraw_signature(session, found)
        kind = "withdrawn"
    else:
        kind = "withdraw_ask"
    html = render_template(
        "participation/message.html",
        alliance=call.alliance,
        brand_color=call.alliance.color,
        heading=call.title,
        message_kind=kind,
        withdraw_url=url_for("participation.withdraw", token=token),
    )
    return _framable_page(html)


# --- applying to become a partner ---------------------------------------------------------


def join_form_state(alliance: Alliance) -> FormState:
    return forms.fresh_state(JOIN, alliance.slug)


def _join_page(alliance: Alliance, form: FormState | None, status: int = 200) -> Response:
    html = render_template(
        "participation/join.html", alliance=alliance, form=form, brand_color=alliance.color
    )
    return forms.no_store_if_issued(_framable_page(html, status))


def join(alliance: str) -> Response:
    """``GET|POST /join/<alliance>``: an organisation's application."""
    session = db.session()
    found = content.alliance_by_slug(session, alliance)
    if request.method == "GET":
        return _join_page(found, None)
    data = _form_data()
    state = forms.fresh_state(JOIN, alliance, data)
    try:
        digest = forms.check_traps(session, data, JOIN, alliance)
        operations.apply_to_join(session, found, data, digest, _lang())
    except IntegrityError:
        session.rollback()
        state.message = forms.replayed_message()
        return _join_page(found, state, 400)
    except Refused as refused:
        state.message = refused.message
        return _join_page(found, state, 400)
    except FormInvalid as invalid:
        session.rollback()
        state.errors = invalid.errors
        return _join_page(found, state, 400)
    return redirect(_url("participation.join_thanks", alliance=alliance), 303)


def join_thanks(alliance: str) -> Response:
    found = content.alliance_by_slug(db.session(), alliance)
    html = render_template(
        "participation/message.html",
        alliance=found,
        brand_color=found.color,
        heading=found.name,
        message_kind="join_thanks",
    )
    return _framable_page(html)


# --- helpers for templates ----------------------------------------------------------------


def signature_count_text(call: Call, lang: str) -> Markup:
    """``1.234 Unterstützende`` for the banner widget."""
    count = signatures.confirmed_count(db.session(), call.id)
    with force_locale(lang):
        text = ngettext(
            "%(count)s supporter",
            "%(count)s supporters",
            count,
            count=signatures.format_count(count, lang),
        )
    return Markup("{}").format(text)


def join_url(alliance: str, lang: str | None = None) -> str:
    return external_url(
        "participation.join", alliance=alliance, **({"lang": lang} if lang == "en" else {})
    )


def sign_url(alliance: str, call: str, lang: str | None = None) -> str:
    query = {"lang": lang} if lang == "en" else {}
    return external_url("participation.sign", alliance=alliance, call=call, **query)
