"""The database's data key: kept by the OS for the user, a printable recovery key, opening a copied file."""
