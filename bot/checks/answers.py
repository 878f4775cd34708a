"""What a supplier's message says, whatever the question it was typed after.

People do not answer a form one question at a time: "Bonjour, France, siren 732 829 320,
code ACME-FR00-0000-0001, email jean@acme.fr" answers four questions at once; a SIREN comes
at the country question; "oups mauvais numéro de téléphone, c'est le 01 45 67 89 02" comes at
the job title question; "je ne sais pas" or "pourquoi ?" is no answer at all. This module reads
a message and tells the registration form what it holds:

- :func:`stance_of`: "I don't know", "I'd rather not", "why do you need this?" instead of an
  answer;
- :func:`correction_in`: a correction of an earlier answer, with the field it names and its
  new value when it gives one ("la fonction est fausse, c'est Gérant" -> job title, "Gérant");
- :func:`find_answers`: the answers that say what they are wherever they come (a country, a
  company identifier, an invitation code, an email address), found with the checks of
  identifiers.py, invitation_codes.py and email_addresses.py.

Pure functions of the text and of what the form knows: no NLU, no database. The phrases are a
closed list of French and English ways to say these few things, written by hand (as
fields.py): no library reads "je préfère ne pas" or "c'est X, pas Y".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from bot.checks.bank_details import bank_details_span
from bot.checks.contacts import (
    NAME_LEAD_INS,
    NAME_PARTICLES,
    check_name,
    check_phone,
    phone_numbers,
)
from bot.checks.email_addresses import check_supplier_email
from bot.checks.fields import FIELD_WORDS, field_chosen, field_mentioned, fields_mentioned, fold
from bot.checks.identifiers import (
    CompanyId,
    CompanyIdCheck,
    check_company_id,
    country_adjective_alone,
    country_of_identifier_named,
    parse_country,
    recognise_company_id,
    scheme_for,
)
from bot.checks.invitation_codes import code_alone, code_span, extract_code, shaped_codes
from bot.checks.language import requested_language
from bot.checks.sentences import points_to_another_message, reads_as_a_question

__all__ = [
    "COMPANY_STEP",
    "CONFIDENT",
    "CONTACT_FIELDS",
    "FOR_THE_RULES",
    "FREE_TEXT",
    "MAX_READ_LENGTH",
    "MENU",
    "NOT_AN_ANSWER",
    "OPTIONAL",
    "PREVIOUS_CONTACT",
    "QUESTION_INTENTS",
    "QUESTION_WORDS",
    "SKIPPED",
    "TEXT_FIELDS",
    "YES_NO_SLOTS",
    "YES_OR_NO",
    "Correction",
    "Found",
    "Reading",
    "Stance",
    "asks_about_special_characters",
    "asks_something",
    "begins_with_yes",
    "correction_in",
    "disagrees",
    "find_answers",
    "for_the_rules",
    "has_correction_words",
    "holds_a_number",
    "read_message",
    "read_turn",
    "same_contact_as_before",
    "says_already_registered",
    "says_coming_back",
    "signature",
    "stance_of",
]

# The registration's answers typed as text, in the order they are asked.
TEXT_FIELDS = (
    "country",
    "company_id",
    "invitation_code",
    "email",
    "password",
    "first_name",
    "last_name",
    "phone",
    "job_title",
)
OPTIONAL = frozenset({"job_title"})
# The contact details, which an accountant's next company may take from the previous one.
CONTACT_FIELDS = ("first_name", "last_name", "phone", "job_title")
# The slot that keeps them once an account is created in the conversation.
PREVIOUS_CONTACT = "previous_contact"
# A job title skipped ("passer", "je ne sais pas"): a slot value, not a title.
SKIPPED = "-"
# Answers that are any text (no check recognises them): a name, a job title.
FREE_TEXT = frozenset({"first_name", "last_name", "job_title"})
# Answers are short: a longer message (a pasted document) is not searched for answers.
MAX_READ_LENGTH = 1000
# Identify the company: there a country or an identifier typed out of turn is taken.
COMPANY_STEP = frozenset({"country", "company_id", "invitation_code"})
# The question "which answer do you want to correct?".
MENU = "field_to_correct"
# The intents of the questions the rules answer (the FAQ and small talk).
QUESTION_INTENTS = frozenset({"faq", "chitchat"})
# Answers that say what they are, wherever they come.
_EVIDENT = ("country", "company_id", "invitation_code", "email")


class Stance(str, Enum):
    """What a message says instead of answering the question."""

    RATHER_NOT = "rather_not"  # "je préfère ne pas le donner", "I'd rather not"
    WHY = "why"  # "pourquoi ?", "why do you need my phone number?", "c'est obligatoire ?"
    DONT_KNOW = "dont_know"  # "je ne sais pas", "where do I find it?", "I don't have it"
    WAIT = "wait"  # "un instant, je cherche", "hold on", "let me check"
    GO_ON = "go_on"  # "non en fait je continue", "I'll carry on": the question again


def _patterns(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


# On folded text (lower case, no accents, ' for every apostrophe): fold() in fields.py.
_STANCES: tuple[tuple[Stance, re.Pattern[str]], ...] = (
    (
        Stance.GO_ON,
        # The whole message: "non en fait je continue" after "Prenez votre temps" was a refusal
        # to give the address (its "non"); "je continue plus tard" is waiting (below).
        _patterns(
            r"^(?:(?:non|no|nope|nan|ah|oh)\b ?)*(?:(?:en fait|finalement|actually|in fact|bon|ok|"
            r"okay|alors|allez|c'est bon|its fine|it's fine)\b ?)*"
            r"(?:je continue|on continue|je poursuis|on poursuit|continuons|poursuivons|"
            r"je reprends|on reprend|i'?ll (?:carry on|continue|go on|keep going)|"
            r"i will (?:carry on|continue|go on)|let'?s (?:continue|carry on|go on|keep going)|"
            r"carry on|go on|keep going)"
            r"(?: (?:finalement|alors|actually|then|after all|quand meme|anyway))?$",
        ),
    ),
    (
        Stance.RATHER_NOT,
        _patterns(
            r"\bje (?:ne )?(?:le |la |les |l')?(?:prefere|preferes|prefererais|souhaite|"
            r"souhaiterais|veux|voudrais|tiens) (?:pas|plutot pas|ne pas)\b",
            r"\bje prefere (?:ne pas|pas|eviter)\b",
            r"\bpas envie\b",
            r"\b(?:ca|cela) ne vous regarde pas\b",
            r"\bhors de question\b",
            r"\bi'?d rather not\b",
            r"\bi would rather not\b",
            r"\brather not\b",
            r"\bi (?:would )?prefer (?:not|to not)\b",
            r"\bi (?:do not|don'?t|won'?t|will not) (?:want to |wish to )?"
            r"(?:give|share|say|tell|answer|provide|disclose)\b",
            r"\bnone of your business\b",
            # "je n'ai pas de téléphone", "I don't have a phone": it got "not a valid number"
            r"\b(?:je n'ai|j'ai|on n'a|on a|nous n'avons) (?:pas|plus|aucun|aucune) (?:de |d')?"
            r"(?:telephone|portable|mobile|numero|fonction|poste|titre)\b",
            r"^(?:pas|aucun) (?:de |d')?(?:telephone|portable|mobile|numero)\b",
            r"\b(?:i|we) (?:do not|don'?t|no longer) have (?:a |any )?"
            r"(?:phone|mobile|cell|number|job title)\b",
            r"\b(?:i|we) have no (?:phone|mobile|cell|number|job title)\b",
            r"^no (?:phone|mobile|cell|number)\b",
        ),
    ),
    (
        Stance.WHY,
        _patterns(
            r"^(?:mais |et )?pourquoi(?: donc| faire| ca| cela| cette question| ce champ)?$",
            r"\bpourquoi (?:est-ce que )?(?:vous avez|avez-vous|vous faut-il|faut-il|il faut|"
            r"tu as|as-tu|vous en avez|en avez-vous)\b",
            r"\bpourquoi (?:me |nous )?(?:demandez|demander|demande|demandes)\b",
            # "pourquoi mon téléphone ?", not "pourquoi mon code ne marche pas ?" (a question)
            r"^pourquoi (?:mon|ma|mes|le|la|les|ce|cette|votre|vos) (?!.*\b(?:pas|ne|n'|plus)\b)"
            r"[a-z'-]+(?: [a-z'-]+){0,2}$",
            r"\ba quoi (?:ca|cela|ce \w+|cette \w+|il|elle) (?:sert|servir|va servir|servira)\b",
            r"\b(?:ca|cela) sert a quoi\b",
            r"\bpour quoi faire\b",
            r"\b(?:est-ce|c'est|est-il|est-elle|c est) (?:vraiment )?(?:obligatoire|necessaire|"
            r"indispensable|facultati(?:f|ve)|requis)\b",
            r"^(?:obligatoire|necessaire|facultatif)$",
            r"^why(?: so| is that| do you ask| this)?$",
            r"\bwhy (?:do|would|does|did) (?:you|it|they|one) (?:need|want|ask)\b",
            r"\bwhy (?:is|are) (?:this|it|that|these|my \w+) (?:needed|necessary|required|"
            r"mandatory)\b",
            r"\bwhat (?:is|'s|s) (?:it|this|that) for\b",
            r"^what for$",
            r"\bwhat do you need (?:it|this|that|my [a-z ]+) for\b",
            r"\b(?:is|it'?s) (?:it |this |that )?(?:really )?(?:mandatory|compulsory|required|"
            r"necessary|optional)\b",
            # "do I have to?", "do I need to give it?", not "do I need to register if ...?"
            r"\bdo i (?:have|need) to(?: (?:give|provide|answer|fill in|fill|enter|tell you|"
            r"share)(?: (?:it|this|that|one|them|my \w+))?)?$",
            # which address: "je dois mettre mon email à moi ou celui du client ?", "which email
            # should I use?" (at another question than the address's, it names another field)
            r"\b(?:quel|quelle|laquelle|lequel) (?:adresse|e-?mail|mail)(?: (?:mail|e-?mail|"
            r"electronique))? (?:dois-je|je dois|faut-il|il faut|mettre|utiliser|donner|"
            r"indiquer|saisir)\b",
            r"\b(?:mon|ma) (?:e-?mail|mail|adresse)(?: a moi)? ou (?:celui|celle) (?:du|de mon|"
            r"de notre) client\b",
            r"\bwhich (?:e-?mail|address|mailbox)(?: address)? (?:should|do|must|shall|to|"
            r"would|can)\b",
            r"\b(?:my|our) (?:own )?(?:e-?mail|address)(?: address)? or (?:my|our|the) "
            r"(?:client|customer)\b",
            # "qu'est-ce qui se passe si je n'accepte pas ?", "what if I don't give it?": why it
            # is needed (it got "not sure"); not "que se passe-t-il si je me trompe ?" (an FAQ)
            r"\b(?:se passe(?:-t-il| t il)?|ca fait quoi|il arrive quoi)(?: quoi)? si "
            r"(?:je|on|nous) (?:refuse|n'accepte pas|ne (?:l'|le |la |les )?(?:accepte|donne|"
            r"indique|mets|remplis) pas)\b",
            r"^(?:et |mais )?si (?:je|on|nous) (?:refuse|n'accepte pas|ne (?:l'|le |la |les )?"
            r"(?:accepte|donne) pas)\b",
            r"\bwhat (?:happens |will happen |would happen )?if (?:i|we) (?:(?:don'?t|do not|"
            r"won'?t|will not|can'?t|cannot) (?:accept|agree|give|provide|answer|sign)|refuse|"
            r"decline|say no)\b",
        ),
    ),
    (
        Stance.DONT_KNOW,
        _patterns(
            r"\bje (?:ne )?(?:le |la |les |l')?sais (?:pas|plus)\b",
            r"\b(?:j'?sais|chais|sais) pas\b",
            r"\b(?:aucune|pas d'|pas la moindre) idee\b",
            r"\bje (?:ne )?(?:le |la |les |l')?(?:trouve|retrouve|connais|vois) (?:pas|plus)\b",
            r"\bje (?:ne )?(?:m'en )?(?:souviens|rappelle) (?:pas|plus)\b",
            r"\bje (?:n'|ne )?(?:l'|les )?ai (?:pas|plus)(?: ca| cela| ce \w+| cette \w+)?$",
            r"\bou (?:est-ce que )?(?:je |on )?(?:peux |peut |dois )?(?:le |la |les |l')?"
            r"(?:trouve|trouver)\b",
            r"\bou (?:se trouve|trouver|est)-(?:t-)?(?:il|elle)\b",
            r"\bi (?:do not|don'?t|dont) know\b",
            r"\b(?:dunno|no idea|no clue|not sure)\b",
            # SMS style, said alone: "jsp" was kept as a job title
            r"^(?:jsp|jsais pas|j'sais pas|chepa|chepas|sais pas|idk)$",
            r"\bi (?:can'?t|cannot|can not|couldn'?t) (?:find|remember|see)\b",
            r"\bi (?:do not|don'?t|dont) (?:have|remember)(?: it| that| this| one)?$",
            r"\bwhere (?:do|can|could|would|should) i (?:find|get|look)\b",
            r"\bwhere is it\b",
            # "je suis perdu", "I'm lost": said alone ("I'm lost" became the name "I'm Lost")
            r"^(?:je suis (?:un peu |completement |totalement )?perdue?|je (?:ne )?comprends "
            r"(?:pas|rien)|j'?y comprends rien|i'?m (?:a bit |completely |totally )?(?:lost|"
            r"confused)|i am (?:a bit |completely |totally )?(?:lost|confused)|i (?:do not|don'?t|"
            r"dont) (?:understand|get it))$",
        ),
    ),
    (
        Stance.WAIT,
        _patterns(
            # "attendez", "attendez svp"; not "attendez, ce n'est pas mon client"
            r"^(?:attendez|attends|patientez|patience)(?: (?:svp|s'il vous plait|un (?:instant|"
            r"moment|peu)|une (?:seconde|minute)))?$",
            r"^(?:un (?:instant|moment|petit instant)|une (?:seconde|minute|petite minute)|"
            r"(?:deux|2) (?:secondes|minutes))\b",
            r"\b(?:un (?:petit )?(?:instant|moment)|une (?:petite )?(?:seconde|minute))"
            r"(?: (?:svp|s'il vous plait|je vous prie))?$",
            r"^(?:\d{1,2}|deux|cinq|dix|quelques) ?(?:s|sec|secondes?|mn|min|minutes?)\b",
            r"\bje (?:le |la |les |l')?(?:cherche|regarde|verifie|recupere)"
            r"(?: (?:dans|sur|avec) .*)?$",
            # "je vais chercher", "je vais voir avec ma compta", "je vais le demander"
            r"^je vais (?:le |la |les |l')?(?:chercher|regarder|voir|verifier|demander|"
            r"recuperer|retrouver)\b",
            r"^je (?:le |la |l')?demande a\b",
            # not "je reviens pour finir mon inscription" (back to finish it)
            r"\bje reviens\b(?! sur| pour (?:finir|terminer|continuer|completer|finaliser|"
            r"reprendre|poursuivre)\b)",
            r"^(?:ne )?(?:bougez|quittez) pas\b",
            r"^(?:plus tard|(?:je le ferai|je continue|on continue|je reviendrai) plus tard)\b",
            # "je préfère le taper plus tard", "je veux vérifier avec mon chef avant"
            r"\bplus tard$",
            r"\bje (?:dois|veux|vais|voudrais|prefere|prefererais) (?:d'abord |dabord )?"
            r"(?:(?:le |la |l')?(?:verifier|voir|confirmer|en parler|valider) avec|"
            r"(?:le |la |l'|lui )?demander a) (?:mon|ma|mes|notre|nos|le|la|l')",
            # "wait", "wait a sec"; not "wait, Northwind is not my customer"
            r"^wait(?: (?:a (?:sec|second|moment|minute|bit)|please|pls))?$",
            r"^(?:hold on|hang on|one (?:moment|sec|second|minute)|just a (?:sec|second|"
            r"moment|minute)|give me a (?:sec|second|moment|minute))\b",
            r"\bgive me (?:a|one|two|2|a few) (?:sec|secs|second|seconds|moment|moments|min|"
            r"minute|minutes)\b",
            r"\b(?:brb|be right back|i'?ll be (?:right )?back)\b",
            r"\b(?:i'?m|i am) (?:looking|checking|searching)\b",
            r"\blet me (?:check|look|find|ask|see)\b",
            r"^i'?ll (?:check|look|ask|find)\b",
            r"^(?:maybe |perhaps )?later\b",
            # "I'll type it later", "I need to check with my boss first"
            r"\blater$",
            r"\bi (?:need to|have to|must|want to|would like to|'d like to|d like to) (?:first )?"
            r"(?:(?:check|confirm|verify|talk) (?:it |this |that )?with|ask) "
            r"(?:my|our|the|a|someone)\b",
        ),
    ),
)


def _folded(text: str) -> str:
    """Folded, with punctuation as spaces (but apostrophes and hyphens kept) and single spaces."""
    return " ".join(re.sub(r"[^\w'\- ]+", " ", fold(text or "")).split())


# "Peut-être", "je crois", "I think so": neither a yes nor a no, whatever the NLU read. At a
# yes/no question (the terms, the summary that creates the account) only a real yes is a yes.
_HEDGE = re.compile(
    r"^(?:(?:euh+|heu+|hm+|bah|ben|bof|um+|uh+|well|oh|alors) )*"
    r"(?:peut-etre|peut etre|probablement|sans doute|possible|c'est possible|il me semble|"
    r"normalement|en principe|je (?:crois|pense|suppose|dirais)(?: que)?(?: oui| bien| ca)?|"
    r"maybe|perhaps|probably|possibly|i (?:think|guess|suppose|believe)(?: so| yes)?|"
    r"might be|could be|it might|i'?d say so)(?: (?:oui|yes|bien|pas|not))?$"
)


def hedges(text: str) -> bool:
    """Whether the whole message is a "maybe" rather than a yes or a no."""
    return bool(_HEDGE.match(_folded(text)))


def stance_of(text: str) -> Stance | None:
    """The stance the message takes instead of answering, or None for anything else.

    "Je préfère ne pas le donner, pourquoi ?" is a refusal: the answer to it gives the reason.
    """
    folded = _folded(text)
    if not folded or len(folded) > 160:  # a long message is an answer or a real question
        return None
    for stance, pattern in _STANCES:
        if pattern.search(folded):
            if stance is Stance.WAIT and _ABOUT_PAYING.search(folded) and asks_something(text):
                # "is it free or will they charge us for it later?": a question about the cost,
                # not a pause (it got "take your time")
                return None
            return stance
    return None


_ABOUT_PAYING = re.compile(
    r"\b(?:gratuit\w*|payant\w*|(?!pays\b)pa(?:y|i)\w*|factur\w*|cout\w*|frais|tarif\w*|prix"
    r"|free|charg\w*|pay\w*|cost\w*|fees?|price\w*|bill\w*)\b"
)


_ALREADY_REGISTERED = _patterns(
    r"\b(?:je me suis|on s'est|nous nous sommes|je m'etais|nous etions|je suis|on est|"
    r"nous sommes) (?:deja |bien )?(?:inscrite?s?|enregistree?s?)\b",
    r"\bj'ai (?:deja |bien )?(?:cree|ouvert|fait) (?:mon|un|notre|le) (?:compte|inscription)\b",
    r"\b(?:j'ai|nous avons|on a) deja (?:un|mon|notre) compte\b",
    r"\bdeja (?:inscrite?s?|un compte|enregistree?s?)\b",
    r"\bi (?:have |'ve |already |did )*(?:registered|signed up|created (?:an|my|the) account)\b",
    r"\bwe (?:have |'ve |already )*(?:registered|signed up)\b",
    r"\b(?:i|we) (?:already )?ha(?:ve|d) an account\b",
    r"\balready (?:registered|signed up|have an account)\b",
)


# "Passez-moi un conseiller, c'est urgent", "put me through to an agent please": a plain request
# for a person, whatever else the message says (a long urgent one read as out of scope).
_PERSON = (
    r"(?:un |une |le |la |an |a |the |some |a real |un vrai |une vraie |quelqu'un du )?"
    r"(?:conseill(?:er|ere)|humain|personne|agent|operat(?:eur|rice|or)|quelqu'un|support|"
    r"service client|human|person|advisor|adviser|someone|somebody|representative)\b"
)
_ASKS_FOR_A_PERSON = _patterns(
    r"\b(?:passez|passer|mettez|mettre)[- ]moi (?:en (?:relation|contact) avec )?" + _PERSON,
    r"\b(?:parler|discuter|echanger) (?:a|avec) " + _PERSON,
    r"\b(?:je veux|je voudrais|j'aimerais|je souhaite|je demande) " + _PERSON,
    r"\b(?:put|transfer|connect) me (?:through )?(?:to|with) " + _PERSON,
    r"\b(?:speak|talk|chat) (?:to|with) " + _PERSON,
    r"\b(?:i want|i need|i'd like|get me) " + _PERSON,
)
# "pouvez-vous m'appeler ?", "call me back": a person is asked for (who replies by email). The
# NLU took it for the phone number's question ("why do you need my phone?").
# A request ("pouvez-vous m'appeler ?", "please call me"), not a question about the phone's use
# ("vous allez m'appeler ?", "will you call me?": the sixth held-out set's, after measuring).
_ASKS_FOR_A_CALL = _patterns(
    r"\b(?:pouvez-vous|pourriez-vous|vous pouvez|vous pourriez|peut-on|pourrait-on|on peut"
    r"|quelqu'un peut|quelqu'un pourrait|merci de|j'aimerais|je voudrais|je veux|je souhaite)"
    r" (?:me |m')(?:appeler|rappeler|telephoner|contacter par telephone)\b",
    r"\b(?:appelez-moi|rappelez-moi|telephonez-moi)\b",
    r"\b(?:can|could) (?:you|someone|somebody|anyone|an advisor|an agent) (?:please )?"
    r"(?:call|phone|ring) me\b",
    r"^\W*(?:please )?(?:call|phone|ring) me(?: back)?(?: please)?\W*$",
    r"\b(?:etre rappelee?|etre appelee?|qu'on me rappelle|qu'on m'appelle|qu'on me telephone"
    r"|que vous me rappeliez|que vous m'appeliez|que quelqu'un me rappelle)\b",
    r"\b(?:please call me|give me a call|i'd like a call|i want a call|call me back)\b",
    r"\b(?:want|would like|'d like|need) (?:someone|somebody|you|an advisor|a person|an agent) "
    r"to (?:call|phone|ring) me\b",
)
_REFUSED = re.compile(r"\b(?:pas|plus|jamais|don'?t|do not|no need|never|not)\b")


def _asked_plainly(request: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` makes the request, without a negation just before it in the same
    clause ("je ne veux pas ..."): one elsewhere in the message says nothing about the request
    ("votre machin marche pas, passez moi quelqu'un" asks for a person)."""
    if request.search(_folded(text)) is None:
        return False  # (most messages: read once)
    for clause in re.split(r"[,;.!?\n]+", text or ""):
        folded = _folded(clause)
        match = request.search(folded)
        if match is not None and not _REFUSED.search(
            folded[max(0, match.start() - 20) : match.end()]
        ):
            return True
    return False


