"""The static files storage used whenever static files are collected (STATIC_COLLECTED)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage (hashed names, brotli and gzip copies), with hashed URLs even when DEBUG
    is on. Django's manifest storage hands out the plain names under DEBUG, which WhiteNoise may
    not cache (it cannot tell they are current); `make run` collects first, so the development
    server can send the same hashed, year-cached, compressed files as production."""

    def url(self, name, force=False):
        return super().url(name, force=True)
