"""A classroom burst under locust; see run.py."""
