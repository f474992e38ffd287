"""tracker: follow copyright disputes over AI training from the terminal."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/tracker-ai-copyright/tracker"
