"""E-mail addresses typed in a chat: extraction, validation, normalisation, typo hints, masking.

Syntax is checked by ``email-validator`` without any DNS lookup (``check_deliverability=False``)
so the assistant answers instantly and offline; whether the mailbox exists is proven later by
the invitation e-mail itself.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from bot.checks.fields import fold

__all__ = [
    "COMMON_MAILBOX_DOMAINS",
    "COMMON_TLDS",
    "PLATFORM_DOMAINS",
    "EmailCheck",
    "EmailError",
    "check_email",
    "check_supplier_email",
    "lookalike_of",
    "mask_email",
    "suggest_domain",
]


class EmailError(str, Enum):
    """Why no address could be taken from the user's message."""

    EMPTY = "empty"  # nothing but whitespace
    NOT_FOUND = "not_found"  # no address-looking token (no "@" anywhere)
    INVALID = "invalid"  # an "@" token, but not a valid address
    AMBIGUOUS = "ambiguous"  # two or more different valid addresses
    PLATFORM = "platform"  # only the platform's own addresses (a pasted invitation email's sender)


@dataclass(frozen=True)
class EmailCheck:
    """Outcome of ``check_email``.

    ``ok`` only means "syntactically valid"; when ``suggestion`` is set the assistant should
    still ask "Vouliez-vous dire ... ?" before using ``address``.
    """

    address: str | None  # normalised address when syntactically valid
    error: EmailError | None
    suggestion: str | None = None  # corrected full address when the domain looks like a typo
    # The accents typed before the "@" were left out ("élodie.brûlé@..." -> "elodie.brule@..."):
    # an address cannot carry them there (see _normalise), and the supplier is told so.
    accents_removed: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.address is not None


# The platform's own mail domain, which the help article names (its emails come from
# noreply@sis-id.com): no supplier's address is there.
PLATFORM_DOMAINS = frozenset({"sis-id.com"})

# Mailbox providers our suppliers (France, UK, Belgium) use most, most common first: the order
# breaks ties between equally close candidates.
COMMON_MAILBOX_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "hotmail.fr",
    "hotmail.com",
    "outlook.fr",
    "outlook.com",
    "yahoo.fr",
    "yahoo.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "laposte.net",
    "icloud.com",
    "live.fr",
    "live.com",
    "msn.com",
    "hotmail.co.uk",
    "yahoo.co.uk",
    "btinternet.com",
    "sky.com",
    "virginmedia.com",
    "googlemail.com",
    "me.com",
    "bbox.fr",
    "numericable.fr",
    "neuf.fr",
    "aol.com",
    "gmx.fr",
    "gmx.de",
    "skynet.be",
    "telenet.be",
    "proton.me",
    "protonmail.com",
)

# Real mailbox domains that are one or two edits away from a common one and must therefore never
# be "corrected" (ymail.com is Yahoo's, mail.com and email.com belong to mail.com, ...).
_OTHER_REAL_MAILBOX_DOMAINS: frozenset[str] = frozenset(
    {
        "ymail.com",
        "rocketmail.com",
        "mail.com",
        "email.com",
        "mac.com",
        "hotmail.fi",
        "gmx.net",
        "gmx.com",
        "web.de",
        "t-online.de",
        "voo.be",
        "proximus.be",
        "scarlet.be",
        "bluewin.ch",
        "ntlworld.com",
        "talktalk.net",
        "orange.com",
        "laposte.fr",
        "protonmail.ch",
        "pm.me",
    }
)

# TLDs a mistyped TLD is corrected to, most likely first (ties: ".fe" is one edit from "fr",
# "be" and "de"; our users are mostly French so "fr" wins).
COMMON_TLDS: tuple[str, ...] = ("com", "fr", "net", "org", "co.uk", "be", "de", "ch", "eu", "io")

