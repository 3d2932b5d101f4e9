"""Chapter 5: how the input distribution shapes a Transformer forecaster's attention maps."""
