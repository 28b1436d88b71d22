"""A mail server that stalls, for killing a worker in the middle of sending.

The file backend, except that before each message it waits for as long as
``stall`` exists in EMAIL_FILE_PATH, and leaves ``stalled`` there to say so.
"""

import time
from pathlib import Path

from django.core.mail.backends import filebased


class StallingFileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        directory = Path(self.file_path)
        sent = 0
        for message in email_messages:
            while (directory / "stall").exists():
                (directory / "stalled").touch()
                time.sleep(0.05)
            sent += super().send_messages([message])
        return sent
