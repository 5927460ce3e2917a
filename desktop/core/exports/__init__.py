"""What the office sends on: the figures shared by the workbook, the dashboard and the summary PDFs."""
