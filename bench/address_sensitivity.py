"""`python -m bench.address_sensitivity [--model PATH]`: does the NLU's reading of a message
depend on which email address it holds? 16 sentences, French and English, each read with 25
realistic addresses (seeded): prints, for each sentence, the readings it got (the intent, or the
answer's topic) and how many sentences got more than one. 12 of 16 did before the NLU read
addresses as placeholders (rasa_ext/placeholders.py, docs/quality.md); 0 after. Loads the model
in this process; the NLU components' code is the working tree's (an older model is read with
today's placeholders)."""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import random

from tests.factories import ROOT

FIRST = (
    "claire jean marie paul sophie luc anne nicolas julie thomas emma david sarah olivier".split()
)
LAST = "martin bernard dubois durand lefebvre moreau girard smith jones taylor brown roux".split()
DOMAINS = [
    "acme-industrie.fr",
    "gmail.com",
    "orange.fr",
    "transports-roux.fr",
    "northwind.co.uk",
    "cabinet-ferrand.fr",
    "outlook.com",
    "boulangerie-petit.fr",
    "hexatop.com",
    "btp-sud.fr",
    "yahoo.fr",
    "compta-plus.be",
]
SENTENCES = [
    "je me suis inscrite avec {e} mais je n'ai pas reçu l'email d'activation",
    "I registered with {e} but never got the activation email",
    "je voudrais changer mon adresse {e}",
    "I want to change my email {e} to another one",
    "mon adresse c'est {e}",
    "my email is {e}",
    "le lien d'activation envoyé à {e} a expiré",
    "the activation link sent to {e} has expired",
    "j'ai oublié le mot de passe du compte {e}",
    "I forgot the password of {e}",
    "mon collègue {e} a quitté l'entreprise, il avait reçu l'invitation",
    "my colleague {e} left, he had the invitation",
    "je n'ai pas reçu d'invitation sur {e}",
    "est-ce que le mail reçu sur {e} est bien de vous ?",
    "how do I add a second user {e}",
    "bonjour, {e}, je n'arrive pas à me connecter",
]


def _reading(parse_data: dict) -> str:
    intent = parse_data["intent"]["name"]
    selected = (parse_data.get("response_selector") or {}).get(intent) or {}
    return (selected.get("response") or {}).get("intent_response_key") or intent


async def _main(model: str) -> int:
    from rasa.core.agent import Agent

    import rasa_ext  # noqa: F401  (the project's components)

    agent = Agent.load(model)
    rnd = random.Random(7)  # noqa: S311  (the same addresses every run, not a secret)
    addresses = [f"{rnd.choice(FIRST)}.{rnd.choice(LAST)}@{rnd.choice(DOMAINS)}" for _ in range(25)]
    depending = 0
    for sentence in SENTENCES:
        readings = collections.Counter()
        for address in addresses:
            readings[_reading(await agent.parse_message(sentence.format(e=address)))] += 1
        depending += len(readings) > 1
        print(f"{len(readings)} {readings.most_common(4)}  <- {sentence}")
    print(f"sentences whose reading depends on the address: {depending} of {len(SENTENCES)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "onboarding.tar.gz"))
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.ERROR)  # Rasa logs every parse at debug level otherwise
    return asyncio.run(_main(args.model))


if __name__ == "__main__":
    raise SystemExit(main())
