#!/usr/bin/env python3
"""Writes the forward corpus: tests/fixtures/email/forwards/*.eml, each with
the truth beside it in a .json (client, language, the expected kind and the
prospect: the sender of the outermost forwarded message). The truth comes
from what this script put in the message, never from vouch's output.

Layouts follow what each client writes (marker line, header label order,
address form, HTML wrapper markup); the words per language are in
scripts/forward_langs.py with their sources. Run from the repository root:
    python3 scripts/gen-forward-corpus.py
Deterministic (seeded): re-running rewrites the same files.
"""
import base64
import html
import json
import os
import quopri
import random
import shutil
import sys
from email.header import Header

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forward_langs import GMAIL_FROM, L, OUTLOOK_2019  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INBOX = "vouch@acme.example"
BOB = ("Bob Champion", "bob@partner.example")
DATE = "Tue, 17 Nov 2026 11:02:03 +0100"


# --- MIME -------------------------------------------------------------------

def encodable(text, charset):
    try:
        text.encode(charset)
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def enc_word(text, charset="utf-8"):
    if text.isascii():
        return text
    return Header(text, charset).encode()


def payload(body, charset, cte):
    data = body.encode(charset)
    if cte == "quoted-printable":
        return quopri.encodestring(data).decode("ascii")
    if cte == "base64":
        b = base64.b64encode(data).decode("ascii")
        return "\n".join(b[i:i + 76] for i in range(0, len(b), 76))
    # 8bit: the charset's own bytes, carried through as latin-1 code points.
    return data.decode("latin-1")


def part(body, subtype, charset, cte):
    return (f"Content-Type: text/{subtype}; charset=\"{charset}\"\nContent-Transfer-Encoding: {cte}\n\n"
            + payload(body, charset, cte))


def message(frm, subject, mid, body_mime, to=INBOX, cc=None, extra=(), mailer=None):
    h = [
        f"Return-Path: <{frm[1]}>",
        "Received: from mail.partner.example (mail.partner.example [203.0.113.7])\n"
        f"\tby mx.acme.example (Postfix) with ESMTPS id 4Nq8Zk2Y1vz9sWd\n\tfor <{INBOX}>; {DATE}",
        f"From: {enc_word(frm[0])} <{frm[1]}>",
        f"To: {to}",
    ]
    if cc:
        h.append(f"Cc: {cc}")
    h += [f"Subject: {enc_word(subject)}", f"Date: {DATE}", f"Message-ID: <{mid}>"]
    if mailer:
        h.append(mailer)
    h.append("MIME-Version: 1.0")
    h += list(extra)
    return "\n".join(h) + "\n" + body_mime


def body_mime(plain, html_body, structure, charset, cte, boundary):
    if structure == "plain":
        return part(plain, "plain", charset, cte)
    if structure == "html":
        return part(html_body, "html", charset, cte)
    return (f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n"
            f"--{boundary}\n{part(plain, 'plain', charset, cte)}\n"
            f"--{boundary}\n{part(html_body, 'html', charset, cte)}\n--{boundary}--\n")


