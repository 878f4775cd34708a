"""`rasa test nlu --cross-validation` with the same folds on every run.

Rasa shuffles the examples into folds with an unseeded StratifiedKFold, so two runs on the same
data and config differ by a point or two of macro-F1: too much to tell whether a data or
config change helped. This runs the Rasa CLI with the shuffle seeded. Usage is the CLI's:
`python -m rasa_ext.cross_validate --nlu data --config config.yml --folds 3 --out DIR`.
"""

from __future__ import annotations

import sys

import sklearn.model_selection

SEED = 42
_StratifiedKFold = sklearn.model_selection.StratifiedKFold


class SeededStratifiedKFold(_StratifiedKFold):
    def __init__(self, n_splits: int = 5, *, shuffle: bool = False, random_state=None) -> None:
        if shuffle and random_state is None:
            random_state = SEED
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)


def seed_folds() -> None:
    # rasa.nlu.test imports StratifiedKFold from the module each time it builds the folds.
    sklearn.model_selection.StratifiedKFold = SeededStratifiedKFold


def main(argv: list[str]) -> None:
    seed_folds()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "test", "nlu", "--cross-validation", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
