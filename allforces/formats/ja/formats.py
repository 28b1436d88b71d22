"""Dates and times as editors in Japan type them, for every form in the project.

Django's own Japanese locale sets no input formats, so without these a form
falls back to the American defaults and refuses ``2026/12/3`` and
``2026年12月3日``. strptime reads unpadded numbers (``12/3``, ``9:30``) as well
as padded ones. The first entry of each list is how a form writes a stored
value back and how the admin's calendar and clock fill the input, so it must
be a form their script can read back (it splits dates on ``/``, ``-`` and ``.``).
"""

DATE_INPUT_FORMATS = ["%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f", "%H時%M分", "%H時"]
DATETIME_INPUT_FORMATS = [
    *(f"{date} {time}" for date in DATE_INPUT_FORMATS for time in TIME_INPUT_FORMATS),
    # 「2026年12月3日9時30分」 is written without a space as often as with one.
    *(f"%Y年%m月%d日{time}" for time in TIME_INPUT_FORMATS),
    # A date alone is midnight, as Django's defaults have it.
    *DATE_INPUT_FORMATS,
]
# Calendars in Japan start on Sunday.
FIRST_DAY_OF_WEEK = 0
