"""Chapter 4: a GRU encoder-decoder with Bahdanau attention that reverses word order."""