def write(dirname, name, raw, truth, lf=False):
    d = os.path.join(ROOT, "tests/fixtures/email", dirname)
    os.makedirs(d, exist_ok=True)
    raw = raw.replace("\r\n", "\n")
    if not lf:
        # Bare LF (some MTAs hand mail over so) only where asked.
        raw = raw.replace("\n", "\r\n")
    with open(os.path.join(d, name + ".eml"), "wb") as f:
        f.write(raw.encode("latin-1"))
    with open(os.path.join(d, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=2)
        f.write("\n")


def esc(text):
    return html.escape(text, quote=False)


# --- addresses --------------------------------------------------------------

def address(person, form):
    """The forwarded sender as the header line shows it, and the name vouch should read."""
    name, email = person
    local = email.split("@")[0]
    return {
        "angle": (f"{name} <{email}>", name),
        "quoted": (f"\"{name}\" <{email}>", name),
        "mailto": (f"{name} [mailto:{email}]", name),
        "addr-as-name": (f"\"{email}\" <{email}>", local),
        "bare": (email, local),
        "split": (f"{name}\n<{email}>", name),
        "glued": (f"{name}<{email}>", name),
        # "Doe, Jane": the family name first, as Outlook in many companies shows it.
        "comma": (f"\"{name.split(' ')[-1]}, {' '.join(name.split(' ')[:-1])}\" <{email}>",
                  f"{name.split(' ')[-1]}, {' '.join(name.split(' ')[:-1])}"),
        # A company in parentheses is split off the name.
        "company": (f"{name} (Northwind) <{email}>", name),
        # Outlook on the web's text rendering of a linked address.
        "outlook-mailto": (f"{name} <{email}<mailto:{email}>>", name),
    }[form]


def html_address(person, form, display=None):
    name, email = person
    name = display or name
    link = f"<a href=\"mailto:{email}\">{email}</a>"
    if form in ("bare", "addr-as-name"):
        return link
    if form == "mailto":
        return f"{esc(name)} [mailto:{email}]"
    if form == "split":
        return f"{esc(name)}<br>&lt;{link}&gt;"
    return f"{esc(name)} &lt;{link}&gt;"


# --- client layouts -----------------------------------------------------------
# Each returns (marker lines, [(label, value)], html flavour). `x` is the context.

def bob_to(form="angle"):
    return f"{BOB[0]} <{BOB[1]}>" if form != "bare" else BOB[1]


def lay_gmail(x, flavour):
    dates = {"web": "Tue, Nov 17, 2026 at 10:15 AM", "android": "Tue, 17 Nov 2026, 10:15",
             "ios": "Tue, Nov 17, 2026 at 10:15"}
    return (["---------- Forwarded message ---------"],
            [(GMAIL_FROM[x.code], x.addr), ("Date", dates[flavour]), ("Subject", x.subj), ("To", f"<{BOB[1]}>")],
            "gmail")


def lay_outlook_desktop(x):
    w = x.w
    return ([""], [(w["o_from"], x.addr), (w["o_sent"], w["date"]), (w["o_to"], bob_to()),
                   (w["o_subj"], x.subj)], "mso")


def lay_outlook_2007(x):
    w = x.w
    return ([f"-----{w['orig']}-----"], [(w["o_from"], x.addr), (w["o_sent"], w["date"]), (w["o_to"], bob_to()),
                                        (w["o_subj"], x.subj)], "mso")


def lay_new_outlook(x):
    w = x.w
    return ([""], [(w["o_from"], x.addr), (w["n_date"], w["date"]), (w["o_to"], bob_to()),
                   (w["o_subj"], x.subj)], "owa")


def lay_outlook_web(x):
    # Outlook on the web / Live writes English labels in every locale.
    return (["________________________________"], [("From", x.addr), ("Sent", x.w["date"]), ("To", bob_to()),
                                                  ("Subject", x.subj)], "owa")


def lay_outlook_mobile(x):
    w = x.w
    return (["Get Outlook for iOS<https://aka.ms/o0ukef>", "________________________________"],
            [(w["o_from"], x.addr), (w["o_sent"], w["date"]), (w["o_to"], bob_to()), (w["o_subj"], x.subj)], "owa")


def lay_apple(x):
    w = x.w
    return ([w["apple"], ""], [(w["o_from"], x.addr), (w["o_subj"], x.subj), (w["n_date"], w["date"]),
                               (w["o_to"], bob_to())], "apple")


def lay_apple_ios(x):
    w = x.w
    x.quote = True
    return (["Sent from my iPhone", "", w["apple"], ""],
            [(w["o_from"], x.addr), (w["n_date"], w["date"]), (w["o_to"], bob_to()), (w["o_subj"], x.subj)], "apple")


def lay_yahoo(x):
    w = x.w
    return ([f"----- {w['yahoo']} -----"], [(w["o_from"], x.addr), (w["o_to"], bob_to()),
                                           (w["o_sent"], w["date"]), (w["o_subj"], x.subj)], "yahoo")


def lay_thunderbird(x):
    w = x.w
    return ([f"-------- {w['yahoo']} --------"],
            [(w["o_subj"], "\t" + x.subj), (w["n_date"], "\tTue, 17 Nov 2026 10:15:00 +0100"),
             (w["o_from"], "\t" + x.addr), (w["o_to"], "\t" + bob_to())], "moz")


def lay_k9(x):
    w = x.w
    return ([f"-------- {w['orig']} --------"], [(w["o_from"], x.addr), (w["o_sent"], "November 17, 2026 9:15:00 AM UTC"),
                                               (w["o_to"], BOB[1]), (w["o_subj"], x.subj)], "div")


def lay_hubspot(x):
    w = x.w
    return (["---------- Forwarded message ----------"],
            [(w["o_from"], x.addr), (w["n_date"], "17/11/2026 10:15"), (w["o_subj"], x.subj),
             (w["o_to"], bob_to())], "div")


def lay_missive(x):
    return (["Begin forwarded message:", ""],
            [("From", x.addr), ("Date", "November 17, 2026 at 10:15 AM"), ("Subject", x.subj), ("To", bob_to())],
            "div")


YANDEX_MARK = {"ru": ("Пересылаемое сообщение", "Конец пересылаемого сообщения"),
               "uk": ("Пересилання повідомлення", "Кінець пересилання повідомлення"),
               "tr": ("İletilen mesaj", "İletilen mesajın sonu"),
               "en": ("Forwarded message", "End of forwarded message")}


def lay_yandex(x):
    start, end = YANDEX_MARK[x.code]
    x.trailer = f"-------- {end} --------"
    name, email = x.person
    return ([f"-------- {start} --------"], [(None, f"17.11.2026, 10:15, \"{name}\" <{email}>:")], "div")


def lay_yandex_new(x):
    start, _ = YANDEX_MARK[x.code]
    w = x.w
    return ([f"-------- {start} --------"],
            [("От кого" if x.code == "ru" else w["o_from"], x.addr), (w["o_to"], bob_to()),
             (w["n_date"], w["date"]), (w["o_subj"], x.subj)], "div")


def lay_mailru(x):
    start = {"ru": "Пересылаемое сообщение", "uk": "Пересилання повідомлення", "en": "Forwarded message"}[x.code]
    frm = {"ru": "От кого", "uk": "Від кого", "en": "From"}[x.code]
    w = x.w
    x.trailer = "-" * 70
    return ([f"-------- {start} --------"],
            [(frm, x.addr), (w["o_to"], bob_to()), (w["n_date"], "Вторник, 17 ноября 2026, 10:15 +03:00"
                                                    if x.code != "en" else w["date"]), (w["o_subj"], x.subj)], "div")


def lay_proton(x):
    w = x.w
    word = "Forwarded Message" if x.code == "en" else w["yahoo"]
    return ([f"------- {word} -------"], [(w["o_from"], x.addr), (w["n_date"], "On Tuesday, November 17th, 2026 at 10:15 AM"),
                                         (w["o_subj"], x.subj), (w["o_to"], bob_to())], "div")


def lay_zoho(x):
    w = x.w
    word = "Forwarded message" if x.code == "en" else w["yahoo"]
    x.trailer = f"============ {word} ============"
    return ([f"============ {word} ============"],
            [(w["o_from"] + " ", x.addr), (w["o_to"] + " ", f"<{BOB[1]}>"),
             (w["n_date"] + " ", "Tue, 17 Nov 2026 10:15:00 +0100"), (w["o_subj"] + " ", x.subj)], "div")


def lay_fastmail(x):
    w = x.w
    return ([f"----- {w['orig']} -----"], [(w["o_from"], x.addr), (w["o_to"], bob_to()), (w["o_subj"], x.subj),
                                          (w["n_date"], w["date"])], "div")


def lay_spark(x):
    w = x.w
    return ([w["apple"], ""], [(w["o_from"], x.addr), (w["n_date"], w["date"]), (w["o_to"], BOB[1]),
                               (w["o_subj"], x.subj)], "div")


def lay_gmx(x):
    w = x.w
    sent = {"de": "Dienstag, 17. November 2026 um 10:15 Uhr", "en": "Tuesday, November 17, 2026 at 10:15 AM",
            "fr": "mardi 17 novembre 2026 à 10:15", "es": "martes, 17 de noviembre de 2026 a las 10:15"}[x.code]
    return (["", " "], [(w["o_sent"], sent), (w["o_from"], x.addr), (w["o_to"], BOB[1]), (w["o_subj"], x.subj)], "div")


def lay_seznam(x):
    word = {"cs": "Původní e-mail", "sk": "Pôvodný e-mail", "en": "Original e-mail"}[x.code]
    w = x.w
    return ([f"---------- {word} ----------"], [(w["o_from"], x.addr), (w["o_to"], BOB[1]),
                                               (w["n_date"], "17. 11. 2026 10:15:00"), (w["o_subj"], x.subj)], "div")


def lay_samsung(x):
    w = x.w
    return (["", "", "Sent from my Galaxy", "", "", f"-------- {w['orig']} --------"],
            [(w["o_from"], x.addr + " "), (w["n_date"], "17/11/2026 10:15 (GMT+01:00) "), (w["o_to"], bob_to() + " "),
             (w["o_subj"], x.subj + " ")], "div")


NOTES_BY = {"en": "----- Forwarded by Bob Champion/Partner on 11/17/2026 10:15 AM -----",
            "de": "----- Weitergeleitet von Bob Champion/Partner am 17.11.2026 10:15 -----",
            "fr": "----- Réacheminé par Bob Champion/Partner le 17/11/2026 10:15 -----",
            "es": "----- Reenviado por Bob Champion/Partner el 17/11/2026 10:15 -----",
            "it": "----- Inoltrato da Bob Champion/Partner il 17/11/2026 10:15 -----",
            "ja": "----- 転送者 Bob Champion/Partner 2026/11/17 10:15 -----"}


def lay_notes(x):
    w = x.w
    return ([NOTES_BY[x.code], ""], [(w["o_from"], "\t" + x.addr), (w["o_to"], "\t" + BOB[1]),
                                     (w["n_date"], "\t16.11.2026 16:30"), (w["o_subj"], "\t" + x.subj)], "div")


def lay_notes8(x):
    # Notes 8: labels on their own lines, the sender's line first.
    name, email = x.person
    return ([NOTES_BY[x.code], ""], [(None, f"{name} <{email}>"), (None, "11/16/2026 04:30 PM"), (None, ""),
                                     (None, "To"), (None, BOB[1]), (None, "cc"), (None, ""), (None, "Subject"),
                                     (None, x.subj)], "div")


def lay_outlook_2019(x):
    name, email = x.person
    line = OUTLOOK_2019[x.code].format(date="17.11.2026 10:15", name=name, email=email)
    return ([""], [(None, line)], "div")


ALL = list(L)
CLIENTS = {
    # client: (layout, languages, count)
    "gmail-web": (lambda x: lay_gmail(x, "web"), ALL, 39),
    "gmail-android": (lambda x: lay_gmail(x, "android"), ALL, 10),
    "gmail-ios": (lambda x: lay_gmail(x, "ios"), ALL, 10),
    "outlook-desktop": (lay_outlook_desktop, ALL, 39),
    "outlook-2007": (lay_outlook_2007, ALL, 12),
    "outlook-2019": (lay_outlook_2019, list(OUTLOOK_2019), 17),
    "new-outlook": (lay_new_outlook, ALL, 20),
    "outlook-web": (lay_outlook_web, ALL, 20),
    "outlook-mobile": (lay_outlook_mobile, ALL, 10),
    "apple-mail": (lay_apple, ALL, 39),
    "apple-ios": (lay_apple_ios, ALL, 15),
    "yahoo": (lay_yahoo, ALL, 20),
    "thunderbird": (lay_thunderbird, ALL, 20),
    "k9": (lay_k9, ["en", "de", "fr", "es", "it", "ru", "pl", "nl"], 8),
    "hubspot": (lay_hubspot, ["en", "de", "es", "fi", "fr", "it", "ja", "nl", "pl", "pt-BR", "sv"], 12),
    "missive": (lay_missive, ["en"], 4),
    "yandex": (None, ["ru", "ru", "ru", "ru", "uk", "tr", "en"], 12),
    "mailru": (lay_mailru, ["ru", "ru", "ru", "uk", "en"], 10),
    "proton": (lay_proton, ["en", "de", "fr", "es", "it", "nl", "pl", "ru", "ja", "tr"], 10),
    "zoho": (lay_zoho, ["en", "de", "fr", "es", "it", "pt-BR", "ja", "zh-CN", "nl", "ru"], 10),
    "fastmail": (lay_fastmail, ["en", "de", "fr", "es", "nl", "da", "sv", "fi"], 8),
    "spark": (lay_spark, ["en", "de", "fr", "es", "it", "ru", "ja", "zh-CN", "ko", "uk"], 10),
    "gmx": (lay_gmx, ["de", "de", "de", "en", "fr", "es"], 10),
    "seznam": (lay_seznam, ["cs", "cs", "sk", "en"], 10),
    "samsung": (lay_samsung, ALL, 15),
    "ibm-notes": (None, ["en", "en", "de", "fr", "es", "it", "ja"], 10),
}


# --- HTML wrappers per client --------------------------------------------------

def html_rows(rows, x, bold=True):
    out = []
    for label, value in rows:
        if label is None:
            out.append(esc(value))
            continue
        v = value.strip()
        v = x.addr_html if v == x.addr.strip() else esc(v)
        lab = f"<b>{esc(label.strip())}:</b>" if bold else f"{esc(label.strip())}:"
        out.append(f"{lab} {v}")
    return out


def html_body(x, markers, rows, flavour):
    note = "".join(f"<div>{esc(line) or '<br>'}</div>" for line in x.note_lines)
    inner = "".join(f"<div>{esc(line) or '<br>'}</div>" for line in x.inner_lines)
    marks = [m for m in markers if m.strip()]
    if flavour == "gmail" and x.form in ("bare", "addr-as-name"):
        # No display name: Gmail shows the address alone.
        attr = "<br>".join([esc(m) for m in marks] + html_rows(rows, x, bold=False))
        return (f"<div dir=\"ltr\">{note}<br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">"
                f"{attr}<br></div><br><br>{inner}</div></div>\n")
    if flavour == "gmail":
        attr = "<br>".join([esc(m) for m in marks] + html_rows(rows, x, bold=False)).replace(
            x.addr_html, f"<strong class=\"gmail_sendername\" dir=\"auto\">{esc(x.display)}</strong> "
            f"<span dir=\"auto\">&lt;<a href=\"mailto:{x.person[1]}\">{x.person[1]}</a>&gt;</span>", 1)
        return (f"<div dir=\"ltr\">{note}<br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">"
                f"{attr}<br></div><br><br>{inner}</div></div>\n")
    if flavour == "mso":
        rows_html = "<br>\n".join(html_rows(rows, x))
        pre = "".join(f"<p class=\"MsoNormal\">{esc(m)}</p>" for m in marks)
        return ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html\"><style><!-- p.MsoNormal "
                "{margin:0cm;font-size:11.0pt;font-family:\"Calibri\",sans-serif;} --></style></head>"
                f"<body lang=\"EN-US\"><div class=\"WordSection1\"><p class=\"MsoNormal\">{'<br>'.join(map(esc, x.note_lines))}</p>"
                f"<p class=\"MsoNormal\">&nbsp;</p>{pre}<div><div style=\"border:none;border-top:solid #E1E1E1 1.0pt;"
                f"padding:3.0pt 0cm 0cm 0cm\"><p class=\"MsoNormal\">{rows_html}</p></div></div>"
                f"<p class=\"MsoNormal\">&nbsp;</p><p class=\"MsoNormal\">{'<br>'.join(map(esc, x.inner_lines))}</p>"
                "</div></body></html>\n")
    if flavour == "owa":
        rows_html = "<br>\n".join(html_rows(rows, x))
        pre = "".join(f"<div>{esc(m)}</div>" for m in marks if not m.startswith("____"))
        return (f"<html><body><div dir=\"ltr\">{note}</div>{pre}<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">"
                f"<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" style=\"font-size:11pt\" "
                f"color=\"#000000\">{rows_html}</font><div>&nbsp;</div></div><div>{inner}</div></body></html>\n")
    if flavour == "apple":
        rows_html = "".join(f"<div style=\"margin-top: 0px; margin-right: 0px; margin-bottom: 0px; margin-left: 0px;\">"
                            f"<span style=\"font-family: -apple-system, Helvetica Neue;\">{r}</span></div>"
                            for r in html_rows(rows, x))
        return (f"<html><body style=\"word-wrap: break-word;\">{note}<div><br><blockquote type=\"cite\">"
                f"<div>{esc(marks[-1])}</div><br class=\"Apple-interchange-newline\">{rows_html}<br>"
                f"<div>{inner}</div></blockquote></div></body></html>\n")
    if flavour == "yahoo":
        rows_html = "".join(f"<div>{r}</div>" for r in html_rows(rows, x))
        return (f"<html><body><div class=\"ydp1\">{note}</div><div id=\"yahoo_quoted_4827\" class=\"yahoo_quoted\">"
                f"<div style=\"font-family:'Helvetica Neue', Helvetica, Arial, sans-serif;font-size:13px;color:#26282a;\">"
                f"<div>{esc(marks[0])}</div>{rows_html}<br><div><div id=\"yiv0001\">{inner}</div></div></div></div>"
                "</body></html>\n")
    if flavour == "moz":
        cells = "".join(f"<tr><th valign=\"BASELINE\" nowrap=\"nowrap\" align=\"RIGHT\">{esc(lab.strip())}: </th>"
                        f"<td>{x.addr_html if val.strip() == x.addr.strip() else esc(val.strip())}</td></tr>"
                        for lab, val in rows)
        return (f"<html><body>{note}<div class=\"moz-forward-container\"><br><br>{esc(marks[0])}"
                f"<table class=\"moz-email-headers-table\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tbody>"
                f"{cells}</tbody></table><br>{inner}</div></body></html>\n")
    rows_html = "".join(f"<div>{r}</div>" for r in html_rows(rows, x, bold=False))
    pre = "".join(f"<div>{esc(m)}</div>" for m in marks)
    return f"<html><body>{note}<div><br></div>{pre}{rows_html}<div><br></div><blockquote>{inner}</blockquote></body></html>\n"


