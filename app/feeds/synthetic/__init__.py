"""The synthetic market source: a seeded order-book simulation with labelled scenarios."""