# Existing TLDs, which are never "corrected" for an arbitrary domain: acme.co (Colombia) or
# acme.cm (Cameroon, francophone) may be a supplier's real domain. All two-letter country codes
# in use, plus generic TLDs that are likely in business addresses or one edit from a common TLD
# (.bet, .cam, .new). A made-up TLD (.con, .cmo, .fe, .ff, .nte) is what gets corrected.
_COUNTRY_CODE_TLDS = (
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo bq "
    "br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do "
    "dz ec ee eg er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu "
    "gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr "
    "kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt "
    "mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps "
    "pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz "
    "tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf "
    "ws ye yt za zm zw"
)
_GENERIC_TLDS = (
    "com net org info biz edu gov int mil aero asia cat coop jobs mobi museum name post pro tel "
    "travel app dev tech online site store shop cloud digital agency email group paris bzh "
    "alsace corsica eus brussels vlaanderen london wales scot cymru swiss quebec berlin bayern "
    "art blog design media news consulting solutions services company studio global world live "
    "life fun space website page ltd sarl bio eco green energy immo bet cam car cab mom new nec"
)
_REAL_TLDS: frozenset[str] = frozenset((_COUNTRY_CODE_TLDS + " " + _GENERIC_TLDS).split())

# Registrable second-level suffixes, so that "yahoo.co.uk" is split as "yahoo" + "co.uk".
_TWO_LEVEL_SUFFIXES: frozenset[str] = frozenset(
    "co.uk org.uk me.uk ltd.uk plc.uk ac.uk gov.uk com.fr asso.fr gouv.fr co.jp com.au co.nz "
    "co.za com.br".split()
)

# Provider names this short are one edit from real companies' domains (me.com/ge.com/ms.com,
# aol.com/aon.com, sky.com/skf.com), so for them only a mistyped TLD is corrected.
_MAX_SHORT_NAME = 3

# Characters that can never be part of an unquoted address (RFC 5322 "specials" other than
# "@" and ".", plus whitespace and French quotes), so splitting on them cannot cut an address.
_TOKEN_SEPARATORS = re.compile(r"[\s,;:<>()\[\]\"«»]+")
# Quotes and sentence punctuation stuck to the token ("'jean@acme.fr'", "jean@acme.fr."). Only
# quotes are stripped in front: a leading "." is the user's typo, not punctuation, and must be
# reported rather than silently dropped.
_LEADING_STRIP = "'’`"
_TRAILING_STRIP = ".!?'’`…"