def asks_for_a_person(text: str) -> bool:
    """A plain request to talk to a person (not "je ne veux pas parler à un conseiller"), or to
    be called."""
    return _asked_plainly(_ASKS_FOR_A_PERSON, text) or asks_for_a_call(text)


# "non", "no", "nope", "nan" first, then more words ("no problem" is not a no).
_BEGINS_WITH_NO = re.compile(r"^\W*(?:non|no|nope|nan)\b(?!\W*(?:problem|probleme|souci))")


def begins_with_no(text: str) -> bool:
    """ "Non non je continue finalement", "no, not yet": the message begins by answering no.
    Never with a digit in it: a password holds one ("Non!2026abc")."""
    return not any(c.isdigit() for c in text) and bool(_BEGINS_WITH_NO.match(_folded(text)))


# "ah oui pardon on est a bruxelles": "oui" first, after at most an interjection, and nothing
# that takes it back or asks ("oui mais ...", "oui enfin non", "oui ?").
_BEGINS_WITH_YES = re.compile(
    r"^(?:(?:ah|oh|eh|euh|bah|ben|ha|ok|okay|ah bon) )?(?:oui|ouais|ouep|yes|yep|yeah|yup)\b"
)
_TAKES_IT_BACK = re.compile(
    r"\b(?:non|no|not|pas|ne|n'\w*|mais|but|enfin|sauf|except|hmm?|peut-etre|maybe|perhaps)\b"
)


def begins_with_yes(text: str) -> bool:
    """ "ah oui pardon on est a bruxelles", "yes sorry we're in Brussels": the message begins by
    answering yes and nothing in it takes the yes back or asks something. Read only at a
    confirmation that neither consents nor creates anything (the country, the address)."""
    folded = _folded(text)
    return (
        "?" not in text
        and "@" not in text  # "yes, it's jean@acme.fr": another address, read back first
        and not any(c.isdigit() for c in text)
        and bool(_BEGINS_WITH_YES.match(folded))
        and not _TAKES_IT_BACK.search(folded)
    )


# "Pouvez-vous me rappeler le mot de passe que je viens de choisir ?": to remind, not to call
# back (it opened a ticket). "rappeler" followed by what is to be remembered; not by a time
# ("rappeler le matin", "rappeler demain").
_REMIND = re.compile(
    r"\brappel(?:er|ez-moi) (?:(?:le|la|les|l'|mon|ma|mes|votre|vos|notre|nos|ce|cet|cette|ces) ?"
    r"(?!matin|soir|midi|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|plus tard|demain|"
    r"apres-midi|numero|au |a )\w|ce que|ce qu'|quel|quelle|quels|quelles|comment|a quoi|"
    r"pourquoi|combien|si )"
)


def asks_for_a_call(text: str) -> bool:
    """ "Pouvez-vous m'appeler ?", "can someone call me back?" (not "ne m'appelez pas", nor
    "pouvez-vous me rappeler le mot de passe ?")."""
    return _asked_plainly(_ASKS_FOR_A_CALL, text) and not _REMIND.search(_folded(text))


# "Finalement je veux continuer mon inscription", "actually, I'd like to continue my
# registration": going on with (or back to) the registration, read as "not sure" before.
_GOES_ON_REGISTERING = _patterns(
    # not "finir", "finaliser", "complete": the article's last step is "finaliser mon inscription"
    r"\b(?:continuer|reprendre|poursuivre|recommencer|refaire)\b"
    r"(?: (?!apres\b|avant\b)\S+){0,3} (?:l'|d')?"
    r"(?:inscription|enregistrement|creation (?:de|du) (?:mon |notre )?compte)\b",
    r"\b(?:continue|resume|restart|redo|carry on with|go on with|get on with)\b"
    r"(?: (?!after\b|before\b)\S+){0,3} (?:registration|sign-up|signup|sign up|registering)\b",
)


