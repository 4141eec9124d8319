"""statestore protocol-conformance suite: every Redis function driven directly with redis-py (see harness.py)."""
