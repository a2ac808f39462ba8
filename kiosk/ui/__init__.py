"""Intake kiosk: the Qt layer (patient screens, staff console, widgets)."""

from kiosk.ui.source_scan import skip_source_scan

# Before any Qt-free module is imported after PySide6 (SQLAlchemy on the kiosk's worker, the services): see
# kiosk/ui/source_scan.py.
skip_source_scan()
