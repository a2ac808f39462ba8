"""What every layer's refusals have in common: a request turned down for a reason said in words a person can
act on ("There is no appointment 12", "Front desk may not see scores"), as opposed to a defect or a failing
disk. The console shows a RefusedError as it is and logs it as information; anything else is logged with its
traceback and shown as a failure to retry (kiosk.ui.staff.controls.show_refusal)."""

from __future__ import annotations


class RefusedError(Exception):
    """A request refused for a reason stated in the message; nothing was changed."""
