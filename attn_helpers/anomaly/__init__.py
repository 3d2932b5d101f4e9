"""Chapter 3: sine waves with a flat section, classified by a BiLSTM with additive attention or pooling.

Rooms: ``data`` (the series, the rules), ``model`` (the classifiers), ``metrics`` (classification and
where the attention lands), ``plots`` (figures and the explorer), ``exercise`` (the write-it-yourself checker).
"""
