"""Matching tasks: written by the matching work."""
