FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 allforces

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=allforces:allforces . .
# collectstatic needs settings but no database; the key is only for this step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var && chown allforces:allforces /app/media /app/var

USER allforces
EXPOSE 8000
CMD ["gunicorn", "allforces.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