# "bjr jveux minscrire svp jsuis presse", "hi need to regstr our co": wanting to register,
# typed in haste (the NLU was not sure; SMS spellings, glued pronouns, missing letters).
_WANTS_TO_REGISTER = _patterns(
    r"(?:\b|j'?)(?:veux|veu|voulons|voudrais|voudrions|souhait\w*|aimer\w*|dois|devons|faut"
    r"|besoin de) ?(?:m'?|me |s'?|se |nous |vous |l'?|le |la )?(?:inscri\w*|enregistr\w*)",
    r"\b(?:want|wanna|need|would like|'d like|trying|like) (?:to )?"
    r"(?:register|regist\w*|regstr\w*|reg\b|sign ?up|signup|enrol\w*)",
)


def goes_on_registering(text: str) -> bool:
    """A request to go on with (or back to) the registration, not "je ne veux pas continuer";
    or to register, said in haste (not a question: "pourquoi dois-je m'inscrire ?")."""
    if _asked_plainly(_GOES_ON_REGISTERING, text):
        return True
    return _asked_plainly(_WANTS_TO_REGISTER, text) and not asks_something(text)


# "je n'ai pas reçu l'email d'activation", "I did not get the activation email": with an address
# in it ("je me suis inscrite avec claire.martin@... mais ...") the NLU was not sure any more.
_ACTIVATION_MAIL = (
    r"(?:l'|un |le )?(?:e-?mail|mail|courriel|lien|message) (?:(?:d'|de )?activation|pour activer)"
)
_ACTIVATION_MAIL_EN = r"activation (?:e-?mail|mail|link|message)"
_NOT_RECEIVED = _patterns(
    r"\b(?:pas|jamais|toujours pas|rien) (?:\S+ ){0,2}(?:recu|arrive|vu|eu)\b(?: \S+){0,4}?"
    r" " + _ACTIVATION_MAIL,
    _ACTIVATION_MAIL + r"(?: \S+){0,6}? (?:pas|jamais|toujours pas) (?:\S+ ){0,2}"
    r"(?:recu|arrive|parvenu)\b",
    # "toujours pas de mail pour activer", "toujours aucun email d'activation"
    r"\b(?:pas de |pas d'|aucun |jamais de |jamais d')(?:e-?mail|mail|courriel|lien|message) "
    r"(?:(?:d'|de )?activation|pour activer)",
    # "je recois pas votre mail d'activation", "je ne reçois toujours rien"
    r"\b(?:recois|recoit|recevons|recoivent|arrive|vois) (?:toujours |jamais )?(?:pas|rien|jamais)"
    r"\b(?: \S+){0,4}? " + _ACTIVATION_MAIL,
    r"\b(?:did not|didn't|didnt|never|haven't|have not|still haven't|not) (?:\S+ ){0,2}"
    r"(?:get|got|receive|received|gotten|seen|see)\b(?: \S+){0,4}? (?:the |my |an |any )?"
    + _ACTIVATION_MAIL_EN,
    _ACTIVATION_MAIL_EN + r"(?: \S+){0,6}? (?:never|not|hasn't|has not|didn't|did not) "
    r"(?:\S+ ){0,2}(?:arrived|come|came|arrive|received)\b",
)


def says_activation_email_missing(text: str) -> bool:
    """ "je me suis inscrite avec X mais je n'ai pas reçu l'email d'activation": the activation
    email has not arrived, plainly said, whatever else the message holds (an address)."""
    return bool(_NOT_RECEIVED.search(_folded(text)))


def says_already_registered(text: str) -> bool:
    """ "I registered last week with ...", "je me suis déjà inscrit": not a new registration."""
    return bool(_ALREADY_REGISTERED.search(_folded(text)))


# "je reviens pour finir mon inscription", "I'm back to finish my registration": a registration
# begun in an earlier conversation, whose answers are not kept (the session's hour).
_REGISTRATION = (
    r"(?:mon |ma |l'|notre |my |the |our )?(?:inscription|enregistrement|registration|sign ?up)\b"
)
_COMING_BACK = _patterns(
    r"\b(?:je reviens|je suis de retour|de retour|me revoila|je reprends|reprendre|finir|terminer|"
    r"continuer|completer|finaliser|poursuivre|achever)\b(?: \S+){0,4}? " + _REGISTRATION,
    r"\b(?:i'?m back|i am back|back to|came back|come back|coming back|resume|pick up|finish|"
    r"continue|complete|finali[sz]e)\b(?: \S+){0,4}? " + _REGISTRATION,
)


_HOW = re.compile(r"\b(?:comment|how)\b")
_DISAGREES = re.compile(
    r"\bpas (?:vraiment |tout a fait |trop |du tout )?d'accord\b"
    r"|\b(?:don'?t|do not|not) (?:really |quite )?agree\b|\bdisagree\b"
)


def disagrees(text: str) -> bool:
    """ "bof, pas vraiment d'accord avec tout ça", "I don't really agree": a no to a yes/no
    question, whatever the NLU leans to ("d'accord" pulls it towards a yes)."""
    return bool(_DISAGREES.search(_folded(text)))


# A question without its question mark: "c'est quoi le SIREN ... de mon client".
_QUESTION_START = re.compile(
    r"^(?:c'est quoi|qu'est-ce|quel|quelle|quels|quelles|comment|pourquoi|ou|est-ce|combien|"
    r"what|which|how|why|where|when|who|is|are|can|could|do|does|should)\b"
)


def asks_something(text: str) -> bool:
    """A question mark, or a message that starts as a question."""
    return "?" in (text or "") or bool(_QUESTION_START.match(_folded(text)))


def says_coming_back(text: str) -> bool:
    """ "je reviens pour finir mon inscription", "I want to resume my registration": back to a
    registration begun before; not "comment finir mon inscription ?" (how to)."""
    folded = _folded(text)
    return bool(_COMING_BACK.search(folded)) and not _HOW.search(folded)


_SPECIAL = re.compile(r"\bcaracteres? speciau?[xl]?\b|\bspecial char\w*|\bsymbol")
_QUESTION = re.compile(
    r"\?|\b(?:c'est quoi|quoi|quel|quelle|quels|quelles|lequel|lesquels|exemples?|comme|"
    r"what|which|example|such as|e g|like)\b"
)


def asks_about_special_characters(text: str) -> bool:
    """ "C'est quoi un caractère spécial ?", "which symbols count?"."""
    folded = fold(text or "")
    return bool(_SPECIAL.search(folded) and _QUESTION.search(folded))


# --- corrections -------------------------------------------------------------------------------

# Words that say an earlier answer was wrong. Not "correct(e)": "oui, l'adresse est correcte".
# "should be", "should just be", "devrait juste être": what announces a corrected value.
_SHOULD_BE = r"should (?:just |simply )?be|devrait (?:juste |simplement )?etre"
_CORRECTION_WORDS = _patterns(
    r"\b(?:oups|oops|pardon|desolee?|sorry|en fait|actually|attendez|attends|wait|erreur|"
    r"erronee?|faux|fausse|mauvaise?|wrong|incorrecte?|typo|faute|trompee?|corriger|corrigez|"
    r"corrige|correction|changer|changez|change|modifier|modifiez|modify|update|fix|rectifier|"
    r"misspel\w*|instead|plutot|remplacer|remplacez|replace)\b",
    r"\bpas (?:le |la )?bonn?e?\b",
    r"\b(?:not|isn'?t) (?:the )?right\b",
    r"\bmal (?:ecrite?|orthographiee?|tapee?|saisie?)\b",
    r"\bau lieu\b",
    rf"\b(?:must be|{_SHOULD_BE})\b",
)

# "I got something wrong" without saying what: the form asks which answer to correct.
_SOMETHING_WRONG = _patterns(
    r"\bje me suis trompee?\b",
    r"\bj'ai fait une (?:erreur|faute)\b",
    r"\b(?:il y a|j'ai fait) (?:une|des) erreurs?\b",
    r"\b(?:corriger|modifier|changer|revenir sur) (?:une|quelque|mes|une de mes)\b",
    r"\brevenir en arriere\b",
    r"\bi (?:made|have made) (?:a|an) (?:mistake|error|typo)\b",
    r"\b(?:fix|correct|change) (?:a|an|one|something|my answers?)\b",
    r"\bgo back\b",
    r"\bsomething(?:'s| is) wrong\b",
    # "retour", "revenir a la question d'avant svp" at the address question were checked as an
    # address (sixth outside tester); "go back please" opened the menu
    r"^\s*(?:retour|back)\W*(?:svp|stp|please)?\W*$",
    r"\b(?:revenir|retourner|retour) (?:a|a la|sur la) question (?:d'avant|precedente)\b",
    r"\b(?:question precedente|previous question)\b",
)

# After a field's name, what judges the old answer ("est fausse", "qui n'est pas bon") and what
# introduces the new one ("c'est", "should be", ":"): both are skipped to reach the value.
_JUDGEMENT = re.compile(
    r"^(?:qui |that |which )?(?:est |is |was |a |has |n'est |ne (?:va|marche) |isn'?t |"
    r"are )?(?:pas |not )?(?:(?:vraiment |completement |totally |all )?(?:faux|fausse|"
    r"erronee?|incorrecte?|mauvaise?|wrong|bonn?e?|right|correcte?|exacte?|juste|mal \w+|"
    r"misspel\w*|a typo|une erreur|une faute|va pas))\b"
)
# Said before the new value, in this order: interjections and judgements ("non", "en fait",
# "est fausse"), one word that introduces the value ("c'est", "should be", ":"), and an article
# before a number or an address ("c'est le 01 45 ..."): before a name it belongs to the name
# ("Le Pen").
_INTERJECTION = re.compile(
    r"^(?:non|no|nope|oui|yes|ah|oh|euh|bon|ok|okay|en fait|actually|plutot|rather|instead|"
    r"donc|so|alors|vraiment|really|bien|aussi|also|too)\b\s*"
)
_INTRODUCER = re.compile(
    r"^(?:is spelled|is spelt|is written|spelled|spelt|s'ecrit|s ecrit|s'orthographie|"
    rf"c'est|c est|ce sera|ce serait|ca sera|est|sera|serait|{_SHOULD_BE}|doit etre|"
    r"le bon c'est|la bonne c'est|le bon est|la bonne est|the right one is|the correct one is|"
    r"it'?s|it is|is|was|must be|will be|pour|par|en|to|with|into|=|:|->)"
    r"(?:\s+|$|(?<=[=:>])\s*)"
)
_ARTICLE_BEFORE_NUMBER = re.compile(
    r"^(?:le|la|les|l'|the|mon|ma|mes|my|un|une|a|au|du)\s*(?=[+\d]|\S+@)"
)
_NOT_THIS = re.compile(
    r"\s+(?:et |and |,\s*)?(?:pas|non|not|instead of|au lieu de|rather than|"
    r"plutot que)\s+.*$"
)
_NOT_THIS_BUT = re.compile(
    r"^(?:pas|not|non)\s+(?P<old>.+?)\s*(?:,\s*)?(?:mais|but)\s+(?P<new>.+)$"
)
_EDGES = " \t\n.,;:!?\"'«»“”()[]"
# What may stand around a field's name alone at the correction menu: "le téléphone", "mon email".
_BARE = re.compile(
    r"^(?:(?:le|la|les|l'|mon|ma|mes|my|the|votre|your|changer|change|corriger"
    r"|correct|modifier|fix)\s*)*$"
)


@dataclass(frozen=True)
class Correction:
    """An earlier answer the message corrects.

    ``field`` is None for "je me suis trompé" (which answer is not said: the form asks);
    ``value`` is the text of the new answer when the message gives it ("Gérant"), to be
    validated like an answer to that question; None when the question must be asked again.
    """

    field: str | None
    value: str | None = None
    # A second field corrected in the same message: "le prénom c'est Anne et le nom Girard".
    also: Correction | None = None


# What joins a second correction to the first: "... et le nom Girard", "..., and my last name".
_JOINED = re.compile(r"(?:\s*,)?\s+(?:et|and)\s+\S*\s*$|\s*[,;]\s*$")


def _second_correction(value: str, field: str) -> Correction:
    """The correction whose value names another field after it ("Anne et le nom Girard"):
    the first value cut before that field, and the other field's correction in ``also``."""
    # The first other field named ("plutôt mon portable 06 71 22 33 44 et fonction : gérante":
    # "portable" names the phone again; the job title was lost: sixth outside tester)
    mention = next((m for m in fields_mentioned(value) if m.field != field), None)
    if mention is None or mention.start == 0:
        return Correction(field, value)
    head = value[: mention.start]
    joined = _JOINED.search(head)
    if joined is None:
        return Correction(field, value)  # "Anne nom d'usage": part of the answer, left whole
    after = value[mention.end :]
    second = _value_from(after, fold(after))
    first = head[: joined.start()].strip(_EDGES) or None
    if not (first and second):
        return Correction(field, value)
    return Correction(field, first, also=Correction(mention.field, second))


# What "c'est ..." / "is ..." ends with in a question about a field, never its value (nor a
# name: "combien", "comment" could be read as one).
QUESTION_WORDS = frozenset({"quoi", "lequel", "laquelle", "what", "which"})


