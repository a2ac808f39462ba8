"""Intake kiosk: patient check-in, consent, screening and pre-session checklist on the clinic's own machine."""

__version__ = "0.1.0"
