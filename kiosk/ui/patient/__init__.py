"""Intake kiosk."""