def _value_from(rest: str, folded_rest: str) -> str | None:
    """The new value in what follows a field's name: ", c'est le 01 45 67 89 02" -> "01 45..."."""
    position = _after_lead_ins(folded_rest)
    value = rest[position:].strip(_EDGES)
    folded_value = folded_rest[position:].strip(_EDGES)
    but = _NOT_THIS_BUT.match(folded_value)
    if but:  # "pas Bernard mais Sophie"
        value = value[but.start("new") :]
    else:  # "Sophie pas Bernard", "Sophie, not Bernard"
        cut = _NOT_THIS.search(folded_value)
        if cut:
            value = value[: cut.start()]
    value = value.strip(_EDGES)
    if fold(value) in QUESTION_WORDS:
        return None  # "et le code d'invitation c'est quoi": a question, not the code "quoi"
    return value or None


def _after_lead_ins(folded: str) -> int:
    """Where the value starts in ``folded``, once what introduces it is passed."""

    def skip(position: int, pattern: re.Pattern[str]) -> int | None:
        position += len(folded[position:]) - len(folded[position:].lstrip(_EDGES))
        match = pattern.match(folded[position:])
        return position + match.end() if match and match.group(0).strip() else None

    position = 0
    while True:  # interjections and judgements, as many as there are
        moved = skip(position, _INTERJECTION) or skip(position, _JUDGEMENT)
        if moved is None:
            break
        position = moved
    position = skip(position, _INTRODUCER) or position
    position = skip(position, _ARTICLE_BEFORE_NUMBER) or position
    return position + len(folded[position:]) - len(folded[position:].lstrip(_EDGES))


def _replaced_answer(text: str, folded: str, answers: Mapping[str, str]) -> Correction | None:
    """ "C'est Sophie, pas Bernard" with no field named: the field whose answer is Bernard.

    The old value may also be the domain of the address ("gmail.com, pas gmail.con"): the new
    value is then a domain, which the form puts in place of the old one.
    """
    but = _NOT_THIS_BUT.match(folded.strip(_EDGES))
    if but:  # "pas Bernard mais Sophie"
        offset = len(folded) - len(folded.lstrip(_EDGES))
        old = but.group("old")
        new = text[offset + but.start("new") :].strip(_EDGES)
    else:
        match = re.search(
            r"(?:^|\s|,)(?:pas|not|et non)\s+(?P<old>[^,!?]+?)\s*(?:[,!?]|\.?$)", folded
        )
        if not match:
            return None
        old = match.group("old")
        new = text[: match.start()].strip(_EDGES)
        new = new[len(new) - len(_strip_lead_ins(fold(new))) :].strip(_EDGES)
    old = re.sub(r"^(?:le |la |l'|the )", "", old.strip(_EDGES))
    for field, value in answers.items():
        known = fold(str(value or ""))
        if not known:
            continue
        domain = known.rpartition("@")[2] if field == "email" else None
        if old in (known, known.replace(" ", "")) or (domain and old == domain):
            return Correction(field, new or None)
    return None


def _strip_lead_ins(folded: str) -> str:
    return folded[_after_lead_ins(folded) :]


def has_correction_words(text: str) -> bool:
    """ "oups", "en fait", "wrong", "should be"...: the message corrects something."""
    return bool(_CORRECTION_WORDS.search(fold(text or "")))


def corrected_address(text: str) -> str | None:
    """The new address of a message that corrects one ("en fait mon email c'est X", "je me
    suis trompée d'adresse, c'est X", "oops, it should be X"), else None. Wherever it comes:
    during the registration the form reads it; after it, the account's address is corrected."""
    if "@" not in (text or "") or not has_correction_words(text):
        return None
    check = check_supplier_email(text)
    return check.address if check.ok else None


# "le SIREN est bon", "the code is right": the field named is not the wrong one.
_SAID_RIGHT = re.compile(
    r"^\s*(?:est |is |'s |was )?(?:bien |tout a fait |definitely |really )?"
    r"(?:bon|bonne|correct|correcte|exact|exacte|juste|right|ok|okay|valide?|fine)\b"
)


def field_said_right(text: str) -> str | None:
    """The field a message says is right ("I don't understand, the SIREN is right, it's on my
    Kbis"), if it says so of one."""
    mention = field_mentioned(text or "")
    if mention is None:
        return None
    folded = fold(text)
    if _SAID_RIGHT.match(folded[mention.end :]) and not re.search(
        r"\b(?:pas|not|n'est|isn'?t)\s*$", folded[: mention.start]
    ):
        return mention.field
    return None


def correction_in(
    text: str, asked: str | None, answers: Mapping[str, str] | None = None
) -> Correction | None:
    """The correction of an earlier answer that ``text`` makes, or None when it makes none.

    ``asked`` is the question pending (a form slot, or None), ``answers`` the answers known (to
    read "Sophie, pas Bernard" as the first name when Bernard is the first name). A message
    that names the pending question's field is that question's answer, not a correction; its
    value is still read after the name ("mon prénom c'est Sophie pas Bernard" -> "Sophie").
    A field named without correction words nor value ("responsable du service téléphone" as a
    job title) corrects nothing.
    """
    if not text or text.startswith("/"):
        return None
    folded = fold(text)
    marked = bool(_CORRECTION_WORDS.search(folded))
    mention = field_mentioned(text)
    if mention is None:
        if answers and (marked or re.search(r"\b(?:pas|not|non)\b", folded)):
            replaced = _replaced_answer(text, folded, answers)
            if replaced:
                return replaced
        if _SOMETHING_WRONG.search(folded):
            return Correction(None)
        return None
    field, start, end = mention
    before, after = folded[:start], folded[end:]
    if field_said_right(text) == field:
        return None  # "le SIREN est bon, c'est sur notre Kbis": not a correction of it
    bare = not after.strip(_EDGES) and bool(_BARE.match(before.strip(_EDGES + " ")))
    value = _value_from(text[end:], after)
    introduced = bool(
        re.match(
            rf"^\s*(?:[:=]|c'est\b|est\b|is\b|'s\b|(?:{_SHOULD_BE})\b|s'ecrit\b|spelled\b)",
            after,
        )
    )
    if field == asked:
        if value and (marked or introduced):
            return _second_correction(value, field)
        return Correction(field) if marked and not value else None
    if marked and not value and not bare and _a_question_without_mistake(folded):
        # "responsable des achats, mais en fait c'est mon collègue qui gère le compte, je mets
        # son nom ?": a question; the last name was forgotten and asked again
        return None
    if marked or bare or (value and introduced):
        return _second_correction(value, field) if value else Correction(field)
    return None


# Words that mark a correction only with others ("en fait, c'est ..."): in a question, alone,
# they mark none ("en fait c'est mon collègue qui va gérer le compte, je mets son nom ?").
_SOFT_CORRECTION_WORDS = re.compile(
    r"\b(?:en fait|actually|attendez|attends|wait|pardon|sorry|desolee?|plutot|instead)\b"
)


def _a_question_without_mistake(folded: str) -> bool:
    return folded.rstrip().endswith("?") and not _CORRECTION_WORDS.search(
        _SOFT_CORRECTION_WORDS.sub(" ", folded)
    )


