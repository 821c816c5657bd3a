"""The local web app: the library's records, shown interactively (FastAPI + a page with no CDN)."""
