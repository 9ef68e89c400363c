"""A call as a block for e-mail newsletters and member magazines, in HTML and plain text.

E-mail programs are not browsers: Outlook lays out with Word, Gmail drops ``<style>``
blocks and web fonts, most block scripts and SVG. So the block is built the way that
survives them: nested tables with ``role="presentation"``, every style inline, colours
as six-digit hex, system fonts only, absolute addresses, the banner as PNG with its
width, height and alt text, and a button made of a table cell and a link ("bulletproof").
Nothing here knows Flask or the database.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

WIDTH = 600
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class NewsletterCall:
    """What the block says and links to, already in the reader's language."""

    alliance: str
    title: str
    tagline: str
    text: str
    button: str
    link: str  # where the button leads (absolute)
    page: str  # the call's page (absolute)
    image: str  # the banner as PNG (absolute), drawn at twice the block's width
    image_width: int
    image_height: int
    image_alt: str
    background: str
    foreground: str
    more: str  # "More about the call" in the reader's language
    lang: str = "de"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def newsletter_html(call: NewsletterCall) -> str:
    """The HTML block: a 600 pixel wide table that survives the common e-mail programs."""
    text_style = f"margin:0 0 12px 0;font-family:{FONT};color:#1b1b1b;"
    parts = [
        f'<table role="presentation" width="{WIDTH}" cellpadding="0" cellspacing="0" border="0"'
        f' lang="{_e(call.lang)}" style="width:{WIDTH}px;max-width:100%;border-collapse:collapse;'
        f'background-color:#ffffff;">',
        '<tr><td style="padding:0;">',
        f'<a href="{_e(call.link)}" style="text-decoration:none;">'
        f'<img src="{_e(call.image)}" width="{call.image_width}" height="{call.image_height}"'
        f' alt="{_e(call.image_alt)}" style="display:block;width:{call.image_width}px;'
        f'max-width:100%;height:auto;border:0;outline:none;text-decoration:none;"></a>',
        "</td></tr>",
        '<tr><td style="padding:20px 24px 8px 24px;">',
        f'<p style="{text_style}font-size:13px;line-height:18px;color:#4a4f55;">'
        f"{_e(call.alliance)}</p>",
        f'<h2 style="{text_style}font-size:24px;line-height:30px;font-weight:bold;">'
        f"{_e(call.title)}</h2>",
    ]
    if call.tagline:
        parts.append(
            f'<p style="{text_style}font-size:17px;line-height:24px;font-weight:bold;">'
            f"{_e(call.tagline)}</p>"
        )
    if call.text:
        parts.append(f'<p style="{text_style}font-size:15px;line-height:22px;">{_e(call.text)}</p>')
    parts.append("</td></tr>")
    if call.button:
        parts.append(
            '<tr><td style="padding:4px 24px 16px 24px;">'
            '<table role="presentation" cellpadding="0" cellspacing="0" border="0"'
            ' style="border-collapse:separate;"><tr>'
            f'<td bgcolor="{call.background}" style="background-color:{call.background};'
            'border-radius:6px;padding:12px 22px;">'
            f'<a href="{_e(call.link)}" style="font-family:{FONT};font-size:16px;'
            f'line-height:20px;font-weight:bold;color:{call.foreground};text-decoration:none;">'
            f"{_e(call.button)}</a></td></tr></table></td></tr>"
        )
    parts.append(
        '<tr><td style="padding:0 24px 20px 24px;">'
        f'<p style="{text_style}font-size:13px;line-height:18px;">'
        f'<a href="{_e(call.page)}" style="color:#1b1b1b;text-decoration:underline;">'
        f"{_e(call.more)}</a></p></td></tr>"
    )
    parts.append("</table>")
    return "\n".join(parts) + "\n"


def newsletter_text(call: NewsletterCall) -> str:
    """The plain-text twin: the same words, addresses written out, lines of at most 72."""

    def paragraph(text: str) -> str:
        return textwrap.fill(" ".join(text.split()), width=72, break_long_words=False)

    lines = [call.alliance, "", call.title]
    lines.append("=" * min(72, len(lines[-1])))
    if call.tagline:
        lines += ["", paragraph(call.tagline)]
    if call.text:
        lines += ["", paragraph(call.text)]
    if call.button:
        lines += ["", f"{call.button}: {call.link}"]
    lines += ["", f"{call.more}: {call.page}", ""]
    return "\n".join(lines)
