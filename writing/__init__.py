"""The writing surface of the change form: counts, autosave, who else is here."""
