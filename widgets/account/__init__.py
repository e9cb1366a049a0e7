"""The paper account: position, P&L, risk and open orders."""

from widgets.account.view import AccountView

__all__ = ["AccountView"]