class Ctx:
    pass


def plain_body(x, markers, rows):
    lines = []
    for label, value in rows:
        if label is None:
            lines.append(value)
        else:
            lines.extend(f"{label}: {value}".split("\n"))
    inner = ["    " + line if line else "" for line in x.inner_lines] if getattr(x, "indent", False) else x.inner_lines
    block = list(markers) + lines + [""] + inner
    if getattr(x, "trailer", None):
        block += ["", x.trailer]
    if x.quote:
        block = [("> " + b) if b else ">" for b in block]
    return "\n".join(x.note_lines + [""] + block) + "\n"


FORMS = ["angle", "angle", "angle", "quoted", "mailto", "addr-as-name", "bare", "split", "glued"]


def forward(rng, client, code, n, layout, dirname, person=None, note=None, inner_extra=None, attach=False,
            form=None, charset=None, lf=False, indent=False):
    w = L[code]
    x = Ctx()
    x.code, x.w = code, w
    x.person = person or w["people"][n % 2]
    form = form or rng.choice(FORMS)
    if layout in (lay_yandex, lay_notes8, lay_outlook_2019):
        form = "angle"
    x.addr, name = address(x.person, form)
    x.form = form
    if attach:
        # The attached message's own From header carries the display name.
        name = x.person[0]
    # The name as the sender's own header shows it ("Doe, Jane" for the comma form).
    x.display = name if form in ("comma",) else x.person[0]
    x.addr_html = html_address(x.person, form, x.display)
    x.subj = w["subj"]
    x.note_lines = (note or w["note"]).split("\n") + ["", "Bob"]
    x.inner_lines = [w["body"], "", x.person[0].split(" ")[0]] + (inner_extra or [])
    x.quote = rng.random() < 0.15
    x.trailer = None
    x.indent = indent
    markers, rows, flavour = layout(x)
    structure = rng.choice(["alt", "alt", "plain", "html", "html"])
    if form == "split" and structure == "html":
        structure = "plain"
    plain = plain_body(x, markers, rows)
    html_text = html_body(x, markers, rows, flavour)
    legacy = [c for c in w["charsets"] if c != "utf-8" and encodable(plain + html_text + x.subj, c)]
    charset = charset or (legacy[0] if legacy and rng.random() < 0.5 else "utf-8")
    cte = rng.choice(["quoted-printable", "base64", "8bit"])
    if charset.startswith("iso-2022"):
        cte = "7bit" if rng.random() < 0.5 else "base64"
    fw = "Fwd:" if client.startswith("gmail") or client in ("thunderbird", "k9", "missive") else w["fw"]
    subject = f"{fw} {x.subj}"
    mid = f"{client}-{code}-{n}@{client}.example"
    boundary = f"_000_{client}{n}_"
    mime = body_mime(plain, html_text, structure, charset, cte, boundary)
    if attach:
        mime = attached(x, rng, mime)
        structure = "attached"
    raw = message(BOB, subject, mid, mime)
    truth = {"client": client, "language": code, "layout": f"{structure}/{form}{'/quoted' if x.quote else ''}/{charset}/{cte}",
             "kind": "introduction", "prospects": [{"name": name, "email": x.person[1]}]}
    write(dirname, f"{client}-{code}-{n:02}", raw, truth, lf=lf)


