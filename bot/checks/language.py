"""Which language a message is written in, and which language a supplier asks for.

The assistant speaks French and English. Suppliers of the platform also write in the languages
of its other countries (the identifier registry's: German, Dutch, Italian, Spanish, Portuguese):
those messages get a short answer in their language, not a guess at their meaning.

:func:`written_in` says which of these seven languages a message is plainly written in, or None.
On a few words statistical identification alone guesses wildly ("ça marche" scores as
Portuguese, "order a pizza" as Italian), so two sources must agree:

- py3langid (its model ships inside the package, nothing is downloaded), restricted to the
  seven languages, for the most likely one;
- the function words of each language (stopwordsiso's lists): a message in German has German
  words that are not French or English ones ("ich", "nicht"), and a French or English message
  has words that no other of the seven languages uses ("ça", "the").

Short messages ("ok", a name, an email address, a SIREN) say nothing: None. Tuned on the 2,900
French and English training examples, none of which reads as another language
(tests/checks/test_language.py).

:func:`requested_language` reads an explicit request ("English please", "je ne parle pas
anglais", "Sorry, I don't speak French. Can we continue in English?"): the language named
without a negation wins, else the other one of the language refused.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The assistant's languages and the one spoken when nothing says which: defined here only,
# every other module (channel, mail, web pages, command line) imports them.
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
# The languages of the platform's other countries (bot/checks/identifiers.py): answered with a
# short message in that language, offering French or English.
OTHER_LANGUAGES = ("de", "nl", "it", "es", "pt")
ALL_LANGUAGES = (*LANGUAGES, *OTHER_LANGUAGES)

# Fewer words say nothing: "ok", "Jean Dupont", "United Kingdom".
MIN_WORDS = 3
MIN_PROBABILITY = 0.9
# What is read of a long message to say its language.
_ENOUGH_TEXT = 1000
# From this many words, one function word of another language is enough to say it is that one.
_LONG_ENOUGH = 6

_WORD = re.compile(r"[^\W\d_]+")
# Addresses, links and words with digits, from where a word starts (the look-behind): tried at
# every character, a long word took time quadratic in its length (0.3 s for 5,000 characters).
_NOT_PROSE = re.compile(r"(?<!\S)(?:\S+@\S+|https?://\S+|\S*\d\S*)")


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model cut down to our seven languages.

    Its ``set_languages`` keeps the whole 97-language model beside the restricted one (about
    30 MB in the Rasa server); the columns of the seven are all it needs.
    """
    import lzma
    import pickle
    from pathlib import Path

    import numpy as np
    from py3langid import langid

    with lzma.open(Path(langid.__file__).parent / langid.MODEL_FILE) as model:
        nb_ptc, nb_pc, nb_classes, tk_nextmove, tk_output = pickle.load(model)  # noqa: S301
    kept = np.array([c in ALL_LANGUAGES for c in nb_classes])
    features = len(nb_ptc) // len(nb_pc)
    nb_ptc = np.array(nb_ptc).reshape(features, len(nb_pc))[:, kept].copy()
    classes = [c for c in nb_classes if c in ALL_LANGUAGES]
    return langid.LanguageIdentifier(
        nb_ptc, np.array(nb_pc)[kept], features, classes, tk_nextmove, tk_output, norm_probs=True
    )


def _probabilities(prose: str) -> dict[str, float]:
    return dict(_identifier().rank(prose))


# Words every language here uses alike, whatever stopwordsiso's lists say ("ok" is in the
# English list only): "ok on y va" is French.
# "fine" is an Italian stopword and the English of "ok fine, I accept".
_SHARED_WORDS = frozenset({"ok", "okay", "oh", "ah", "eh", "hmm", "hm", "fine"})


@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset[str]]:
    from stopwordsiso import stopwords

    return {language: frozenset(stopwords(language)) - _SHARED_WORDS for language in ALL_LANGUAGES}


def function_words(language: str) -> frozenset[str]:
    """The function words of ``language`` (one of the seven), lower case: "que", "pour",
    "the", "as" (stopwordsiso's lists)."""
    return _function_words()[language]


@lru_cache(maxsize=1)
def _french_or_english_only() -> frozenset[str]:
    """Function words of French or English that none of the other five languages uses."""
    words = _function_words()
    others = frozenset().union(*(words[language] for language in OTHER_LANGUAGES))
    return (words["fr"] | words["en"]) - others


# The platform's name is in every language's messages, and its words are English ("Hola, recibí
# una invitación para registrarme en My Sis ID" was not Spanish: "my" and "id" are English).
_PLATFORM_NAME = re.compile(r"\b(?:my\s*)?sis[\s-]?id\b", re.IGNORECASE)


