"""The monitoring and evaluation report: /report and ``python -m bot report``."""
