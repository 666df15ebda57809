"""Learning from what agents actually send: outcomes, edit distance, gate bypass."""
