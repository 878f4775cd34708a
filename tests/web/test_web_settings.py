"""The web app's settings: one port decides where it listens and where emails link to."""

from __future__ import annotations

from bot.settings import load_settings
from bot.web.app import action_server_health_url


def test_defaults_put_every_link_on_the_web_app():
    settings = load_settings({})
    assert settings.web_port == 8000
    assert settings.public_base_url == "http://localhost:8000"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert action_server_health_url(settings.action_endpoint_url) == "http://127.0.0.1:5055/health"


def test_ports_move_the_links_with_them():
    settings = load_settings({"WEB_PORT": "8123", "RASA_PORT": "6006", "ACTION_PORT": "6066"})
    assert settings.link("/activate?token=t") == "http://localhost:8123/activate?token=t"
    assert settings.rasa_url == "http://127.0.0.1:6006"
    assert settings.action_endpoint_url == "http://127.0.0.1:6066/webhook"


def test_explicit_urls_win():
    settings = load_settings(
        {
            "WEB_PORT": "8123",
            "PUBLIC_BASE_URL": "https://help.example.com/",
            "RASA_URL": "http://rasa.internal:5005/",
            "ACTION_ENDPOINT_URL": "http://actions.internal:5055/webhook",
        }
    )
    assert settings.public_base_url == "https://help.example.com"
    assert settings.rasa_url == "http://rasa.internal:5005"
    assert action_server_health_url(settings.action_endpoint_url) == (
        "http://actions.internal:5055/health"
    )
