"""Storage: atomic file writes, staged folder swaps with crash recovery, checksums."""
