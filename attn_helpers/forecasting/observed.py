"""Observed series that ship inside a PyPI package and load offline (Chapter 2).

Both come with ``pmdarima`` (its ``datasets`` module reads files installed with the package).
"""
import pandas as pd


def taylor_demand() -> pd.Series:
    """Half-hourly electricity demand in England and Wales (megawatts), Monday 5 June to Sunday
    27 August 2000: 12 weeks, 4,032 observations, with a daily (48) and a weekly (336) period.

    The package gives the values only; the half-hourly timestamps are put on from the dates it states.
    """
    from pmdarima.datasets import load_taylor

    values = load_taylor()
    index = pd.date_range("2000-06-05 00:00", periods=len(values), freq="30min")
    return pd.Series(values, index=index, name="demand (MW)")


def msft_close(start: str | None = None) -> pd.Series:
    """Daily closing price of Microsoft stock (US dollars, adjusted for splits), one value per trading
    day from 13 March 1986 to 10 November 2017; from ``start`` (a date) on when given."""
    from pmdarima.datasets import load_msft

    frame = load_msft()
    close = pd.Series(frame["Close"].to_numpy(float), index=pd.DatetimeIndex(frame["Date"]), name="close (USD)")
    return close if start is None else close[close.index >= pd.Timestamp(start)]
