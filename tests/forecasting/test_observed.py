import socket

import numpy as np
import pandas as pd
import pytest

from attn_helpers.forecasting.observed import msft_close, taylor_demand


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the loader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_taylor_loads_offline_as_twelve_weeks_of_half_hours(no_network):
    demand = taylor_demand()
    assert len(demand) == 12 * 336 == 4032 and demand.index.freq == pd.Timedelta("30min")
    assert demand.index[0] == pd.Timestamp("2000-06-05 00:00")  # a Monday
    assert demand.index[0].day_of_week == 0 and demand.index[-1] == pd.Timestamp("2000-08-27 23:30")  # a Sunday
    assert np.isfinite(demand.to_numpy()).all() and 15_000 < demand.min() < demand.max() < 45_000


def test_taylor_repeats_daily_and_weekly():
    y = taylor_demand().to_numpy()

    def autocorrelation(lag):
        return np.corrcoef(y[lag:], y[:-lag])[0, 1]

    # the same half-hour a day and a week apart is far more alike than 12 hours apart
    assert autocorrelation(48) > 0.8 and autocorrelation(336) > 0.9 and autocorrelation(24) < 0.0


def test_msft_loads_offline_in_date_order_and_cuts_at_start(no_network):
    close = msft_close()
    assert close.index.is_monotonic_increasing and not close.index.has_duplicates
    assert close.index[0] == pd.Timestamp("1986-03-13") and close.index[-1] == pd.Timestamp("2017-11-10")
    assert np.isfinite(close.to_numpy()).all() and (close > 0).all()
    recent = msft_close(start="2010-01-01")
    assert recent.index[0] >= pd.Timestamp("2010-01-01") and recent.index[-1] == close.index[-1]
    assert recent.equals(close[close.index >= pd.Timestamp("2010-01-01")])