def _osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: Levenshtein plus adjacent transpositions (cost 1).

    Hand-written because no maintained Python library does mailcheck-style domain hints (the JS
    "mailcheck" algorithm is the reference), and transpositions ("gmial", "oragne", "nte") are
    the most common typing slip, which plain Levenshtein would count as two edits.
    """
    prev_prev: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev_prev[j - 2] + 1)
        prev_prev, prev = prev, cur
    return prev[len(b)]


def _split_suffix(domain: str) -> tuple[str, str]:
    """Split ``domain`` into (name, public suffix): "mail.acme.co.uk" -> ("mail.acme", "co.uk")."""
    labels = domain.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_LEVEL_SUFFIXES:
        return ".".join(labels[:-2]), ".".join(labels[-2:])
    return ".".join(labels[:-1]), labels[-1]


def _is_real_tld(suffix: str) -> bool:
    last = suffix.rsplit(".", 1)[-1]
    return last in _REAL_TLDS or last.startswith("xn--")  # IDN TLDs exist and are not typos


def _suggest_mailbox_domain(domain: str) -> str | None:
    """Closest common mailbox domain within 1 edit (2 for domains of 8+ characters)."""
    max_distance = 2 if len(domain) >= 8 else 1
    name, suffix = _split_suffix(domain)
    best: str | None = None
    best_distance = max_distance + 1
    for known in COMMON_MAILBOX_DOMAINS:
        known_name, known_suffix = _split_suffix(known)
        if name == known_name:
            # Only the TLD differs. Providers run real variants (hotmail.be, yahoo.de, gmx.ch,
            # gmail.fr exists too), so a real TLD is only corrected when it is a one-key slip
            # away (gmail.co, icloud.co, gmail.cm -> .com).
            if _is_real_tld(suffix) and _osa_distance(suffix, known_suffix) > 1:
                continue
        elif len(known_name) <= _MAX_SHORT_NAME:
            continue
        distance = _osa_distance(domain, known)
        if distance < best_distance:  # strict: on ties the earlier (more common) domain wins
            best, best_distance = known, distance
    return best


def _suggest_tld(domain: str) -> str | None:
    """Fix a made-up TLD one edit from a common one: "acme.cmo" -> "acme.com"."""
    labels = domain.split(".")
    if len(labels) < 2 or _is_real_tld(labels[-1]) or len(labels[-1]) < 2:
        return None
    best: str | None = None
    best_distance = 2
    for tld in COMMON_TLDS:
        # Compare the last label alone ("couk" vs "co.uk") and, for two-label TLDs, the last two
        # labels ("co.uj" vs "co.uk"); a name must remain in front.
        for width in sorted({1, tld.count(".") + 1}):
            if len(labels) <= width:
                continue
            typed = ".".join(labels[-width:])
            distance = _osa_distance(typed, tld)
            if distance < best_distance:
                best, best_distance = ".".join(labels[:-width]) + "." + tld, distance
    return best


def suggest_domain(domain: str) -> str | None:
    """Return the domain the user probably meant, or ``None`` if ``domain`` looks intended.

    Only domains that are not themselves known get a suggestion: first the closest common
    mailbox domain ("gmial.com" -> "gmail.com"), else a corrected TLD ("acme.cmo" ->
    "acme.com"). Corporate domains far from every known one (acme-industries.fr) and domains
    with an existing TLD are left alone.
    """
    cleaned = domain.strip().lower().rstrip(".")
    if not cleaned or cleaned in COMMON_MAILBOX_DOMAINS or cleaned in _OTHER_REAL_MAILBOX_DOMAINS:
        return None
    return _suggest_mailbox_domain(cleaned) or _suggest_tld(cleaned)


def _candidate_tokens(text: str) -> list[str]:
    """The "@"-bearing tokens of ``text``, stripped of surrounding punctuation, in order."""
    tokens = []
    for raw in _TOKEN_SEPARATORS.split(text):
        token = raw.lstrip(_LEADING_STRIP).rstrip(_TRAILING_STRIP)
        if "@" in token:
            tokens.append(token)
    return tokens


def _normalise(token: str) -> str | None:
    """The normalised address for ``token``, or ``None`` when it is not a valid address."""
    try:
        # allow_smtputf8=False: a non-ASCII local part ("jérôme@") is almost always a mistyped
        # "jerome@" in France, and our mail relay cannot be assumed to support SMTPUTF8.
        # Internationalised domains stay accepted: they travel as ASCII (punycode).
        validated = validate_email(token, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    # The whole address is lower-cased, not only the domain: it is the account identifier, people
    # type it in varying case (auto-capitalised "Jean.Dupont@..."), and mailbox providers treat
    # local parts case-insensitively in practice, so two spellings must be one account.
    return validated.normalized.lower()


# An address written in words, as it is dictated or read out from a card ("jean point dupont
# arobase orange point fr", "john dot smith at acme dot co dot uk"): the words for "@", ".",
# "-" and "_". English "at" is a preposition too: it stands for "@" only before a spoken "dot".
_SPOKEN_AT = frozenset({"arobase", "arrobase", "arobas", "[at]", "at"})
_SPOKEN_SIGNS = {
    "point": ".",
    "dot": ".",
    "tiret": "-",
    "dash": "-",
    "hyphen": "-",
    "underscore": "_",
}
# "tiret bas", "tiret du bas", "tiret du 8": an underscore.
_UNDERSCORE_AFTER_TIRET = (("bas",), ("du", "bas"), ("du", "8"), ("du", "huit"))
_SPOKEN_PIECE = re.compile(r"[\w.+'-]+")


def _spoken_words(text: str) -> list[str]:
    """The message's words, lower-cased, the signs' words replaced by their sign."""
    words = [w.strip(',;:!?«»"()').rstrip(".").lower() or w for w in text.split()]
    words = [w for w in words if w]
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "tiret":
            for after in _UNDERSCORE_AFTER_TIRET:
                if tuple(words[i + 1 : i + 1 + len(after)]) == after:
                    out.append("_")
                    i += 1 + len(after)
                    break
            else:
                out.append("-")
                i += 1
            continue
        out.append(_SPOKEN_SIGNS.get(word, word))
        i += 1
    return out


def spoken_address(text: str) -> str | None:
    """The address a message spells out in words, when it holds no "@": "jean point dupont
    arobase orange point fr" -> "jean.dupont@orange.fr"; ``None`` when there is none."""
    words = _spoken_words(text)
    found = None
    for at, word in enumerate(words):
        if word not in _SPOKEN_AT:
            continue
        local = _joined(words[:at][::-1])
        domain = _joined(words[at + 1 :])
        if not local or not domain:
            continue
        local = local[::-1]
        spoken_dot = "." in words[at + 1 : at + 1 + len(domain)]
        if word == "at" and not spoken_dot:
            continue
        address = _normalise("".join(local) + "@" + "".join(domain))
        if address is not None and _is_real_tld(address.rpartition(".")[2]):
            # the last one: "contact me at john dot smith at gmail dot com" is not "me@john.smith"
            found = address
    return found


