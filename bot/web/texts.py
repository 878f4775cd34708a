"""The web pages' own words, French first and English second (the article is a template)."""

from __future__ import annotations

from bot.checks.language import DEFAULT_LANGUAGE, LANGUAGES

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "site": "Centre d'aide My Sis ID",
        "home_url": "/",
        "other_lang": "en",
        "other_language": "English",
        "footer": "My Sis ID · Centre d'aide",
        "breadcrumb_label": "Fil d'Ariane",
        "breadcrumb_home": "Accueil",
        "breadcrumb_section": "Créer mon compte My Sis ID",
        "article_title": "Première connexion : je me crée un compte My Sis ID",
        "chat_hint": "Une question ? L'assistant, en bas à droite de la page, vous guide pas à "
        "pas dans votre inscription.",
        "back_to_help": "Retour au centre d'aide",
        # Activation
        "activate_title": "Activer mon compte",
        "activate_intro": "Pour terminer votre inscription sur My Sis ID et vérifier votre "
        "adresse email, cliquez sur le bouton ci-dessous.",
        "activate_account": "Compte :",
        "activate_button": "Activer mon compte",
        "activated_title": "Votre compte est activé",
        "activated_text": "Merci, votre adresse email est vérifiée. Vous pouvez maintenant vous "
        "connecter à My Sis ID pour sécuriser votre compte et les coordonnées bancaires de "
        "votre société.",
        "already_title": "Votre compte est déjà activé",
        # Whichever link activated it: this one, or a newer one (this one then never served).
        "already_text": "Votre compte est actif : connectez-vous à My Sis ID avec votre adresse "
        "email et votre mot de passe.",
        "expired_title": "Ce lien d'activation a expiré",
        "expired_text": "Pour des raisons de sécurité, le lien n'est valable que {hours} heures. "
        "Demandez à l'assistant, dans la fenêtre de discussion du centre d'aide, de vous "
        "renvoyer l'email d'activation (par exemple : « je n'ai pas reçu l'email "
        "d'activation »).",
        "superseded_title": "Ce lien n'est plus valable",
        "superseded_text": "Un email d'activation plus récent vous a été envoyé : cliquez sur le "
        "bouton « Activer mon compte » du dernier email reçu. Pensez à vérifier vos courriers "
        "indésirables. Si vous ne le trouvez pas, demandez à l'assistant de vous le renvoyer.",
        "unknown_title": "Lien d'activation inconnu",
        "unknown_text": "Nous ne reconnaissons pas ce lien. Cliquez directement sur le bouton "
        "« Activer mon compte » de l'email, ou copiez le lien en entier. Si le problème "
        "persiste, demandez à l'assistant, dans la fenêtre de discussion du centre d'aide, de "
        "vous renvoyer l'email d'activation.",
        # Errors
        "not_found_title": "Page introuvable",
        "not_found_text": "Cette page n'existe pas. Vous pouvez revenir au centre d'aide.",
        "dev_terms_title": "Acte d'Adhésion aux Conditions Générales d'Utilisation",
        "dev_terms_text": "Page de développement : sur le site, ce lien mène au document publié "
        "par My Sis ID (réglage TERMS_URL, obligatoire hors développement).",
        "unavailable_title": "Service momentanément indisponible",
        "unavailable_text": "Nous n'avons pas pu traiter votre demande. Veuillez réessayer dans "
        "quelques instants.",
        "bad_request_title": "Demande incorrecte",
        "bad_request_text": "Nous n'avons pas pu lire votre demande. Veuillez réessayer depuis "
        "le centre d'aide.",
        # The chat's rate limits (HTTP 429): the widget shows them, then tries again by itself.
        "slow_down_text": "Vous envoyez des messages un peu trop vite. L'assistant vous répond "
        "dans {seconds} secondes.",
        "busy_connection_text": "Beaucoup de messages arrivent depuis votre connexion en ce "
        "moment. L'assistant vous répond dans {seconds} secondes.",
        "too_many_text": "Vous avez envoyé beaucoup de messages : l'assistant fait une pause. "
        "Vous pourrez reprendre dans {minutes} min.",
        # The password field's limits count per connection too: not the supplier's doing.
        "too_many_passwords_text": "Beaucoup de mots de passe ont été vérifiés depuis votre "
        "connexion : vous pourrez choisir le vôtre dans {minutes} min.",
    },
    "en": {
        "site": "My Sis ID Help Centre",
        "home_url": "/en/",
        "other_lang": "fr",
        "other_language": "Français",
        "footer": "My Sis ID · Help Centre",
        "breadcrumb_label": "Breadcrumb",
        "breadcrumb_home": "Home",
        "breadcrumb_section": "Create my My Sis ID account",
        "article_title": "First login: creating your My Sis ID account",
        "chat_hint": "A question? The assistant, at the bottom right of the page, guides you "
        "step by step through your registration.",
        "back_to_help": "Back to the help centre",
        "activate_title": "Activate my account",
        "activate_intro": "To complete your registration on My Sis ID and verify your email "
        "address, please click the button below.",
        "activate_account": "Account:",
        "activate_button": "Activate my account",
        "activated_title": "Your account is activated",
        "activated_text": "Thank you, your email address is verified. You can now log in to "
        "My Sis ID to secure your account and your company's bank details.",
        "already_title": "Your account is already activated",
        "already_text": "Your account is active: log in to My Sis ID with your email address "
        "and your password.",
        "expired_title": "This activation link has expired",
        "expired_text": "For security reasons, the link is only valid for {hours} hours. Please "
        "ask the assistant, in the help centre's chat window, to send the activation email "
        'again (for example: "I did not receive the activation email").',
        "superseded_title": "This link is no longer valid",
        "superseded_text": "A more recent activation email has been sent to you: please click "
        'the "Activate my account" button in the latest email you received. Remember to check '
        "your spam folder. If you cannot find it, ask the assistant to send it again.",
        "unknown_title": "Unknown activation link",
        "unknown_text": 'We do not recognise this link. Please click the "Activate my account" '
        "button in the email directly, or copy the whole link. If the problem persists, ask the "
        "assistant, in the help centre's chat window, to send the activation email again.",
        "not_found_title": "Page not found",
        "not_found_text": "This page does not exist. You can go back to the help centre.",
        "dev_terms_title": "Terms of Use Membership Agreement",
        "dev_terms_text": "Development page: on the site, this link leads to the document "
        "published by My Sis ID (the TERMS_URL setting, required outside development).",
        "unavailable_title": "Service temporarily unavailable",
        "unavailable_text": "We could not process your request. Please try again in a moment.",
        "bad_request_title": "Invalid request",
        "bad_request_text": "We could not read your request. Please try again from the help "
        "centre.",
        "slow_down_text": "You are sending messages a little too fast. The assistant will "
        "answer in {seconds} seconds.",
        "busy_connection_text": "Many messages are arriving from your connection right now. The "
        "assistant will answer in {seconds} seconds.",
        "too_many_text": "You have sent a lot of messages: the assistant is taking a break. "
        "You can go on in {minutes} min.",
        "too_many_passwords_text": "Many passwords have been checked from your connection: you "
        "can choose yours in {minutes} min.",
    },
}


