"""Attendance, check-in, round summary, planning and printing screens of a round."""
