"""Credentials: password rules and hashing (`passwords`), failed-login throttling (`throttle`)."""
