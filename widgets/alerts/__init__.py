"""The alert log: every order-flow signal found, newest first, and a click to go there."""

from widgets.alerts.view import AlertsView

__all__ = ["AlertsView"]
