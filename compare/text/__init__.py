"""Text: every word a reader sees. Number formats by unit, shares, plurals and lists, and the
sentences computed from comparisons, profiles and coverage tables (never typed by hand)."""
