"""The talent-demand catalogue (人才需求目录): numbered versions compiled from the open demands.

- ``compiler``: the pure part — open demands in, canonical entries, their fingerprint and the diff
  between two versions out.
- ``services``: ``catalogue_compile`` (one version per real change, never two at once) and the
  debounced refresh that follows demand edits.
- ``selectors`` and ``filters``: what the pages, the export and the API read.
"""
