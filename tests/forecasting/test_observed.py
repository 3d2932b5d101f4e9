import socket

import numpy as np
import pandas as pd
import pytest

from attn_helpers.forecasting.observed import seattle_hourly_temperatures


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the loader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_seattle_loads_offline_on_a_regular_hourly_index(no_network):
    temps, filled = seattle_hourly_temperatures()
    assert len(temps) == 365 * 24 and temps.index.freq == pd.Timedelta("1h")
    assert temps.index[0] == pd.Timestamp("2010-01-01 00:00") and temps.index[-1] == pd.Timestamp("2010-12-31 23:00")
    assert np.isfinite(temps.to_numpy()).all() and 30 < temps.min() < temps.max() < 90
    # the file lacks one hour (the spring clock change); it is filled halfway between its neighbours
    assert list(filled) == [pd.Timestamp("2010-03-14 03:00")]
    before, after = temps[filled[0] - pd.Timedelta("1h")], temps[filled[0] + pd.Timedelta("1h")]
    assert temps[filled[0]] == pytest.approx((before + after) / 2)
