"""The engine: selection, periods and the reports; every figure a column, never formatted here."""
