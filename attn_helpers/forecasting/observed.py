"""A real hourly series that ships inside a PyPI package and loads offline (Chapter 2)."""
import pandas as pd


def seattle_hourly_temperatures() -> tuple[pd.Series, pd.DatetimeIndex]:
    """Hourly temperatures in Seattle during 2010 (degrees Fahrenheit), from the copy of the file that
    the ``vega_datasets`` package installs (``local_data``: no download).

    The file has 8,759 rows; one hour is missing (the spring clock change). The series is put on a
    regular hourly index and the missing hours are filled by linear interpolation.
    -> (series, the timestamps that were filled)
    """
    from vega_datasets import local_data

    frame = local_data.seattle_temps()
    series = frame.set_index("date")["temp"].astype(float).sort_index()
    if series.index.has_duplicates:
        raise ValueError("the Seattle file holds duplicate timestamps; expected one row per hour")
    hourly = series.asfreq("h")
    filled = hourly.index[hourly.isna()]
    hourly = hourly.interpolate(method="linear")
    hourly.name = "temperature (F)"
    return hourly, filled
