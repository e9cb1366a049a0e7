"""Order-flow signals: incremental detectors over the market state (docs/SIGNALS.md)."""
