"""One module per language, each a flat dict of key to text."""