# --- answers that say what they are ------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """The answers a message holds that can be recognised whatever the question.

    ``country`` is the country the message names. ``company_id`` is valid for the company's
    country (or, with none known or named, for the country the number names: a SIREN is
    French, its ``company_id.country`` says so), or a refusal when the message names the
    identifier ("siren 732 829 321") so that the supplier hears what is wrong with it.
    """

    country: str | None = None
    company_id: CompanyIdCheck | None = None
    invitation_code: str | None = None
    email: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(
            name
            for name in ("country", "company_id", "invitation_code", "email")
            if getattr(self, name) is not None
        )


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


_COMPANY_ID_WORDS = frozenset(fold(word) for word in FIELD_WORDS["company_id"])
_NUMBER = re.compile(r"\d(?:[\s.\-/]?\d){5,}")


# Words a sentence has and a company name, an identifier or a code has not.
_SENTENCE_WORDS = frozenset(
    "je j nous on il elle vous ce c n ne pas mon ma mes notre nos est sont suis sommes ai avons "
    "i we he she they you it my our not don t isn aren is are am was do does have has can "
    "already deja this that".split()
)


def _folded_words(text: str) -> list[str]:
    """The words of ``text``, folded (lower case, no accents), without digits."""
    return re.findall(r"[^\W\d_]+", fold(text))


def is_a_sentence(text: str) -> bool:
    """A sentence rather than an answer typed wrong: three words or more, no digit, and a
    pronoun, a verb or a negation ("wait, Northwind is not my customer", "j'ai déjà vérifié
    les spams"), which "ACME Industries SAS" has not."""
    words = _folded_words(text)
    return (
        len(words) >= 3
        and not any(c.isdigit() for c in text)
        and "@" not in text
        and bool(set(words) & _SENTENCE_WORDS)
    )


def holds_a_number(text: str) -> bool:
    """Six digits or more in a row (spaces and dots allowed): an identifier, a phone, a code."""
    return bool(_NUMBER.search(text or ""))


def _names_company_id(text: str) -> bool:
    mention = field_mentioned(text)
    return (
        mention is not None
        and mention.field == "company_id"
        and (fold(text[mention.start : mention.end]) in _COMPANY_ID_WORDS)
    )


# "c'est la maison mère qui est en Belgique, nous on est en France": of two countries, the one
# said of "us" is the company's; the group's, the parent company's are not.
_CLAUSES = re.compile(r"[,;.!?\n]+|\s(?:mais|but|et|and|alors que|whereas|while)\s", re.IGNORECASE)
_US = re.compile(r"\b(?:nous|on est|on a|notre societe|notre entreprise|we|we're|our company)\b")
_OTHER_ENTITY = re.compile(
    r"\b(?:maison mere|groupe|holding|societe mere|siege du groupe|parent|group|head ?office|"
    r"headquarters|mother company)\b"
)


def _our_country(text: str) -> str | None:
    """The one country named in the clauses that speak of "us" and of no other entity, when
    the whole text names several (parse_country then reads none)."""
    if not _US.search(_folded(text)):
        return None  # most messages: nothing said of "us"
    ours = {
        found
        for clause in _CLAUSES.split(text)
        if _US.search(folded := _folded(clause)) and not _OTHER_ENTITY.search(folded)
        if (found := parse_country(clause)) is not None
    }
    return ours.pop() if len(ours) == 1 else None


def find_answers(text: str, country: str | None = None, *, fuzzy_country: bool = False) -> Found:
    """The country, company identifier, invitation code and email address in ``text``.

    ``country`` is the company's country when known: the identifier is read for it. Otherwise
    the country named in the text is used, or the one the identifier names. The address and
    the code are taken out of the text before the country and the identifier are looked for:
    "jean@acme.fr" does not name France, and "ACME-FR00-0000-0001" holds no SIREN.
    ``fuzzy_country`` reads a country name with a typo ("Frnace"): for the answer to "which
    country?" only, where a first name such as "Franck" cannot be meant.
    """
    if not text or text.startswith("/"):
        return Found()
    rest = text
    email = None
    checked = check_supplier_email(text)
    if checked.ok:
        email = checked.address
    for token in re.findall(r"\S*@\S*", rest):
        start = rest.index(token)
        rest = _blank(rest, start, start + len(token))
    code = extract_code(rest, shaped_only=True)
    if code:
        span = code_span(rest, code)
        if span:
            rest = _blank(rest, *span)
    named_country = parse_country(rest, fuzzy=fuzzy_country) or _our_country(rest)
    if not (country or named_country):
        by_name = country_of_identifier_named(rest)
        if by_name and check_company_id(by_name, rest).ok:
            # "mon SIREN est 732 829 320", "our CRN is 05478384": the identifier's name says
            # the country (a SIREN alone was asked to be confirmed, a CRN alone the country)
            named_country = by_name
    company_id = None
    if country or named_country:
        check = check_company_id(country or named_country, rest)
        if check.ok or (_names_company_id(rest) and re.search(r"\d", rest)):
            company_id = check
    else:
        company_id = recognise_company_id(rest)
    if company_id is not None and company_id.ok and code is not None:
        code = _paired_code(text, code, company_id.company_id)
    return Found(named_country, company_id, code, email)


_DIGIT_RUNS = re.compile(r"[A-Za-z]{0,3}\d[\d\s.\-/]{4,}\d")


def _paired_code(text: str, code: str, company: CompanyId) -> str:
    """The code that goes with the identifier read, the first in the text: with two
    invitation emails pasted, each a code and an identifier, the first code goes with the first
    identifier (it was the second code with the first identifier: a failed check that blamed
    the customer; sixth outside tester). One identifier and two codes ("the old code X expired,
    the new one is Y") keep the code read."""
    codes = shaped_codes(text)
    if len(codes) < 2:
        return code
    identifiers = {
        check.company_id.value
        for run in _DIGIT_RUNS.findall(text)
        if (check := check_company_id(company.country, run)).ok
    }
    return codes[0] if len(identifiers) >= 2 else code


# --- one message, read for the form ------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What one message gives the registration form.

    ``values``: answers to validate, by field (the text to check, or a value already read:
    an ISO country code, a normalised invitation code); ``cleared``: answers to ask again (a
    correction without its new value); ``corrected``: the earlier answer the message corrects;
    ``stance``: no answer but "I don't know", "I'd rather not", "why?"; ``which``: a correction
    that does not say of what (the form asks); ``inferred_country``: the country read from the
    identifier alone ("898 894 399" at the country question), to be confirmed; ``question``: a
    question the NLU did not recognise, never to be stored as a name or a job title;
    ``special_characters``: "c'est quoi un caractère spécial ?" at the password question;
    ``country_word``: "francais" at the country question of a French conversation, the country
    and not a request for the language already spoken; ``names_labelled``: both names given
    with their labels (:func:`labelled_names`).
    """

    values: Mapping[str, str] = dataclasses.field(default_factory=dict)
    cleared: tuple[str, ...] = ()
    corrected: str | None = None
    stance: Stance | None = None
    which: bool = False
    inferred_country: str | None = None
    question: bool = False
    special_characters: bool = False
    country_word: bool = False
    # Both names given with their labels ("Van Damme c'est mon nom de famille, mon prénom
    # c'est Luc"): said back together, whichever of them was asked.
    names_labelled: bool = False
    # The message names the platform's own brand ("noreply@sis-id.com-securite.ru c normal ?"),
    # or holds bank details: what looks like an answer in it is asked about or pasted by
    # mistake, not given (set by read_turn).
    not_given: bool = False
    # At "what would you like to correct?": nothing after all, back to the summary ("rien,
    # c'est bon", "nothing, it's all fine", the "Rien" button).
    back_to_summary: bool = False
    # At the password question: "je vous l'ai déjà donné au dessus", the answer said to be in
    # another message (only an answer to the question is used: it is asked again).
    elsewhere: bool = False
    # At the first name question of a next company: "les mêmes coordonnées que tout à l'heure",
    # the contact details of the account created before in the conversation.
    reused: bool = False
    # The answers that said what they are (a country, a code...), whatever question they answer.
    recognised: tuple[str, ...] = dataclasses.field(default=(), compare=False)

    @property
    def gives_something(self) -> bool:
        return bool(
            self.values
            or self.cleared
            or self.stance
            or self.which
            or self.question
            or self.special_characters
            or self.back_to_summary
            or self.elsewhere
        )


def _country_named(asked: str | None, text: str) -> bool:
    """Whether a country name with a typo is read: at the country question, and at the
    identifier question in a short answer without digits ("Frence" after "United Kingdom"),
    where neither a first name nor a sentence is meant."""
    short = len(text.split()) <= 3 and not any(c.isdigit() for c in text)
    return asked == "country" or (asked == "company_id" and short)


# Where a country named is never the answer: a country there is the company's, corrected.
_NO_COUNTRY_ANSWERS = ("company_id", "invitation_code", "email")


def _changes_the_country(
    asked: str | None, found: Found, country: str | None, marked: bool
) -> bool:
    """A country other than the company's, alone among the answers, named after the company's
    country was given: at a question no country answers, or with correction words elsewhere
    ("France" at the first name question may be a first name; "non pardon, la société est en
    Belgique" is not)."""
    if country is None or found.country in (None, country):
        return False
    if found.company_id is not None or found.email or found.invitation_code:
        return False
    return asked in _NO_COUNTRY_ANSWERS or (marked and asked in TEXT_FIELDS)


def _email_value(value: str, current: str | None) -> str:
    """ "outlook.com" after "the email should be": the known address with that domain."""
    if "@" not in value and current and "." in value and " " not in value.strip():
        return current.rpartition("@")[0] + "@" + value.strip().lstrip("@").lower()
    return value


def _could_be_a_password(text: str) -> bool:
    """A password needs a digit and a special character (passwords.py): text without both is
    a sentence, which may be read as one."""
    return any(c.isdigit() for c in text) and any(not c.isalnum() and not c.isspace() for c in text)


# The questions at which both names may be given, or given again: from the first name on.
_AFTER_THE_NAMES_ASKED = frozenset(
    {"first_name", "last_name", "phone", "job_title", "confirmed", MENU}
)


def read_message(
    text: str,
    asked: str | None,
    answers: Mapping[str, object],
    *,
    named_field: str | None = None,
    intent: str | None = None,
) -> Reading:
    """Read ``text``, typed when the form asked ``asked``, knowing ``answers`` (the form's slots).

    ``named_field`` is the field a button names (``/correct_field{"field": "phone"}``), and
    ``intent`` what the NLU took the message for: a correction, or "passer", "non" and "oui",
    which at a question asking for text are no answer ("non" at the phone question is a
    refusal, "oui" at the first name question is not a first name). The password question is read
    with care: its answer is a secret, so only what cannot be a password is read there (a
    correction that carries a recognisable address or identifier, a stance without digits).
    """
    text = text or ""
    correcting = intent == "correct_field"
    if not text.strip():
        return Reading()
    if len(text) > MAX_READ_LENGTH:
        # Not an answer someone types: only the question asked gets it, for its check to refuse.
        typed = asked in TEXT_FIELDS and asked != "password"
        return Reading(values={asked: text}) if typed else Reading()
    country = answers.get("country") or None
    known = {k: str(v) for k, v in answers.items() if k in TEXT_FIELDS and v not in (None, "")}
    if text.startswith("/"):  # a button's payload: only what it names
        if named_field in TEXT_FIELDS:
            return Reading(cleared=(named_field,), corrected=named_field)
        if named_field == NOTHING and asked == MENU:
            return Reading(back_to_summary=True)  # the menu's "Rien" button
        if intent == "skip" and asked in OPTIONAL:
            return Reading(stance=Stance.RATHER_NOT)  # the "Passer" / "Skip" button
        return Reading(which=correcting)
    if asked == MENU and _nothing_to_correct(text):
        return Reading(back_to_summary=True)
    if asked == "password":
        return _read_at_the_password(text, known, country, correcting)
    if asked in _AFTER_THE_NAMES_ASKED:
        names = labelled_names(text)
        if names is not None:
            changed = next((f for f in ("first_name", "last_name") if f in known), None)
            return Reading(values=names, corrected=changed, names_labelled=True)

    if asked == "first_name" and "last_name" not in known:
        signed = signature(text, str(country) if country else None)
        if signed is not None:
            # "Cordialement, Valérie Noël Gérante Menuiserie Noël Tél : 02 41 00 11 22": the
            # phone was kept as a correction ("C'est corrigé"), the first name asked again
            return Reading(values={k: v for k, v in signed.items() if k not in known})
    correction = correction_in(text, asked, known)
    if correction is not None and correction.field in (None, asked) and not correction.value:
        if stance_of(text) is not None:
            correction = None  # "I'd rather not give my phone number": a stance, read below
    if correction is None and correcting and named_field in TEXT_FIELDS and named_field != asked:
        correction = Correction(named_field)
    if correction is not None and correction.field in _EVIDENT and correction.field not in known:
        correction = None  # "siren 732 829 320" at the country question: an answer, read below
    elif (
        correction is not None
        and correction.value
        and correction.field not in (None, asked)
        and correction.field not in known
        and asked in (None, *COMPANY_STEP, "email")
    ):
        # "jean@acme.fr, and my mobile is 06 ..." at the address question: nothing to correct,
        # the phone given ahead with the address (it said "Corrected", and the address was lost)
        correction = None
    if correction is not None and correction.field not in (None, asked):
        return _with_the_pair(_corrected(correction, known), text, known, country)
    if correction is not None and correction.field == asked:
        if correction.value is None:
            return Reading(cleared=(asked,))  # "je me suis trompé de téléphone": asked again
        text = correction.value  # "mon prénom c'est Sophie pas Bernard" -> "Sophie"

    found = find_answers(text, country, fuzzy_country=_country_named(asked, text))
    marked = has_correction_words(text)
    evident = _evident_answers(found, asked, known, country, marked)
    if _changes_the_country(asked, found, country, marked):
        # "Frence", "ah non, c'est en Belgique" at the CRN question, "oh sorry, the company is in
        # Belgium actually" at the address question: the company's country changes and its
        # identifier is asked (it got "not a CRN" then the advisor, or "invalid address").
        return Reading(values={**evident, "country": found.country}, corrected="country")
    if correction is not None and correction.field is None and not evident:
        return Reading(which=True)  # "je me suis trompé": which answer?
    stance = _stance(text, asked, intent)
    if stance is not None and not _answers_the_question(asked, found):
        return Reading(values=evident, stance=stance)
    is_a_question = text.rstrip().endswith("?")
    if asked == MENU:
        if evident:
            return Reading(values=evident)
        if is_a_question or intent in QUESTION_INTENTS:
            # "c'est quoi un SIREN ?", "c'est quoi un SIREN": answered, the menu asked again
            return Reading(question=True)
        chosen = _menu_choice(text)
        if chosen is not None:
            return _corrected(chosen, known)
        return Reading(which=True)
    values, inferred = _answer_to(asked, text, found, evident, country)
    if asked in FREE_TEXT and values.get(asked):
        # "dupond, pardon Dupont" -> "Dupont"; "comptable, comme je l'ai dit" -> "comptable"
        values[asked] = self_repaired(without_fillers(values[asked]))
    if asked in FREE_TEXT and is_a_question:
        values.pop(asked, None)  # a question is never a name or a job title
        return Reading(values=values, question=True)
    if asked in ("first_name", "last_name") and "phone" not in known and country:
        alone = not any(char.isalpha() for char in text)
        if alone and check_phone(text.strip(), str(country)).ok:
            # "06.12.34.56.78" at the last name question: the phone, given ahead (it got "this
            # name does not look valid", and the number was lost); the name asked again
            values.pop(asked, None)
            values["phone"] = text.strip()
            return Reading(values=values, recognised=found.fields)
    if asked == "first_name" and "last_name" not in known:
        _read_at_the_first_name(text, values, known, country)
    if asked == "phone" and "job_title" not in known and country:
        both = phone_and_job_title(values.get("phone", ""), str(country))
        if both is not None:  # "06 45 67 89 01, je suis commercial"
            values["phone"], values["job_title"] = both
    if not values and correcting:
        return Reading(which=True)
    if asked in ("confirmed", MENU) and "email" in values:
        values.update(another_contact(text, country) or {})
    if asked in (None, *COMPANY_STEP, "email") and (values or found.fields):
        # Everything in one message: the name and the phone too (they were asked again).
        company = str(values.get("country") or country or found.country or "")
        details = contact_details_in(text, company if scheme_for(company) else None)
        values.update({k: v for k, v in details.items() if k not in known and k not in values})
    return Reading(values=values, inferred_country=inferred, recognised=found.fields)


def _read_at_the_first_name(
    text: str, values: dict[str, str], known: Mapping[str, str], country: str | None
) -> None:
    """The full name, and the phone and job title with it, of an answer to the first name
    question, into ``values``."""
    listed = contact_details_listed(text, str(country) if country else None)
    if listed is not None:
        # "I already told you, Sarah Connor. phone +44 20 7946 0958, finance manager": it got
        # "this name does not look valid"
        values.update({k: v for k, v in listed.items() if k not in known or k == "first_name"})
        return
    answer = values.get("first_name", "")
    untitled = _TITLE.sub("", answer, count=1)
    if untitled != answer and len(untitled.split()) >= 2:
        # "Dr. Els Vermeulen": the title is neither a name nor refused (it got "this name does
        # not look valid", then "Dr Els Vermeulen Vermeulen": sixth outside tester)
        answer = values["first_name"] = untitled
    with_phone = name_and_phone(answer, str(country)) if country else None
    if with_phone is not None and "phone" not in known:
        # "Marc - tél. 06 11 22 33 44": it got "this name does not look valid"
        answer, values["phone"] = with_phone
        values["first_name"] = answer
    both = full_name(answer)
    if both is not None:  # "Julien Bonnet" at the first name question
        values["first_name"], values["last_name"] = both


# A title before a full name: "Dr. Els Vermeulen", "Mme Claire Dubois", "M. Jean Martin".
_TITLE = re.compile(
    r"^\s*(?:dr|docteur|doctor|prof|professeur|professor|mr|mrs|ms|miss|mme|mlle|m|madame|"
    r"monsieur|mademoiselle|me|ma[iî]tre)(?:\.\s*|\s+)(?=[^\W\d_])",
    re.IGNORECASE,
)


# "mon prénom c'est Luc", "prénom : Luc", "first name Luc"; "Van Damme c'est mon nom de famille",
# "Van Damme is my surname". The labels are matched folded, the names kept as typed.
_FIRST_LABEL = r"(?:pr[eé]nom|first ?name|given name|forename)"
_LAST_LABEL = r"(?:nom de famille|nom|last ?name|surname|family name)"
_OWNER = r"(?:(?:mon|le|my|the|ton|your)\s+)?"
_IS = r"\s*(?:c'est|est|:|=|is|'s)?\s*"
_NAME_WORDS = r"([^\W\d_][^\W\d_'’-]*(?:[ '’-][^\W\d_]+){0,3})"
_LEAD = r"^\s*(?:(?:non|no|nope|pardon|sorry|oops|en fait|actually|alors|so|et|and|mais|but)\b\W*)*"
_LABEL_FIRST = re.compile(
    _LEAD + rf"{_OWNER}(?:(?P<first>{_FIRST_LABEL})|(?P<last>{_LAST_LABEL})){_IS}{_NAME_WORDS}\W*$",
    re.IGNORECASE,
)
_NAME_FIRST = re.compile(
    _LEAD + rf"{_NAME_WORDS}\s+(?:c'est|est|is|'s)\s+{_OWNER}"
    rf"(?:(?P<first>{_FIRST_LABEL})|(?P<last>{_LAST_LABEL}))\W*$",
    re.IGNORECASE,
)
# A "name" that is a label or a negation: "prénom c'est nom", "mon nom c'est pas ...".
_NAME_LABEL_WORDS = frozenset({"nom", "prenom", "name", "surname", "pas", "not"})
_NAME_SEGMENTS = re.compile(r"[,;.!?\n]+|\s+(?:et|and)\s+", re.IGNORECASE)


def labelled_names(text: str) -> dict[str, str] | None:
    """Both names, when the message gives each with its label, in either order and either
    way round: "non pardon, Van Damme c'est mon nom de famille, mon prénom c'est Luc", "non !
    prénom Luc, nom de famille Van Damme", "first name Luc, surname Van Damme". They were
    read as one last name ("mon prénom c'est Luc"), or swapped. None unless both are there."""
    if len(text) > 300:
        return None
    found: dict[str, str] = {}
    for segment in _NAME_SEGMENTS.split(text):
        match = _LABEL_FIRST.match(segment) or _NAME_FIRST.match(segment)
        if match is None:
            continue
        field = "first_name" if match.group("first") else "last_name"
        name = match.group(len(match.groups())) if match.re is _LABEL_FIRST else match.group(1)
        name = name.strip()
        if field in found or fold(name) in _NAME_LABEL_WORDS or not check_name(name).ok:
            return None
        found[field] = name
    return found if len(found) == 2 else None


def holds_registration_data(text: str) -> bool:
    """A country, an identifier, a code or an address in a message sent when no question is
    pending: the registration starts with it (the rule of ``inform``)."""
    return bool(read_message(text, None, {}).values)


_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


# Words that begin a sentence, not a name ("I'm lost" was first name "I'm", last name "Lost").
_NOT_A_FIRST_NAME = frozenset(
    "i'm im i it's its c'est cest je j'suis moi me my mon ma "
    # a signature's greeting: "Kind regards, John Smith ..." became "first name Kind, last name
    # Regards" (sixth outside tester)
    "kind best warm regards cordialement bien sincerely salutations".split()
)


def full_name(text: str) -> tuple[str, str] | None:
    """ "Julien Bonnet" -> ("Julien", "Bonnet"): two name-like words, neither a particle; a
    first name then a last name that begins with particles ("Marie-Thérèse de La Fontaine" ->
    ("Marie-Thérèse", "de La Fontaine"), "Anne-Sophie Van den Broeck"). Anything else (one
    word, three without a particle, "de Gaulle", digits) is not read as a full name."""
    words = text.split()
    if len(words) < 2 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return None
    if fold(words[0]) in _NOT_A_FIRST_NAME:  # "I'm lost", "it's Dupont"
        return None
    if fold(words[0]) in NAME_PARTICLES:  # "de Gaulle": not first + last
        return None
    last = words[1:]
    particles = [fold(w) in NAME_PARTICLES for w in last]
    if len(last) == 1 and not particles[0]:
        if len(words[0]) > 1 and words[0].isupper() and not last[0].isupper():
            return last[0], words[0]  # "DUPONT Jean": the French way, the surname in capitals
        return words[0], last[0]
    # particles, then at least one name word, and no particle after it
    count = next((i for i, particle in enumerate(particles) if not particle), len(last))
    if count == 0 or count == len(last) or any(particles[count:]):
        return None
    return words[0], " ".join(last)


# "06 45 67 89 01, je suis commercial", "+44 20 7946 0958 - I'm the finance manager": a job
# title said after the phone number, with the words that introduce one.
_JOB_TITLE_AFTER_PHONE = re.compile(
    r"^(?:(?:mon|my|le|the)?\s*(?:num[ée]ro|num|t[ée]l[ée]phone|t[ée]l|phone|number|mobile|portable)"
    r"[^\d+(]{0,12})?(?P<phone>\+?[\d(][\d\s().-]*\d)\s*[,;/-]?\s*"
    r"(?:(?:et\s|and\s)?(?:je\s+suis|j'?\s*suis|i'?m|i\s+am|my\s+job\s+title\s+is"
    r"|my\s+(?:job|role|position)\s+is|ma\s+fonction\s+(?:est|:)?|mon\s+poste\s+(?:est|:)?"
    r"|fonction\s*:?|poste\s*:?|job\s+title\s*:?|position\s*:?|role\s*:?))\s+"
    r"(?:(?:le|la|les|un|une|a|an|the)\s+|l')?(?P<title>[^\d]+?)[\s.!]*$",
    re.IGNORECASE,
)
# "je suis joignable le matin", "I'm away until Monday": a state, not a job title.
_NOT_A_JOB_TITLE = re.compile(
    r"^(?:joignable|disponible|dispo|absente?|en\s|au\s|à\s|a\s|sur\s|désolée?|desolee?"
    r"|d'accord|ok|pressée?|available|reachable|away|out|in\s|at\s|on\s|sorry|busy|free)",
    re.IGNORECASE,
)


# "Marc Durand, 06 11 22 33 44", "Sarah Connor - tel +44 20 7946 0958": a name, then a phone.
_NAME_THEN_PHONE = re.compile(
    r"^(?P<name>[^\d+(]+?)\s*[,;/\-]?\s*"
    r"(?:(?:t[ée]l[ée]phone|t[ée]l|phone|mobile|portable)\s*[:.]?\s*)?"
    r"(?P<phone>\+?[\d(][\d\s().-]{5,}\d)[\s.!]*$",
    re.IGNORECASE,
)


def name_and_phone(text: str, country: str) -> tuple[str, str] | None:
    """The name and the phone of "Marc Durand, 06 11 22 33 44" typed at the first name
    question, when the number is valid for ``country``; else None (read as a name, as before)."""
    match = _NAME_THEN_PHONE.match(" ".join(text.split()))
    if match is None:
        return None
    name, phone = match.group("name").strip(" ,;:-"), match.group("phone").strip()
    if not name or not check_phone(phone, country).ok:
        return None
    return name, phone


# What people add around answers they give again: "I already told you, Sarah Connor",
# "accounts payable lead, as I said", "Martin, comme je l'ai déjà dit". Matched on a whole
# folded segment of the message.
_FILLER = re.compile(
    r"(?:(?:but|mais|well|bon|euh|hmm|ok|okay|so|alors|voila|voici|here you go|again|encore|"
    r"once again|encore une fois|sorry|pardon|desolee?|please|svp|s'il vous plait|thanks|merci"
    r"|i (?:already )?(?:told|gave) you(?: (?:that|this|before|already))?|i already said(?: it)?"
    r"|(?:as|like) i (?:said|told you)(?: before)?|i said(?: it)?(?: before)?"
    r"|je (?:vous )?l'ai (?:deja )?(?:dit|donne)|je (?:vous )?ai (?:deja )?dit"
    r"|comme (?:je l'ai |je vous l'ai )?(?:deja )?dit|deja dit|je repete)\b[\s!.:]*)+"
)
_SEGMENTS = re.compile(r"\s*(?:[,;]|\.(?=\s|$)|\s[-–]\s)\s*")
_JOB_INTRO = (
    r"(?:je suis|j'suis|i'm|i am|my (?:job title|job|role|position) is|ma fonction (?:est|:)"
    r"|mon poste (?:est|:)|fonction ?:|poste ?:|job title ?:|position ?:|role ?:)\s+"
)
_ARTICLE = r"(?:(?:le|la|les|un|une|a|an|the)\s+|l')?"
_JOB_TITLE_LEAD_IN = re.compile(f"^(?:{_JOB_INTRO})?{_ARTICLE}")
_INTRODUCED_JOB_TITLE = re.compile(f"^{_JOB_INTRO}{_ARTICLE}")
_PHONE_LABEL = re.compile(
    r"^(?:(?:(?:mon|my|le|the)\s+)?(?:num[ée]ro(?: de t[ée]l[ée]phone)?|num|t[ée]l[ée]phone|t[ée]l"
    r"|phone(?: number)?|mobile|portable|number)(?:\s+(?:est|is|c'est))?\s*:?\s*)?",
    re.IGNORECASE,
)


def without_fillers(answer: str) -> str:
    """``answer`` without the segments before and after it that only say it was given before
    ("accounts payable lead, as I said" -> "accounts payable lead"), the rest as typed; the
    answer as typed when nothing else is left."""
    spans, start = [], 0
    for separator in _SEGMENTS.finditer(answer):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(answer)))
    kept = [
        (a, b)
        for a, b in spans
        if answer[a:b].strip() and not _FILLER.fullmatch(fold(answer[a:b].strip()))
    ]
    return answer[kept[0][0] : kept[-1][1]] if kept else answer


