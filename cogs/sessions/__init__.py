"""Sessions: planning, announcing and attending capacity-building sessions; reminders; calendars."""
