"""`python -m bot [command]`: check the settings first (fast, one clear line), then start
(or run one of the commands of bot/cli.py: setup-link, demo)."""

import signal
import sys


def _stop_during_imports(signum: int, frame: object) -> None:
    # Until the event loop installs its own handlers (first thing in bot.app.run), a stop
    # request simply ends the process: nothing has been started yet, so exit code 0.
    sys.exit(0)


signal.signal(signal.SIGTERM, _stop_during_imports)
signal.signal(signal.SIGINT, _stop_during_imports)

from bot.settings import load_settings  # noqa: E402

settings = load_settings()

if len(sys.argv) > 1:  # a one-off command: setup-link, demo (see bot/cli.py)
    from bot.cli import main as command

    sys.exit(command(settings, sys.argv[1:]))

from bot.app import main  # noqa: E402 - heavy imports only once the settings are valid

main(settings)