def _job_title_segment(segment: str) -> str | None:
    """A job title said alone or introduced ("finance manager", "je suis comptable", "I'm the
    CFO"): a few words without digits, not a state ("joignable le matin")."""
    title = segment[_JOB_TITLE_LEAD_IN.match(fold(segment)).end() :].strip()
    words = title.split()
    if not words or len(words) > 6 or any(c.isdigit() or c in "?@" for c in title):
        return None
    if set(_folded_words(title)) & _SENTENCE_WORDS:
        return None  # "I want to stop", "je ne sais pas": a sentence
    return None if _NOT_A_JOB_TITLE.match(title) else title


def contact_details_listed(text: str, country: str | None) -> dict[str, str] | None:
    """The full name, then the phone and the job title, of a message that lists them, as at the
    first name question: "I already told you, Sarah Connor. phone +44 20 7946 0958, finance
    manager", "je suis Marc Durand, comptable". Every part of the message must be one of them
    (or words such as "as I said"): otherwise None, and the text is read as a first name."""
    details: dict[str, str] = {}
    for segment in _SEGMENTS.split(" ".join(text.split())):
        if not segment or _FILLER.fullmatch(fold(segment)):
            continue
        if "first_name" not in details:
            said = _FILLER.match(fold(segment))  # "je vous l'ai déjà dit : Irène Vidal"
            named = segment[said.end() :] if said else segment
            both = full_name(NAME_LEAD_INS.sub("", named, count=1))
            if both is None or {fold(both[0]), fold(both[1])} & _NOT_NAMES:
                return None
            details["first_name"], details["last_name"] = both
            continue
        phone = segment[_PHONE_LABEL.match(segment).end() :]
        if country and "phone" not in details and check_phone(phone, country).ok:
            details["phone"] = phone
            continue
        title = _job_title_segment(segment)
        if title is None or "job_title" in details:
            return None
        details["job_title"] = title
    return details or None


# A pasted email signature's sign-off (read on folded text): "Cordialement,", "Kind regards,".
_SIGN_OFF = re.compile(
    r"^\s*(?:(?:bien|tres|tout)\s+)?(?:cordialement|a vous|sinceres salutations|salutations"
    r"(?: distinguees)?|(?:kind|best|warm|many)\s+(?:regards|wishes|thanks)|regards|sincerely"
    r"|yours sincerely|yours faithfully|cheers|merci)\b[\s,.!:;-]*"
)
# What ends a signature's name and job title: a number, an address, a link, or a phone's label
# just before a number ("Tél :", "T:", "Mob.", "Direct line").
_SIGNATURE_END = re.compile(
    r"(?:\b(?:t[ée]l[ée]?(?:phone)?|tel|t|phone|ph|mob(?:ile)?|portable|port|m|p|direct(?: line)?"
    r"|ligne directe|standard|fixe)\b\s*[.:]?\s*)?(?:\+?[\d(]|\S+@|https?:|www\.)",
    re.IGNORECASE,
)
_SIGNATURE_SEGMENTS = re.compile(r"\s*(?:[,;|\n]|\s[-–]\s)\s*")
# The job title of a signature without separators ends at its last job word among the first few
# words after the name ("Finance Director Acme Fixings Ltd": "Finance Director").
_SIGNATURE_TITLE_WORDS = 4


def signature(text: str, country: str | None) -> dict[str, str] | None:
    """The full name, the job title and the phone of a pasted email signature, which begins
    with a sign-off and a capitalised full name: "Cordialement, Valérie Noël Gérante
    Menuiserie Noël Tél : 02 41 00 11 22" (the phone was kept and the first name asked again),
    "Kind regards, John Smith Finance Director Acme Fixings Ltd T: 0161 496 0000". The
    company's name is left out (the form has it from the identifier). None unless a full name
    follows the sign-off."""
    sign_off = _SIGN_OFF.match(fold(text))
    if sign_off is None:
        return None
    rest = text[sign_off.end() :]
    end = _SIGNATURE_END.search(rest)
    head = rest[: end.start()] if end else rest
    segments = [part for part in _SIGNATURE_SEGMENTS.split(head.strip(" ,;.-")) if part]
    if not segments:
        return None
    words = _TITLE.sub("", segments[0], count=1).split()
    details: dict[str, str] = {}
    for size in (4, 3, 2):  # "Anne-Sophie Van den Broeck", then two words
        both = full_name(" ".join(words[:size])) if len(words) >= size else None
        capitalised = both is not None and both[0][:1].isupper() and both[1][:1].isupper()
        if capitalised and not {fold(both[0]), fold(both[1])} & _NOT_NAMES:
            details["first_name"], details["last_name"] = both
            words = words[size:]
            break
    if not details:
        return None
    if words:  # no separator after the name: the job title ends at its last job word
        folded = [fold(word) for word in words[:_SIGNATURE_TITLE_WORDS]]
        last = max((i for i, word in enumerate(folded) if word in _JOB_WORDS), default=None)
        title = " ".join(words[: last + 1]) if last is not None else None
    else:
        title = _a_job(_job_title_segment(segments[1])) if len(segments) > 1 else None
    if title:
        details["job_title"] = title
    if country:
        numbers = phone_numbers(rest, country)
        if numbers:
            details["phone"] = numbers[0]
    return details


