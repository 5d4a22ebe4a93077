"""Everything that reads input into the store: year files (YAML), fact tables, ERP exports (SIE, CSV)."""