# The chat widget's own words (bot/web/static/widget.js reads them from the page), by language.
WIDGET_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Assistant My Sis ID",
        "launcher": "Besoin d'aide ?",
        "close": "Fermer la discussion",
        "log": "Conversation avec l'assistant",
        "input": "Votre message",
        "placeholder": "Écrivez votre message…",
        "password": "Votre mot de passe (masqué)",
        "passwordPlaceholder": "Saisissez votre mot de passe",
        "passwordHint": "Votre mot de passe reste masqué et n'apparaît pas dans la conversation.",
        "leavePassword": "Écrire un message plutôt qu'un mot de passe",
        "send": "Envoyer",
        "typing": "L'assistant écrit…",
        "unavailable": "L'assistant est momentanément indisponible.",
        "unavailableHint": "Votre message n'a pas été perdu : vous pouvez réessayer.",
        "retry": "Réessayer",
        "slowDown": "Vous envoyez des messages un peu trop vite : nouvel essai dans quelques "
        "secondes.",
        "you": "Vous",
        "bot": "Assistant",
        "passwordSent": "Mot de passe envoyé (masqué)",
        "choices": "Réponses proposées",
        "newTab": "(s'ouvre dans un nouvel onglet)",
        "tooLong": "Votre message a atteint la longueur maximale : ce qui dépasse n'a pas été "
        "pris. Envoyez la suite dans un autre message.",
    },
    "en": {
        "title": "My Sis ID assistant",
        "launcher": "Need help?",
        "close": "Close the chat",
        "log": "Conversation with the assistant",
        "input": "Your message",
        "placeholder": "Type your message…",
        "password": "Your password (hidden)",
        "passwordPlaceholder": "Type your password",
        "passwordHint": "Your password stays hidden and does not appear in the conversation.",
        "leavePassword": "Write a message instead of a password",
        "send": "Send",
        "typing": "The assistant is typing…",
        "unavailable": "The assistant is temporarily unavailable.",
        "unavailableHint": "Your message has not been lost: you can try again.",
        "retry": "Try again",
        "slowDown": "You are sending messages a little too fast: trying again in a few seconds.",
        "you": "You",
        "bot": "Assistant",
        "passwordSent": "Password sent (hidden)",
        "choices": "Suggested answers",
        "newTab": "(opens in a new tab)",
        "tooLong": "Your message has reached the maximum length: anything beyond it was not kept. "
        "Send the rest in another message.",
    },
}


def preferred_language(accept_language: str | None) -> str:
    """French or English from an Accept-Language header; French when neither is asked for.

    Written by hand: only two languages to choose from, so a negotiation library would be
    more code than these lines.
    """
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower()[:2]
        if language not in LANGUAGES:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = language, q
    return best
