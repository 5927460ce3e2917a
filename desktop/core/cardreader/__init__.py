"""Reading the Thai national ID card: the APDU parser (thaiid) and the PC/SC reader over pyscard (reader)."""
