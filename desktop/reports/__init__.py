"""PDF and Excel writers."""