def _joined(words: list[str]) -> list[str]:
    """The longest run at the start of ``words`` of pieces joined by signs ("jean", ".",
    "dupont"): a piece, then a sign and a piece as long as they follow."""
    if not words or not _SPOKEN_PIECE.fullmatch(words[0]) or words[0] in ".-_":
        return []
    run = [words[0]]
    i = 1
    while (
        i + 1 < len(words) and words[i] in (".", "-", "_") and _SPOKEN_PIECE.fullmatch(words[i + 1])
    ):
        run += [words[i], words[i + 1]]
        i += 2
    return run


def check_email(text: str, *, excluded_domains: Collection[str] = ()) -> EmailCheck:
    """Find, validate and normalise the single e-mail address in a free-form message.

    "mon email est Jean.Dupont@ACME.fr", "jean.dupont@acme.fr." and "<jean@acme.fr>" all give
    "jean.dupont@acme.fr" / "jean@acme.fr". Tokens with an "@" that are not valid addresses are
    ignored when exactly one valid address is present (a stray "@jean"); two different valid
    addresses are AMBIGUOUS, the same one repeated is not. Note "jean dupont@acme.fr" yields
    "dupont@acme.fr": a space cannot be part of an address and the message may well be
    "<name> <address>"; the assistant reads the address back to the user anyway.

    Addresses at ``excluded_domains`` are not the one looked for: left out when another is
    there, else the error PLATFORM with the first of them as ``address``.
    """
    if not text or not text.strip():
        return EmailCheck(address=None, error=EmailError.EMPTY)
    tokens = _candidate_tokens(text)
    if not tokens:
        spoken = spoken_address(text)
        if spoken is None:
            return EmailCheck(address=None, error=EmailError.NOT_FOUND)
        tokens = [spoken]
    addresses: list[str] = []
    unaccented: set[str] = set()
    for token in tokens:
        address = _normalise(token)
        if address is None:
            address = _without_accents_before_the_at(token)
            if address is not None:
                unaccented.add(address)
        if address is not None and address not in addresses:
            addresses.append(address)
    if not addresses:
        return EmailCheck(address=None, error=EmailError.INVALID)
    kept = [a for a in addresses if a.rpartition("@")[2] not in excluded_domains]
    if not kept:
        return EmailCheck(address=addresses[0], error=EmailError.PLATFORM)
    addresses = kept
    if len(addresses) > 1:
        return EmailCheck(address=None, error=EmailError.AMBIGUOUS)
    address = addresses[0]
    local, _, domain = address.rpartition("@")
    better_domain = suggest_domain(domain)
    suggestion = f"{local}@{better_domain}" if better_domain else None
    return EmailCheck(
        address=address,
        error=None,
        suggestion=suggestion,
        accents_removed=address in unaccented,
    )


def _without_accents_before_the_at(token: str) -> str | None:
    """``token`` made valid by leaving out the accents of its local part, if that does it."""
    local, at, domain = token.rpartition("@")
    folded = fold(local)
    if not at or folded == local.lower() or not folded.isascii():
        return None
    return _normalise(folded + "@" + domain)


def check_supplier_email(text: str) -> EmailCheck:
    """``check_email`` for a supplier's own address: never one of the platform's. A pasted
    invitation email ends with "noreply@sis-id.com": the activation email must not go there."""
    return check_email(text, excluded_domains=PLATFORM_DOMAINS)


_DOMAIN_LIKE = re.compile(
    r"\w\.\w|\(at\)|\[at\]|\barobase\b|\bat\b.*(?:\.\w|\bdot\b|\bpoint\b)", re.IGNORECASE
)


def says_something_else(text: str) -> bool:
    """A sentence that holds no address at all, not a mistyped one: "j'ai déjà vérifié les
    spams", "I don't remember it" (no "@", no "acme.fr", no "jean at acme dot fr")."""
    words = re.findall(r"[^\W\d_]+", text)
    return len(words) >= 2 and "@" not in text and not _DOMAIN_LIKE.search(text)


