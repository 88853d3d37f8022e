# The service image: `plans` on Python 3.11. Configure it only through PLANS_* variables.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLANS_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY src ./src
# Within the pins CI tested (requirements.lock).
RUN pip install -c requirements.lock . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin plans \
    && mkdir -p /data && chown plans /data && chmod 0700 /data

USER plans
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["plans", "serve", "--host", "0.0.0.0", "--port", "8000"]
