"""The documented deployment (docs/deploy/), read as an attacker would read it. No Docker engine
runs here (README, Deployment): these checks read the files themselves."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
NEVER_IN_AN_IMAGE = {"var", ".git", ".venv"}


def _copied_sources(dockerfile: str) -> list[str]:
    sources = []
    for line in dockerfile.splitlines():
        words = line.split()
        if words and words[0].upper() in ("COPY", "ADD"):
            sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


def test_the_image_copies_neither_var_nor_git():
    """var/ holds the databases, logs and the development session secret; .git the history."""
    sources = _copied_sources((DEPLOY / "Dockerfile").read_text())
    assert sources and "." not in sources  # named folders only, not the whole checkout
    for source in sources:
        assert source.split("/")[0].rstrip("/") not in NEVER_IN_AN_IMAGE, source
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert NEVER_IN_AN_IMAGE <= ignored


def test_nginx_limits_the_chat_and_names_no_version():
    conf = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"^\s*server_tokens off;", conf, re.MULTILINE)
    for path in ("/webhooks/rest/webhook", "/chat/password"):
        block = re.search(r"location = " + re.escape(path) + r" \{(.*?)\}", conf, re.DOTALL)
        assert block and "limit_req zone=" in block.group(1), path
    assert "limit_req_status 429;" in conf
    # The web app believes X-Forwarded-For from nginx only: nginx must replace it, not append.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    assert re.search(r"location /mailbox \{ return 404; \}", conf)


def test_the_composed_web_app_needs_its_secret_and_is_reached_only_through_nginx():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    assert web["command"] == ["python", "-m", "bot.web"]
    assert "ports" not in web
    environment = web["environment"]
    assert environment["SESSION_SECRET"].startswith("${SESSION_SECRET:?")
    assert "DEVELOPMENT" not in environment
    assert environment["RATE_LIMIT_STORAGE_URL"].startswith("redis://")
    nginx = compose["services"]["nginx"]
    assert environment["TRUSTED_PROXIES"] == nginx["networks"]["default"]["ipv4_address"]
    published = [
        port for service in compose["services"].values() for port in service.get("ports", [])
    ]
    assert sorted(published) == ["443:443", "80:80"]
