"""Consent packet documents: rendering (render.py), signing (signing.py, certificates.py),
verification (verification.py) and printing through CUPS (printing.py). No Qt and no database:
plain data in (packet_data.py), bytes and reports out."""
