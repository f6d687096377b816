"""Drills on the documented stack (bench/stack.py): scale-out and client addresses."""
