"""Pure validation and formatting rules shared by every layer (IDs, BE dates, money, digits)."""