def words_of(text: str) -> list[str]:
    """The words of ``text``, lowercased, without addresses, links, anything with a digit and
    the platform's name."""
    prose = _PLATFORM_NAME.sub(" ", _NOT_PROSE.sub(" ", text or ""))
    return [w.lower() for w in _WORD.findall(prose)]


# The five other languages named in their own words: "¿Hablan español?", "Parla italiano?".
_OWN_NAMES = {
    "deutsch": "de",
    "nederlands": "nl",
    "italiano": "it",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "português": "pt",
    "portugues": "pt",
}


def written_in(text: str, min_words: int = MIN_WORDS) -> str | None:
    """The language (one of :data:`ALL_LANGUAGES`) ``text`` is plainly written in, else None.

    Another language named in its own words in a short question ("Parla italiano?",
    "Sprechen Sie Deutsch?") is that language, where a message may be that short (not at a
    name's question: ``min_words`` above :data:`MIN_WORDS`, "Paul Deutsch")."""
    # Its beginning says it plainly; the language identifier's time grows with the text (a
    # script's 5,000 characters took 0.2 s of the Rasa server's CPU).
    words = words_of(text[:_ENOUGH_TEXT])
    refusing = _refusing_both_in(text[:_ENOUGH_TEXT])
    if refusing is not None:
        return refusing  # "no hablo francés ni inglés": read as French, then as a request
    named = {_OWN_NAMES[w] for w in words if w in _OWN_NAMES}
    if len(named) == 1 and len(words) >= 2 and min_words <= MIN_WORDS:
        if not any(w in _french_or_english_only() for w in words):
            return named.pop()
    if len(words) < min_words:
        return None
    probabilities = _probabilities(" ".join(words))
    function_words = _function_words()
    language = max(probabilities, key=probabilities.get)
    probability = probabilities[language]
    if language in OTHER_LANGUAGES:
        french_or_english = _french_or_english_only()
        own = function_words[language] - function_words["fr"] - function_words["en"]
        # A short message needs two of that language's own words: one can be a French or
        # English word too ("i" is Italian, "ok fine, I accept" is not).
        needed = 1 if len(words) >= _LONG_ENOUGH else 2
        if (
            probability >= MIN_PROBABILITY
            and len({w for w in words if w in own}) >= needed
            and not any(w in french_or_english for w in words)
        ):
            return language
    # French or English: the two-way choice, confirmed by more function words of that one.
    language = max(LANGUAGES, key=probabilities.get)
    other = "en" if language == "fr" else "fr"
    both = probabilities[language] + probabilities[other]
    if not both:
        return None  # another language by far, without its own function words
    probability = probabilities[language] / both
    own = function_words[language] - function_words[other]
    theirs = function_words[other] - function_words[language]
    if probability >= MIN_PROBABILITY and sum(w in own for w in words) > sum(
        w in theirs for w in words
    ):
        return language
    return None


# --- explicit requests --------------------------------------------------------------------------

# How French and English are named in the seven languages (typed without accents too), by the
# language that names them: without accents, "frances" and "ingles" are Spanish or Portuguese,
# read as Spanish, the more common.
_NAMES_IN = {
    "fr": ("français francais", "anglais"),
    "en": ("french", "english"),
    "es": ("francés frances", "inglés ingles"),
    "it": ("francese", "inglese"),
    "de": ("französisch franzosisch", "englisch"),
    "nl": ("frans", "engels"),
    "pt": ("francês", "inglês"),
}
# Each word: the language it names, and the language it is a word of.
_NAMED = {
    word: language
    for names in _NAMES_IN.values()
    for language, words in zip(LANGUAGES, names, strict=True)
    for word in words.split()
}
_NAMED_IN = {
    word: naming for naming, names in _NAMES_IN.items() for word in " ".join(names).split()
}


def named_at(text: str, language: str) -> tuple[int, int] | None:
    """Where ``text`` names ``language`` last (start, end), if it does."""
    spans = [
        m.span()
        for m in re.finditer(r"[^\W\d_]+", text or "")
        if _NAMED.get(m.group().lower()) == language
    ]
    return spans[-1] if spans else None


