"""Static files: Plotly's script from its package, and the storage that serves everything compressed.

Plotly's JavaScript comes straight from the installed plotly package (no CDN on a government intranet).

The package's data folder also holds a 4.8 MB widget bundle and sample datasets the site never
serves; this finder offers only ``plotly/plotly.min.js``, so ``collectstatic`` copies and compresses
one file instead of the folder.
"""

import importlib.util
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

PREFIX = "plotly"
FILE = "plotly.min.js"


def _package_data() -> Path:
    return Path(importlib.util.find_spec("plotly").origin).parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(_package_data()))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != f"{PREFIX}/{FILE}":
            return [] if find_all else None
        found = str(_package_data() / FILE)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        yield FILE, self.storage


class CompressedHashedStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, content-hashed storage, hashing URLs with DEBUG on too.

    Django's manifest storage hands out the plain names while DEBUG is on; ``make run`` (DEBUG, for
    newcomers and demonstrations) serves the collected files as production does, so it asks for the
    hashed names, which are compressed and cached for a year.
    """

    def url(self, name, force=False):
        return super().url(name, force=True)
