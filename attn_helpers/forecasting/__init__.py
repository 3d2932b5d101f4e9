"""Chapters 1 and 2: forecasting one step ahead with an LSTM, and attention pooling over its states."""
