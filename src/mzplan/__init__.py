"""mzplan: track the quantitative indicators of Chinese civil-affairs development plans."""

__version__ = "0.1.0"
