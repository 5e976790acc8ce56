"""Step 4: the only code that writes outputs to disk."""