# "les mêmes coordonnées que tout à l'heure", "same details as before", "keep my details from
# the last one" (read on folded text): the contact details of the company registered before.
_SAME_CONTACT = re.compile(
    r"\b(?:(?:les |la )?memes? (?:coordonnees|infos|informations|contact|personne|nom|que)"
    r"|comme (?:tout a l'heure|avant|la derniere fois|precedemment|pour (?:l'autre|la premiere"
    r"|la precedente))|(?:reprendre|garder|reutiliser|conserver) (?:mes|les|nos) (?:coordonnees"
    r"|infos|informations)|coordonnees precedentes|(?:the )?same (?:details|contact|name|person"
    r"|as (?:before|last time|the (?:last|previous|first) one|for the (?:last|previous|first)))"
    r"|(?:keep|reuse|re-use|use) (?:my|the|our) (?:previous |same |last )?(?:details|contact"
    r"|info)|previous details|as before)\b"
)


_SAME_ALONE = re.compile(r"\s*(?:pareil|idem|les memes|la meme chose|same|the same|ditto)\W*")


def same_contact_as_before(text: str) -> bool:
    """ "les mêmes coordonnées que pour la société précédente", "same details as before",
    "idem"."""
    folded = fold(text)
    return bool(_SAME_CONTACT.search(folded) or _SAME_ALONE.fullmatch(folded))


def another_contact(text: str, country: str | None) -> dict[str, str] | None:
    """The name, and the phone and job title, of a contact person given with an address in a
    list: "en fait je préfère mettre le gérant : Paul Bernard, paul.bernard@garage.fr, 06 11 22
    33 44", "please put my colleague as the contact instead: Sarah Peeters, sarah@maes.be, 0476
    55 66 77" at the summary (only the address was changed, under the old name: sixth outside
    tester). None unless the rest of the list is a full name first, as contact_details_listed
    reads it."""
    address = re.search(r"\S+@\S+", text)
    if address is None:
        return None
    rest = f"{text[: address.start()]}, {text[address.end() :]}"
    listed = contact_details_listed(rest.rpartition(":")[2], country)
    return listed if listed and "first_name" in listed else None


def phone_and_job_title(text: str, country: str) -> tuple[str, str] | None:
    """The phone number and the job title of "06 45 67 89 01, je suis commercial", when the
    part before is a valid number for ``country`` and the part after is introduced as a job
    title ("je suis", "ma fonction", "I'm the", "job title:"). Anything else: None, and the
    whole text is read as the phone number, as before."""
    match = _JOB_TITLE_AFTER_PHONE.match(" ".join(text.split()))
    if match is None:
        return None
    phone, title = match.group("phone").strip(), match.group("title").strip(" .,!;:")
    if not title or len(title.split()) > 6 or _NOT_A_JOB_TITLE.match(title):
        return None
    if not check_phone(phone, country).ok:
        return None
    return phone, title


# "téléphone 06 12 34 56 78", "my mobile is +44 7700 900123": a number said to be the phone.
_LABELLED_PHONE = re.compile(
    r"\b(?:t[ée]l[ée]phone|t[ée]l|portable|mobile|phone(?:\s+number)?|cell)\b"
    # "téléphone : 06 ...", "mon portable c'est le 06 ...", "my mobile is +32 ..."
    r"(?:\s*(?:c['’]?\s*est(?:\s+le)?|est(?:\s+le)?|is|:|=|-|n°))?\s*"
    r"(?P<phone>\+?[\d(][\d\s().-]{5,}\d)",
    re.IGNORECASE,
)
# "je suis Paul Martin, ...", "my name is Paul Martin.": a full name, introduced, in capitals.
_NAME_PART = r"[A-ZÀ-Ý][^\W\d_]*(?:[-'’][A-ZÀ-Ý]?[^\W\d_]+)*"
_INTRODUCED_NAME = re.compile(
    r"(?i:\bje\s+m'?\s*appelle|\bmon\s+nom\s+est|\bje\s+suis|\bmy\s+name\s+is|\bi'?\s*m|\bi\s+am"
    r"|\bthis\s+is|\bpr[ée]nom\s+(?:et\s+)?nom(?:\s*:)?"
    # a label, as in a signature or a pasted form: "Name Sarah Connor", "Full name: ..."
    r"|(?<!company )(?<!business )(?<!firm )\b(?:full\s+)?name(?:\s*:)?)"
    r"\s+(?P<first>" + _NAME_PART + r")\s+(?P<last>" + _NAME_PART + r")"
    r"(?=\s*(?:[,.;!]|$|(?i:et|and|de|from|of|du|chez|at)\b))"
)
# Capitalised words after "je suis" / "I'm" that are a job or a state, not a name.
# Jobs: never a name after "je suis" / "I'm", and a job title's sign next to a name.
_JOBS = (
    "responsable directeur directrice gérant gérante comptable assistant assistante chef "
    "président présidente fondateur fondatrice associé associée expert expert-comptable "
    "contrôleur contrôleuse juriste acheteur acheteuse secrétaire manager head director "
    "accountant officer owner founder partner controller clerk buyer "
)
_NOT_NAMES = frozenset(
    fold(word)
    for word in (
        _JOBS + "office finance financial chief legal managing sales desolé désolé sorry new "
        "nouveau nouvelle le la les the un une a an en in not pas "
        "ltd limited plc llp sa sas sasu sarl eurl sci srl sprl bv nv gmbh inc corp co group "
        "groupe société societe company entreprise cabinet services"
    ).split()
)
# Words of job titles: a job title right after an introduced name is read only with one of them
# ("I'm Alice Martin, from ACME Industries" names no job).
_JOB_WORDS = frozenset(
    fold(word)
    for word in (
        _JOBS + "comptabilité trésorier trésorière chargé chargée gestionnaire administrateur "
        "administratrice commercial commerciale daf raf pdg dg lead bookkeeper treasurer "
        "administrator analyst specialist coordinator executive cfo ceo coo payable payables "
        "receivable procurement"
    ).split()
)


def _a_job(title: str | None) -> str | None:
    return title if title and set(_folded_words(title)) & _JOB_WORDS else None


def _job_title_in(text: str, after_name: int) -> str | None:
    """The job title of a message that introduces a name: the part right after the name (",
    accounts payable lead"), or a part that says it is one ("I'm the finance manager"); only
    with a job's word."""
    rest = text[after_name:]
    separator = _SEGMENTS.match(rest)
    if separator is not None and separator.group().strip():
        title = _a_job(_job_title_segment(_SEGMENTS.split(rest[separator.end() :], 1)[0]))
        if title:
            return title
    for segment in _SEGMENTS.split(rest):
        if _INTRODUCED_JOB_TITLE.match(fold(segment)):
            title = _a_job(_job_title_segment(segment))
            if title:
                return title
    return None


def contact_details_in(text: str, country: str | None) -> dict[str, str]:
    """The first name, last name, job title and phone a message gives beside other answers
    ("Bonjour, je suis Paul Martin, comptable, SIREN ..., téléphone 06 12 34 56 78"): a full name
    only when introduced and written with capitals, a job title only right after it, a phone
    only when named and valid for ``country``."""
    details: dict[str, str] = {}
    name = _INTRODUCED_NAME.search(text)
    if name and not {fold(name["first"]), fold(name["last"])} & _NOT_NAMES:
        details["first_name"], details["last_name"] = name["first"], name["last"]
        title = _job_title_in(text, name.end())
        if title:  # "I'm Alice Martin, accounts payable lead, ...": the job title was lost
            details["job_title"] = title
    phone = _LABELLED_PHONE.search(text)
    if phone and country and check_phone(phone["phone"].strip(), country).ok:
        details["phone"] = phone["phone"].strip()
    return details


def _answer_to(
    asked: str | None, text: str, found: Found, evident: dict[str, str], country: str | None
) -> tuple[dict[str, str], str | None]:
    """The answer to the question asked (the text, for its check to read or refuse), with the
    evident answers, and the country read from the identifier alone when that is all there is."""
    values = dict(evident)
    inferred = None
    other = bool(found.invitation_code or found.email)
    if asked == "country":
        if found.country:
            values["country"] = found.country
        elif found.company_id is not None and found.company_id.ok:
            inferred = found.company_id.company_id.country
            values["country"] = inferred
            values["company_id"] = found.company_id.company_id.value
        elif not other:
            values["country"] = text
    elif asked == "company_id":
        if found.company_id is not None or not other:
            values["company_id"] = text
    elif asked == "invitation_code":
        typed_else = found.email or (found.company_id is not None and found.company_id.ok)
        if found.invitation_code or not typed_else:
            values["invitation_code"] = found.invitation_code or text
    elif asked == "email":
        if found.email or not (found.invitation_code or found.company_id):
            values["email"] = text
    elif asked in TEXT_FIELDS:
        values[asked] = text
    elif asked is None and "company_id" in values and "country" not in values and not country:
        # the first message: an identifier alone names its country, to be confirmed
        inferred = found.company_id.company_id.country
        values["country"] = inferred
    return values, inferred


def _evident_answers(
    found: Found, asked: str | None, known: Mapping[str, str], country: str | None, marked: bool
) -> dict[str, str]:
    """The answers found that say what they are, for questions other than ``asked``.

    An answer already given changes only by a correction: at the correction menu, with
    correction words ("oups, c'est jean@acme.com"), or a new address where the address is
    being confirmed. A country is read out of turn only while the company is identified.
    """
    evident: dict[str, str] = {}
    for name in _EVIDENT:
        value = _found_value(found, name)
        if name == asked or value is None:
            continue
        changes = (
            asked == MENU
            or marked
            or (name == "email" and asked == "email_confirmed")
            or (name == "country" and asked == "country_confirmed")
        )
        if name in known and (known[name] == value or not changes):
            continue
        if name == "country" and asked not in (*COMPANY_STEP, None, MENU, "country_confirmed"):
            continue
        evident[name] = value
    if "company_id" in evident and not (country or found.country or asked is None):
        del evident["company_id"]  # no country to check it for yet (it is asked first)
    return evident


# What "passer", "non" and "oui" mean where text is asked for (the job title maps "passer" and
# "non" to "no job title" itself).
_INTENT_STANCES = {"skip": Stance.RATHER_NOT, "deny": Stance.RATHER_NOT, "affirm": Stance.DONT_KNOW}


# "la même que celle où j'ai reçu l'invitation", "the same one the invitation was sent to": the
# address is not known here, it has to be typed (it got the FAQ about a colleague who left).
_SAME_AS_THE_INVITATION = re.compile(
    r"\b(?:la meme|le meme|celle|celui|the same|same one|same address|same email|the one)\b"
    r"[^?!.]{0,60}\binvitation\b"
)


def _stance(text: str, asked: str | None, intent: str | None) -> Stance | None:
    """The stance the message takes on the question ``asked`` (not on another field it names:
    "où trouver mon SIREN ?" at the phone question is a question for the FAQ)."""
    if asked == "email" and _SAME_AS_THE_INVITATION.search(_folded(text)):
        return Stance.DONT_KNOW  # which address: the help says to type it
    stance = stance_of(text)
    if stance in (Stance.WAIT, Stance.GO_ON):
        return stance  # "2 min je cherche le mail": waiting, whatever it names
    mention = field_mentioned(text) if stance is not None else None
    if mention is not None and _topic(mention.field) != _topic(asked) and asked in TEXT_FIELDS:
        return None
    if stance is None and asked in TEXT_FIELDS:
        stance = _INTENT_STANCES.get(intent or "")
    return stance


def _topic(name: str | None) -> str | None:
    """What a question is about: "mon nom" at the first name question is about the name."""
    return {"first_name": "name", "last_name": "name", "email_confirmed": "email"}.get(name, name)


def _found_value(found: Found, name: str) -> str | None:
    if name == "company_id":
        check = found.company_id
        return check.company_id.value if check is not None and check.ok else None
    return getattr(found, name)


def _answers_the_question(asked: str | None, found: Found) -> bool:
    """The message holds an answer to ``asked``, whatever else it says ("je ne sais pas, peut-être
    732 829 320")."""
    if asked == "country":
        return found.country is not None or bool(found.company_id and found.company_id.ok)
    if asked == "company_id":
        return found.company_id is not None
    if asked == "invitation_code":
        return found.invitation_code is not None
    if asked == "email":
        return found.email is not None
    return False


# "Dupond, pardon Dupont", "Jon sorry John", "Gérant, enfin plutôt Directeur": the answer
# corrected as it is typed; what follows the repair word is the answer. Searched for, then the
# answer before it checked apart: one pattern for both backtracked (seconds on 1,000 spaces).
_REPAIR_WORD = re.compile(
    r"(?<=[\s,;.])(?:pardon|sorry|oups|oops|je veux dire|i mean|i meant|enfin plutot|enfin|"
    r"plutot|or rather|rather)(?=[\s,:!.])"
)
_NAME_LIKE = re.compile(r"[^\W\d_][\w'’ -]*")


def self_repaired(answer: str) -> str:
    """A name or job title corrected as it is typed, its last version: "dupond, pardon Dupont"
    is "Dupont" (it got "this name does not look valid")."""
    folded = fold(answer)
    match = _REPAIR_WORD.search(folded)
    if match is None:
        return answer
    before = folded[: match.start()].rstrip(" ,;.")
    after = answer[match.end() :].strip(_EDGES)
    if not after or not _NAME_LIKE.fullmatch(before):
        return answer
    return after


