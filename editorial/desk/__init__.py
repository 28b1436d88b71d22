"""The admin's home page (the desk) and the in-app notifications it leads to."""
