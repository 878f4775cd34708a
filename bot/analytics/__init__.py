"""Reading the tracker store for analysts: conversation summaries, transcripts, the report,
retention and erasure, and the NLU quality summary.
"""
