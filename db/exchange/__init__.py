"""Files exchanged with the central office (the province workbook), readable by the desktop and the server."""
