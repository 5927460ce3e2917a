"""The pages of the main window, each made the first time it is shown (desktop.ui.main_window)."""
