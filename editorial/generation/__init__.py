"""The continuation generator: a model writes the next pass of an article that
stops mid-sentence, through the same path as a pass sent by the API.

See docs/generation.md. ``config`` reads the settings, ``prompts`` fills the
editors' template, ``client`` speaks the chat-completions protocol, ``runner``
decides and records one step, ``marks`` notices a person's edit of a generated
pass, ``panel`` and ``admin`` show it to editors. The Celery tasks (and
``queue_generation``, which the workflow calls) are in ``editorial/tasks.py``.
"""