def attached(x, rng, _unused):
    """The forward as an attached message/rfc822 (Outlook "Forward as attachment", Thunderbird, Gmail)."""
    name, email = x.person
    inner = (f"From: {enc_word(name)} <{email}>\nTo: {BOB[0]} <{BOB[1]}>\nSubject: {enc_word(x.subj)}\n"
             f"Date: Mon, 16 Nov 2026 16:30:00 +0100\nMessage-ID: <orig-{email}>\nMIME-Version: 1.0\n"
             + part(x.w["body"] + "\n", "plain", "utf-8", "base64"))
    note = "\n".join(x.note_lines) + "\n"
    return ("Content-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\n" + part(note, "plain", "utf-8", "quoted-printable")
            + "\n--mix\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"fwd.eml\"\n\n"
            + inner + "\n--mix--\n")


def negative(dirname, name, client, code, kind, raw):
    write(dirname, name, raw, {"client": client, "language": code, "layout": "negative", "kind": kind, "prospects": []})


def negatives(rng, dirname):
    # Replies with an "On ... wrote:" block: not introductions, whoever wrote the quoted mail.
    for i, code in enumerate(ALL):
        w = L[code]
        who = w["people"][i % 2]
        attribution = w["wrote"].format(date=w["date"], name=who[0], email=who[1])
        quoted = "\n".join("> " + line for line in [w["body"], "", who[0]])
        body = f"{w['note'].split(',')[0]}.\n\n{attribution}\n{quoted}\n"
        structure = "alt" if i % 3 else "plain"
        html_text = (f"<div dir=\"ltr\">{esc(w['note'].split(',')[0])}.</div><br><div class=\"gmail_quote\">"
                     f"<div dir=\"ltr\" class=\"gmail_attr\">{esc(attribution)}<br></div><blockquote class=\"gmail_quote\" "
                     f"style=\"margin:0px 0px 0px 0.8ex\">{esc(w['body'])}</blockquote></div>\n")
        raw = message(BOB, f"Re: {w['subj']}", f"reply-{code}@partner.example",
                      body_mime(body, html_text, structure, "utf-8", "quoted-printable", "b-reply"),
                      extra=[f"In-Reply-To: <thread-{code}@elsewhere.example>"])
        negative(dirname, f"neg-reply-{code}", "gmail-web", code, "ignored", raw)
    # Outlook replies: the quoted header block is the mail being answered.
    for code in ["en", "de", "fr", "es", "nl", "pl", "ru", "ja"]:
        w = L[code]
        who = w["people"][0]
        body = (f"{w['body']}\n\n{w['o_from']}: {who[0]} <{who[1]}>\n{w['o_sent']}: {w['date']}\n"
                f"{w['o_to']}: {BOB[0]} <{BOB[1]}>\n{w['o_subj']}: {w['subj']}\n\n{w['body']}\n")
        raw = message(BOB, f"RE: {w['subj']}", f"reply-outlook-{code}@partner.example",
                      part(body, "plain", "utf-8", "quoted-printable"))
        negative(dirname, f"neg-reply-outlook-{code}", "outlook-desktop", code, "ignored", raw)
    # Automatic replies by header (RFC 3834 and the common non-standard ones) and by subject.
    autos = [("Auto-Submitted: auto-replied", "en"), ("X-Autoreply: yes", "de"), ("Precedence: auto_reply", "fr"),
             ("X-Autorespond: vacation", "es"), ("Auto-Submitted: auto-generated", "ru"),
             ("X-Auto-Response-Suppress: All", "it"), ("Precedence: junk", "nl")]
    for header, code in autos:
        w = L[code]
        # Bulk mail is not a reply, it is list traffic: ignored rather than a bounce.
        kind = "ignored" if header == "Precedence: bulk" else "bounce"
        raw = message(w["people"][0], w["ooo"].format(s=w["subj"]), f"auto-{code}-{header[:6]}@x.example",
                      part(f"{w['body']}\n\n---------- Forwarded message ---------\nFrom: {w['people'][1][0]} "
                           f"<{w['people'][1][1]}>\nSubject: {w['subj']}\n", "plain", "utf-8", "8bit"), extra=[header])
        negative(dirname, f"neg-auto-{code}-{header.split(':')[0].lower()}", "auto-reply", code, kind, raw)
    for code in ["en", "de", "fr", "es", "it", "pt", "nl", "ru", "ro", "ar", "pl", "sv", "ja", "zh-CN", "tr", "cs"]:
        w = L[code]
        raw = message(w["people"][1], w["ooo"].format(s=w["subj"]), f"ooo-{code}@x.example",
                      part(w["body"] + "\n", "plain", "utf-8", "quoted-printable"))
        negative(dirname, f"neg-ooo-subject-{code}", "auto-reply", code, "bounce", raw)
    # Newsletters and list mail, one titled like a command and one quoting a forward.
    lists = [
        ("Report for Q3", ["List-Id: <members.lists.partner.example>"], "Our Q3 numbers are in."),
        ("Weekly digest", ["List-Unsubscribe: <mailto:unsub@news.example>"], "Top stories this week."),
        ("Fwd: Great intro", ["Precedence: list", "List-Id: Partners <partners.news.example>"],
         "---------- Forwarded message ---------\nFrom: Jane Doe <jane.doe@northwind.example>\n"
         "Date: Tue, Nov 17, 2026 at 10:15 AM\nSubject: Hi\nTo: <bob@partner.example>\n\nHello\n"),
        ("code", ["List-Unsubscribe: <https://news.example/u/1>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click"],
         "help\nNew features inside."),
        ("Newsletter novembre", ["Precedence: bulk", "List-Unsubscribe: <mailto:u@news.example>"], "Bonjour !"),
        ("Rundbrief", ["List-Id: rundbrief.verein.example"], "Hallo zusammen"),
    ]
    for i, (subject, extra, body) in enumerate(lists):
        raw = message(("Partner News", "news@news.example"), subject, f"list-{i}@news.example",
                      part(body + "\n", "plain", "utf-8", "quoted-printable"), extra=extra)
        negative(dirname, f"neg-list-{i}", "newsletter", "en", "ignored", raw)
    # Delivery status notifications.
    for i, status in enumerate(["5.1.1", "4.2.2", "5.2.2"]):
        dsn = ("Content-Type: multipart/report; report-type=delivery-status; boundary=\"dsn\"\n\n--dsn\n"
               "Content-Type: text/plain\n\nThis is the mail system at host mx.partner.example.\n\n"
               "---------- Forwarded message ---------\nFrom: Jane Doe <jane.doe@northwind.example>\n"
               "Subject: hello\n\n--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.partner.example\n\n"
               f"Final-Recipient: rfc822; nobody{i}@partner.example\nAction: failed\nStatus: {status}\n\n"
               "--dsn\nContent-Type: text/rfc822-headers\n\nFrom: vouch@acme.example\nSubject: Thanks\n"
               "Message-ID: <vouch.outbox.7.k7m2x9qp@acme.example>\n\n--dsn--\n")
        raw = message(("Mail Delivery System", "MAILER-DAEMON@mx.partner.example"), "Undelivered Mail Returned to Sender",
                      f"dsn-{i}@mx.partner.example", dsn)
        negative(dirname, f"neg-dsn-{i}", "dsn", "en", "bounce", raw)
    # Mail from vouch itself (a loop through a forwarding rule).
    for i, extra in enumerate([["Auto-Submitted: auto-generated"], [], ["X-Auto-Response-Suppress: OOF, AutoReply"]]):
        body = ("Thanks, Bob!\n\n---------- Forwarded message ---------\nFrom: Jane Doe <jane.doe@northwind.example>\n"
                "Date: Tue, Nov 17, 2026 at 10:15 AM\nSubject: Hi\nTo: <bob@partner.example>\n\nHello\n")
        raw = message(("vouch", INBOX), "Fwd: Your introduction", f"vouch.outbox.{40 + i}.abcd{i}efg@acme.example",
                      part(body, "plain", "utf-8", "quoted-printable"), extra=extra)
        negative(dirname, f"neg-loop-{i}", "vouch", "en", "bounce" if extra else "ignored", raw)