# Words that refuse what follows them in the same clause: "I don't speak", "pas en", "kein".
_REFUSING = set(
    "not no never without ne pas jamais sans plutôt nicht kein keine niet geen non não nao "
    "neither nor ni né nem weder "
    "than instead lieu".split()
)
_REFUSAL_REACH = 4  # words between the refusal and the language it refuses
# Words about the conversation's language: with a language named, the message is a request.
_ABOUT_SPEAKING = re.compile(
    r"^(speak|talk|write$|repl|respon|answer|continu|carry|switch|chang|chat|understand|"
    r"language|use|prefer|easier|parl|écri|ecri|répon|repon|pass|repass|bascul|compren|"
    r"langue|discut|utilis|préf|pref|"
    r"sprech|sprich|versteh|sprache|spreek|sprek|begrijp|taal|capisc|lingua|habl|entiend|"
    r"idioma|fal|entend|percebo|língua)"
)
# Short, polite or bare requests: "English please", "en français svp", "anglais ?".
_POLITE = set("please pls plz svp stp merci bitte alstublieft favor favore".split())
_MAX_REQUEST_WORDS = 15  # a longer message only mentions a language in passing


_CLAUSE_ENDS = frozenset(".!?;,:")
_POLITE_PHRASES = re.compile(r"s'il (vous|te) pla[iî]t|por favor|per favore|thank you")


def _tokens(text: str) -> list[str]:
    text = (text or "").lower().replace("n't", " not").replace("’", "'")
    text = _POLITE_PHRASES.sub(" please ", re.sub(r"\bn'", "ne ", text))
    return re.findall(r"[^\W\d_]+|[.!?;,:]", text)


# Words that introduce the language asked for: "in English", "en anglais", "auf Englisch".
_INTO = frozenset("in into en auf em op".split())


# Place names that hold a language's name: "French Guiana" at the country question is a
# country, not a request to speak French (sixth outside tester).
_PLACE_AFTER = frozenset(
    "guiana guyana polynesia southern antilles west overseas riviera alps channel".split()
)


def _mentions(text: str) -> list[tuple[str, bool, bool]]:
    """The languages named in ``text``, in order, each with whether it is refused and
    whether it is introduced as the one to use ("continue in English", "parler anglais",
    "English please")."""
    found: list[tuple[str, bool, bool]] = []
    last_refusal = None
    tokens = _tokens(text)
    for index, word in enumerate(tokens):
        if word in _CLAUSE_ENDS:
            last_refusal = None
        elif word in _REFUSING:
            last_refusal = index
        elif word in _NAMED:
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            if after in _PLACE_AFTER:
                continue
            refused = last_refusal is not None and index - last_refusal <= _REFUSAL_REACH
            before = tokens[index - 1] if index else ""
            introduced = before in _INTO or bool(_ABOUT_SPEAKING.match(before)) or after in _POLITE
            found.append((_NAMED[word], refused, introduced))
    return found


def _refusing_both_in(text: str) -> str | None:
    """The other language of a message that refuses both French and English in its words ("no
    hablo francés ni inglés", "non parlo né francese né inglese"); None for any other message.
    Too short for the language identifier, it read as French, then as a request to switch."""
    mentions = _mentions(text)
    if {language for language, _, _ in mentions} != set(LANGUAGES):
        return None
    if not all(refused for _, refused, _ in mentions):
        return None
    named_in = {_NAMED_IN[word] for word in _tokens(text) if word in _NAMED}
    return named_in.pop() if len(named_in) == 1 and named_in <= set(OTHER_LANGUAGES) else None


def requested_language(text: str) -> str | None:
    """The language (fr or en) a request asks for: the one introduced as the language to use
    ("can we continue in English? my French is not good"), else the last one named without a
    refusal, else the other one of the language refused; None when the request names none."""
    mentions = _mentions(text)
    introduced = [language for language, refused, into in mentions if into and not refused]
    if introduced:
        return introduced[-1]
    wanted = [language for language, refused, _ in mentions if not refused]
    if wanted:
        return wanted[-1]
    refused = {language for language, _, _ in mentions}
    if len(refused) == 1:
        return next(language for language in LANGUAGES if language not in refused)
    return None


def asks_for_language(text: str) -> bool:
    """Whether ``text`` is plainly a request about the conversation's language: it names French
    or English and talks about speaking, or is a short polite or bare request."""
    if not _mentions(text):
        return False
    words = [word for word in _tokens(text) if word not in _CLAUSE_ENDS]
    if len(words) > _MAX_REQUEST_WORDS:
        return False
    if any(_ABOUT_SPEAKING.match(word) for word in words):
        return True
    rest = [w for w in words if w not in _NAMED and w not in _POLITE]
    return len(rest) <= 2 and len(words) <= 4  # "in English please", "en anglais svp"


def normalise_language(value: object) -> str | None:
    """A language code from metadata or an entity ("en", "EN", "en-GB", "english") or None."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    aliases = {"english": "en", "anglais": "en", "french": "fr", "français": "fr", "francais": "fr"}
    value = aliases.get(value, value[:2])
    return value if value in LANGUAGES else None
