"""Off-script conversations (issue 14, item 9): suppliers who do not follow the script.

The YAML files here are the set: personas (facts) and behaviour scripts, written before any
tuning of the assistant and never used as training data. ``python -m bench.conversations``
(``make conversations``) runs them through the REST channel of the real stack and reports, by
category and language, how many complete, complete after a restart, need an advisor, or get
stuck. script.py reads the set, questions.py recognises what the assistant asks, driver.py
plays the conversations.
"""