def cc_intros(rng, dirname):
    words = {"en": "Meet {n}, our new partner lead.", "de": "Darf ich vorstellen: {n}.", "fr": "Je vous présente {n}.",
             "es": "Te presento a {n}.", "ru": "Познакомьтесь: {n}.", "ro": "Vă prezint pe {n}.",
             "ar": "أقدم لك {n}.", "it": "Ti presento {n}.", "pt": "Apresento-te {n}.", "nl": "Maak kennis met {n}.",
             "pl": "Przedstawiam {n}.", "sv": "Jag vill presentera {n}.", "ja": "{n}さんをご紹介します。",
             "tr": "Sizi {n} ile tanıştırmak istiyorum.", "cs": "Rád bych vám představil {n}."}
    for code, text in words.items():
        w = L[code]
        p = w["people"][0]
        raw = message(BOB, w["subj"], f"cc-{code}@partner.example",
                      part(text.format(n=p[0]) + "\n\nBob\n", "plain", "utf-8", "quoted-printable"),
                      to=f"{enc_word(p[0])} <{p[1]}>", cc=INBOX)
        write(dirname, f"cc-intro-{code}", raw, {"client": "cc-intro", "language": code, "layout": "cc",
                                                 "kind": "introduction", "prospects": [{"name": p[0], "email": p[1]}]})


