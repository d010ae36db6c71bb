"""Wire formats. Each translates between its messages and the api layer."""
