"""Chapter 3: sine waves with a flat section, classified by a BiLSTM with additive attention."""