# The value the menu's "Rien, revenir au récapitulatif" button names (field entity).
NOTHING = "none"
# "tel quel", "as it is": no telephone there.
_AS_IT_IS = re.compile(r"\btel(?:le)?s? quel(?:le)?s?\b|\bas it is\b")
# Nothing to correct after all, at "what would you like to correct?" (folded text).
_NOTHING_TO_CORRECT = _patterns(
    r"^\W*(?:(?:ah|oh|euh|bon|non|en fait|finalement|ok)\W+)*(?:rien|aucune?|nothing|none)\b",
    r"\b(?:c'est|tout est|tout c'est|c est|it'?s|all|everything'?s?|everything is) "
    r"(?:(?:tout|bien|tres|all|very|just) )?(?:bon|ok|correct|juste|parfait|fine|good|right)\b",
    r"\b(?:retour|revenir|retourner|back|return|go back)\b(?: \S+){0,3} "
    r"(?:recap\w*|summary|resume)\b",
    r"\b(?:tel(?:le)?s? quel(?:le)?s?|as it is|as they are|keep (?:it|everything|all))\b",
    r"\blaiss\w* tomber\b|\bforget (?:it|the correction)\b|\bnever ?mind\b",
    r"\bvalider? (?:le |mon )?recap\w*|\b(?:create|finish|confirm)\w* (?:my |the )?account\b",
    r"\baccount created\b|\b(?:creer|finir|valider) (?:mon |le |notre )?compte\b",
)


def _nothing_to_correct(text: str) -> bool:
    """ "Rien finalement, c'est bon", "go back to the summary", "je veux valider le
    récapitulatif tel quel" at the menu: nothing to correct, and no answer named ("tel quel" is
    no telephone)."""
    folded = fold(text)
    if not _NOTHING_TO_CORRECT.search(folded):
        return False
    return _menu_choice(_AS_IT_IS.sub(" ", folded)) is None


def _menu_choice(text: str) -> Correction | None:
    """At "what would you like to correct?", the answer a message names, with its new value
    when it gives one: "la société" (the button's label), "the phone, it's 07700 900123" (it got
    "choose with a button"). Not "le téléphone est bon": that one is right."""
    mention = field_chosen(text)
    if mention is None or field_said_right(text) == mention.field:
        return None
    rest = text[mention.end :]
    folded_rest = fold(rest)
    value = _value_from(rest, folded_rest)
    if value and not (
        _MENU_VALUE.match(folded_rest) or any(c.isdigit() or c == "@" for c in value)
    ):
        value = None  # "mon entreprise a changé de nom": which answer, not its new value
    return Correction(mention.field, value)


# What introduces a new value after the answer named at the menu: "the phone, it's ...".
_MENU_VALUE = re.compile(
    rf"^[\s,;:=-]*(?:c'est|c est|it'?s|it is|is|est|{_SHOULD_BE}|doit etre|=|:)(?!\w)"
)


def _corrected(correction: Correction, known: Mapping[str, str]) -> Reading:
    field_name = correction.field
    if correction.value is None:
        return Reading(cleared=(field_name,), corrected=field_name)
    value = correction.value
    if field_name == "email":
        value = _email_value(value, known.get("email"))
    if field_name == "password":
        # A password typed outside the password question is not taken: the question is asked
        # again, where the answer is masked.
        return Reading(cleared=("password",), corrected="password")
    values = {field_name: value}
    also = correction.also
    if also is not None and also.value and also.field not in (None, "password", field_name):
        values[also.field] = also.value  # "le prénom c'est Anne et le nom Girard": both
    return Reading(values=values, corrected=field_name)


def _with_the_pair(
    reading: Reading, text: str, known: Mapping[str, str], country: str | None
) -> Reading:
    """``reading``, a correction of the identifier or the code, with the other of the two when the
    message gives a new one: they are checked together ("it should be our other company,
    0714.402.228, code BBJK-..." kept the old identifier with the new code: a mismatch, then
    two failed checks before the supplier found how to say it)."""
    if reading.corrected not in _THE_PAIR or not reading.values:
        return reading
    found = find_answers(text, country)
    values = dict(reading.values)
    for name in _THE_PAIR:
        value = _found_value(found, name)
        if name not in values and value is not None and value != known.get(name):
            values[name] = value
    return dataclasses.replace(reading, values=values)


def _read_at_the_password(
    text: str, known: Mapping[str, str], country: str | None, correcting: bool
) -> Reading:
    """At the password question, only what cannot be a password is read."""
    if points_to_another_message(text):
        return Reading(elsewhere=True)
    correction = correction_in(text, "password", known)
    if correction is not None and correction.field not in (None, "password"):
        if correction.value is not None:
            found = find_answers(correction.value, country)
            evident = correction.field in _EVIDENT
            value = _found_value(found, correction.field) if evident else None
            if value is not None:
                return Reading(values={correction.field: value}, corrected=correction.field)
    special_characters = asks_about_special_characters(text)
    if reads_as_a_question(text):
        # "je peux utiliser la même adresse pour mes 15 clients ?": a question, even with a
        # digit and a special character (it became the account's password)
        return Reading(special_characters=True) if special_characters else Reading(question=True)
    if correction is not None and correction.field not in (None, "password"):
        if correction.value is None:
            return (
                Reading(cleared=(correction.field,), corrected=correction.field)
                if (correcting or not _could_be_a_password(text))
                else Reading()
            )
        return Reading()
    if not _could_be_a_password(text):
        if special_characters:
            return Reading(special_characters=True)
        # "pourquoi vous avez besoin de mon téléphone ?": about the phone, not the password
        stance = _stance(text, "password", None)
        if stance is not None:
            return Reading(stance=stance)
        if text.rstrip().endswith("?") and len(text.split()) >= 2:
            # "combien de temps ça prend ?": it was refused as a password, rule by rule
            return Reading(question=True)
    return Reading()


# --- A message at a question: an answer, or the rules' to answer ------------------------------

# Intents that are never an answer to a form question (the same list as `not_intent` in
# domain.yml): a question asked mid-form is answered, not stored as a slot value.
NOT_AN_ANSWER = frozenset(
    {
        "faq",
        "chitchat",
        "cancel",
        "correct_field",
        "human_handoff",
        "change_language",
        "activation_email_missing",
        "resend_activation",
        "greet",
        "goodbye",
        "out_of_scope",
        "start_registration",
        "password_given",
        "already_registered",
        "answer_helpful",
        "answer_not_helpful",
    }
)
# Above this NLU confidence, a message typed where a password is expected is a command or a
# question ("stop", "what are the rules?"), not a password.
CONFIDENT = 0.8
# Questions and commands that the rules answer, the form then asking its question again: never
# an answer. "correct_field" is not one of them: the form reads corrections itself; nor is
# "password_given", the widget's marker that the form's password reading takes.
FOR_THE_RULES = NOT_AN_ANSWER - {"correct_field", "password_given"}
# Intents that a reading of the message overrides: "pourquoi ?" is a question about the
# question asked, "oups mauvais numéro, c'est le ..." a correction, whatever the NLU guessed.
_OVERRIDABLE = QUESTION_INTENTS | {"out_of_scope"}
# The answers recognised by their shape (an address, an identifier, a code, a phone number).
_SHAPED = ("email", "company_id", "invitation_code", "phone")
# The form's yes/no questions (slot mappings from the affirm and deny intents).
YES_NO_SLOTS = ("country_confirmed", "email_confirmed", "terms_accepted", "confirmed")
# The identifier and the code whose pair failed the invitation check.
_THE_PAIR = ("company_id", "invitation_code")
# The intents of "yes" and "no" (the answers to the form's yes/no questions).
YES_OR_NO = ("affirm", "deny")


def read_turn(
    text: str,
    asked: str | None,
    slots: Mapping[str, object],
    *,
    named_field: str | None = None,
    intent: str | None = None,
) -> Reading:
    """:func:`read_message` at the registration form's question ``asked``, knowing the form's
    ``slots``: the answer to "did you mean +33 6 ...?" is the phone check's to read, and in the
    menu of a mismatched identifier and code, one of them must change first."""
    if asked == "phone" and slots.get("phone_suggestion") and intent in YES_OR_NO:
        return Reading()
    if asked == MENU and slots.get("correction_menu") == "invitation":
        right = field_said_right(text)
        if right in _THE_PAIR:
            # "the SIREN is right, it's on my Kbis": then the code is the one to type again
            # (the SIREN was read as "on my Kbis", refused and asked for).
            other = next(f for f in _THE_PAIR if f != right)
            return Reading(cleared=(other,), corrected=other)
    if asked == "country":
        country = country_adjective_alone(text)
        if country is not None and requested_language(text) in (None, slots.get("language")):
            # "francais" in a French conversation: the country, not a request for French
            # (it got "D'accord, je continue en français." and the question again).
            return Reading(values={"country": country}, country_word=True)
    previous = slots.get(PREVIOUS_CONTACT)
    if asked == "first_name" and previous and same_contact_as_before(text):
        # "Next client: ... Can we keep my details from the last one? same name, phone": they
        # were asked again, and "the same" was no name
        given = {k: v for k, v in previous.items() if k in CONTACT_FIELDS and v != SKIPPED}
        return Reading(values=given, reused=True)
    answers = {name: slots.get(name) for name in TEXT_FIELDS}
    reading = read_message(text, asked, answers, named_field=named_field, intent=intent)
    country = slots.get("country")
    if asked == "phone" and country and check_phone(text, str(country)).ok:
        # "mob 07700 900 461, landline 0161 496 0123 - which one do you want?": a number the
        # phone check accepts is the answer, kept (both numbers were lost to "not sure")
        recognised = (*reading.recognised, "phone")
        reading = dataclasses.replace(reading, recognised=recognised)
    if asked in _SHAPED and asked in reading.recognised and _not_given(text):
        reading = dataclasses.replace(reading, not_given=True)
    if asked == MENU and slots.get("correction_menu") == "invitation":
        if not COMPANY_STEP & {*reading.cleared, *reading.values}:
            code = code_alone(text)
            if code is not None:
                # "AAAA-BBBB-CCCC-DDDE" typed again: out of turn a code needs a digit, but here
                # one of the pair is asked for.
                return Reading(values={"invitation_code": code})
            return Reading(which=True)
    return reading


# The answer's confidence needed to say it beside the answers a message gives: its words are
# not all the question's, and an unasked answer is worse than none ("accounts@... - is it ok to
# use a shared mailbox?" chose the sender's address at 0.86).
SURE_ANSWER = 0.95


def also_asks(intent: str | None, text: str, reading: Reading, answer_confidence: float) -> bool:
    """Whether a message the form reads (its answers kept) also asks a question the NLU
    recognised surely, to be answered as well: "Belgique, notre TVA c'est BE 0629.720.535,
    c'est le même que le BCE ?" at the country question (the answers were lost to the
    answer). A question in words: an answer the NLU took for a question is not answered."""
    return (
        intent == "faq"
        and answer_confidence >= SURE_ANSWER
        and bool(reading.values)
        and reads_as_a_question(text)
    )


def _not_given(text: str) -> bool:
    """The message names our platform's brand, or holds bank details (Reading.not_given)."""
    return "sisid" in re.sub(r"[^a-z]", "", fold(text)) or bank_details_span(text) is not None


def for_the_rules(
    asked: str | None, intent: str | None, confidence: float, reading: Callable[[], Reading]
) -> bool:
    """Whether a message at the form's question ``asked`` is a question or a command that a
    rule answers (the form asks its question again), not something the form reads.

    ``reading`` reads the message (:func:`read_turn`), called only when the intent leaves a
    doubt. One decision for the Rasa server, which hands such a message to the rules without
    calling the action server (rasa_ext/forms.py), and for the form's validation action.
    """
    if asked is None or intent not in FOR_THE_RULES:
        return False  # activation: the message that started the registration is read
    if asked == "password" and confidence < CONFIDENT:
        return False  # most likely the password (the form reads it)
    read = reading()
    if asked == MENU and read.back_to_summary:
        return False  # "laissez tomber la correction" at the menu: back to the summary
    if intent == "change_language" and read.country_word:
        return False  # "francais" at the country question of a French conversation
    if intent in ("start_registration", "greet") and read.recognised:
        return False  # "bonjour, je veux m'inscrire : France, 732 829 320": answers kept
    if intent == "goodbye" and read.stance is Stance.WAIT:
        return False  # "je reviens", "hold on, I'll be right back": not leaving
    shaped = asked in _SHAPED and asked in read.recognised and read.values.get(asked)
    if shaped and not read.not_given:
        # "accounts@kestrel-print.co.uk - actually hang on, is it ok to use a shared mailbox?"
        # at the address question: the address is kept and read back (it got the sender's
        # address answer, and the address was lost). Unless the message names our own
        # platform's addresses ("noreply@sis-id.com-securite.ru c normal ?": a question) or
        # holds bank details (the warning comes first).
        return False
    if asked == "country" and {"country", "company_id"} <= set(read.values):
        # "Belgique. notre numéro de TVA c'est BE 0629.720.535, c'est le même que le BCE ?":
        # the country and the identifier are kept, and the question answered (both were lost
        # to the answer: sixth outside tester)
        return False
    if asked in YES_NO_SLOTS and read.stance is Stance.DONT_KNOW and confidence >= CONFIDENT:
        # "vous pouvez me redire le mot de passe que j'ai tapé ? je ne m'en souviens plus" at
        # the terms: a sure question, answered (it was a "no" to the terms)
        return True
    if read.elsewhere or read.reused:
        # "je vous l'ai déjà donné au dessus" at the password question: not an account that
        # exists (it got the login answer), the password asked here; "les mêmes coordonnées"
        # at the first name question: the previous account's, not a question
        return False
    knows_better = read.stance or read.corrected or read.which
    return not (intent in _OVERRIDABLE and (knows_better or read.special_characters))
