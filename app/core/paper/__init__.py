"""The paper exchange: simulated orders, honest fills, brackets, account and risk limits (pure)."""