def main():
    rng = random.Random(17)
    dirname = "forwards"
    shutil.rmtree(os.path.join(ROOT, "tests/fixtures/email", dirname), ignore_errors=True)
    for client, (layout, langs, count) in CLIENTS.items():
        pool = []
        for n in range(count):
            if not pool:
                pool = list(langs)
                rng.shuffle(pool)
            code = pool.pop()
            lay = layout
            if client == "yandex":
                lay = lay_yandex if n % 3 else lay_yandex_new
                if code != "ru" and lay is lay_yandex_new:
                    lay = lay_yandex
            if client == "ibm-notes":
                lay = lay_notes8 if code == "en" and n % 2 else lay_notes
            forward(rng, client, code, n, lay, dirname)
    # Attached messages (Forward as attachment) from several clients.
    for n, code in enumerate(["en", "de", "fr", "es", "ru", "ja", "zh-CN", "pl", "tr", "ar", "it", "nl", "cs", "uk",
                              "ko", "pt-BR", "sv", "hu", "el", "he"]):
        forward(rng, "attached", code, n, lay_outlook_desktop, dirname, attach=True)
    # A forward of a forward: the prospect is the outermost forwarded sender.
    for n, code in enumerate(["en", "de", "fr", "es", "ru", "it", "pl", "ja", "nl", "pt"]):
        w = L[code]
        other = w["people"][1]
        inner = ["", "---------- Forwarded message ---------", f"{GMAIL_FROM[code]}: {other[0]} <{other[1]}>",
                 "Date: Mon, Nov 16, 2026 at 9:00 AM", f"Subject: {w['subj']}", f"To: <{w['people'][0][1]}>", "",
                 w["body"]]
        forward(rng, "fwd-of-fwd", code, n, lambda x: lay_gmail(x, "web"), dirname, person=w["people"][0],
                inner_extra=inner)
    cc_intros(rng, dirname)
    negatives(rng, dirname)
    extras(rng, dirname)


