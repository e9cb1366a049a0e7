"""Scalpdesk: an order-flow scalping workstation for crypto perpetual futures."""

__version__ = "0.1.0"
