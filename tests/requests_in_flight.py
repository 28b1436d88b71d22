"""How many requests the test process is serving right now (the live server's threads).

Added first to MIDDLEWARE by tests/conftest.py, so a test's teardown can wait until the
live server has answered the last request a browser sent before pytest-django truncates
the tables (see ``live_server_quiet_before_flush``).
"""

import threading

_serving = 0
_changed = threading.Condition()


class CountRequestsInFlight:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        global _serving
        with _changed:
            _serving += 1
        try:
            return self.get_response(request)
        finally:
            with _changed:
                _serving -= 1
                _changed.notify_all()


def wait_until_none(seconds: float) -> bool:
    """Whether every request finished within ``seconds``."""
    with _changed:
        return _changed.wait_for(lambda: _serving == 0, timeout=seconds)