def extras(rng, dirname):
    """Address forms, line ends, charsets and indentation beyond the random draws above."""
    n = 100
    for client, layout in [("outlook-desktop", lay_outlook_desktop), ("outlook-web", lay_outlook_web),
                           ("gmail-web", lambda x: lay_gmail(x, "web")), ("apple-mail", lay_apple)]:
        for form in ["comma", "company", "outlook-mailto"]:
            for code in ["en", "de", "fr", "ru", "ja", "tr"][n % 3::2]:
                forward(rng, client, code, n, layout, dirname, form=form)
                n += 1
    for code in ["en", "de", "fr", "es", "it", "nl"]:
        forward(rng, "outlook-desktop", code, n, lay_outlook_desktop, dirname, charset="windows-1252")
        n += 1
        forward(rng, "thunderbird", code, n, lay_thunderbird, dirname, lf=True)
        n += 1
    for code in ["en", "de", "es", "pl", "ru", "sv"]:
        forward(rng, "outlook-2019", code, n, lay_outlook_2019, dirname, indent=True)
        n += 1
    # Legacy charsets the random draws rarely reach.
    for client, layout in [("outlook-desktop", lay_outlook_desktop), ("thunderbird", lay_thunderbird),
                           ("gmail-web", lambda x: lay_gmail(x, "web"))]:
        for code, charset in [("ja", "shift_jis"), ("ja", "euc-jp"), ("ru", "koi8-r"), ("zh-CN", "gbk"),
                              ("zh-CN", "gb18030"), ("zh-TW", "big5"), ("ko", "euc-kr"), ("el", "iso-8859-7")]:
            forward(rng, client, code, n, layout, dirname, charset=charset)
            n += 1


if __name__ == "__main__":
    main()
