# The CMS image: one image for web (gunicorn), worker and beat; docker-compose.yml
# chooses the command. Build: docker build -t allforces-cms .

# Wheels are built where compilers may live, then only the wheels travel on.
FROM python:3.11-slim-bookworm AS wheels
# requirements-s3.txt adds media on object storage (docs/deploy.md).
ARG REQUIREMENTS=requirements.txt
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /wheels
COPY requirements*.txt ./
RUN pip wheel --wheel-dir /wheels -r "$REQUIREMENTS"

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin allforces
WORKDIR /app

COPY --from=wheels /wheels /wheels
RUN pip install --no-index --find-links /wheels /wheels/*.whl && rm -rf /wheels

COPY . .
# Static files are collected (hashed, compressed for whitenoise) into the image
# at build time, as root, so the running user cannot change them. The key only
# satisfies settings for this one command; it signs nothing.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var \
    && chown allforces:allforces /app/media /app/var

USER allforces
# gunicorn.conf.py binds loopback unless told otherwise; inside the container the
# published port arrives on the container's own interface (compose publishes it on
# the host's 127.0.0.1 only).
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
# Process up; readiness (database and broker) is /readyz, for the load balancer.
# The probe names a host ALLOWED_HOSTS accepts (allforces/probe.py), or it would get 400.
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
    CMD ["python", "-m", "allforces.probe", "/healthz"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "allforces.wsgi:application"]
