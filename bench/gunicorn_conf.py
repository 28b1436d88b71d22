"""gunicorn settings for the benchmarks, in place of the project's gunicorn.conf.py.

Given with ``--config``, so the production file is not read: its access log
would write a line per request into the benchmark's own output, and its
worker recycling (max_requests) would restart workers every few seconds at
the floors' request rates, in the middle of a measurement.
"""

accesslog = None
max_requests = 0