def mask_email(address: str) -> str:
    """Mask the local part for logs and support summaries: "jean.dupont@acme.fr" -> "j***t@acme.fr".

    The number of stars is fixed so the mask does not reveal the local part's length. First and
    last characters are kept only from 3 characters on; a shorter local part is hidden whole,
    since keeping one character of "jd" would reveal half of it.
    """
    local, at, domain = address.rpartition("@")
    if not at:  # not an address: reveal nothing
        return "***"
    masked = f"{local[0]}***{local[-1]}" if len(local) >= 3 else "***"
    return f"{masked}@{domain}"


# An address or a domain name in a message ("noreply@sis-id.com-securite.ru",
# "mysisid-secure-login.com", "noreply@sis-іd.com" with a Cyrillic "і"): labels of letters of
# any script, digits and hyphens, a top-level label of letters.
_HOST = re.compile(
    r"(?<![\w.@-])(?:[\w.+-]{1,64}@)?((?:[\w-]{1,63}\.){1,10}[^\W\d_]{2,24})(?![\w-])"
)


# A link: a scheme and a host, up to the next space ("http://localhost:8500/?invitation=...").
_LINK = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)


def _latin_skeleton(host: str) -> str:
    """``host`` in lower-case ASCII letters and digits as it reads: accents dropped ("sís"),
    full-width forms folded, and each letter of another script that looks like a Latin one
    replaced by it (Unicode's confusables, from confusable-homoglyphs: "іd" with a Cyrillic
    "і" reads "id"). Loaded only for a host that is not plain ASCII (17 MB)."""
    folded = fold(host)
    if not folded.isascii():
        from confusable_homoglyphs import confusables

        found = confusables.is_confusable(folded, greedy=True, preferred_aliases=["latin"]) or []
        latin = {}
        for each in found:
            ascii_ = [h["c"] for h in each["homoglyphs"] if h["c"].isascii() and h["c"].isalnum()]
            if ascii_:
                latin[each["character"]] = ascii_[0].lower()
        folded = "".join(latin.get(char, char) for char in folded)
    return re.sub(r"[^a-z0-9]", "", folded)


def lookalike_of(text: str, ours: Collection[str]) -> str | None:
    """The first address or domain in ``text`` that reads "sis-id" (letters and digits only:
    "sis-id", "sisid", "mysisid", "sis-іd" with a Cyrillic "і") without being one of ``ours``
    or under one: the phishing a supplier asks about ("le mail venait de
    noreply@sis-id.com-securite.ru, c'est normal ?"). Ours are plain ASCII: a host that only
    looks like one of them is a look-alike."""
    ours = {domain.lower() for domain in ours if domain}

    def is_ours(host: str) -> bool:
        return host.isascii() and any(host == d or host.endswith("." + d) for d in ours)

    for match in _LINK.finditer(text or ""):
        # "https://my.sis-id.com@secure-iban.ru/login" opens secure-iban.ru: what comes before
        # the "@" is only shown (the user-info trick), and the host may be an IP address
        try:
            parts = urlsplit(match.group())
            host = (parts.hostname or "").lower()
        except ValueError:
            continue
        if host and not is_ours(host) and "sisid" in _latin_skeleton(parts.netloc):
            return parts.netloc.lower()
    for match in _HOST.finditer(text or ""):
        host = match.group(1).lower()
        if is_ours(host):
            continue
        # the host, or what is written before its "@" ("sis-id.support@gmail.com")
        if "sisid" in _latin_skeleton(match.group(0)):
            return match.group(0).lower()
    return None


def our_link(text: str, ours: Collection[str]) -> str | None:
    """The host of the link ``text`` holds when it is one of ``ours`` (exactly, read the way a
    browser reads it: "https://sis-id.com@evil.example/" leads to evil.example), and every link
    and address it names is ours; else None. Only a link: a sender's address can be forged, a
    link leads where it says."""
    ours = {domain.lower() for domain in ours if domain}
    hosts = []
    for match in _LINK.finditer(text or ""):
        try:
            host = urlsplit(match.group()).hostname
        except ValueError:
            return None
        if not host or not host.isascii() or host not in ours:
            return None
        hosts.append(host)
    if not hosts:
        return None
    linked = " ".join(_LINK.sub(" ", text).split())
    for match in _HOST.finditer(linked):
        if match.group(1).lower() not in ours:
            return None
    return hosts[0]
