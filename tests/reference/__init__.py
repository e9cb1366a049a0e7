"""Independent computations that tests compare the app's aggregates with (no app code reused)."""
