"""`python -m bot`: check the settings first (fast, one clear line), then start."""

from bot.settings import load_settings

settings = load_settings()

from bot.app import main  # noqa: E402 - heavy imports only once the settings are valid

main(settings)
