"""Eval suites (data), runners, scorers and reports."""
