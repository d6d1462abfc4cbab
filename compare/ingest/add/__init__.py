"""``compare add``: the user's own indicator, from the World Bank API (:mod:`.worldbank`) or from
a file they already have (:mod:`.local_file`).

Each stores the data under ``data/raw/<source id>/`` with a ``_manifest.json`` (sizes, sha256,
origin, licence, time) and writes a source and an indicator entry, and a unit when the data need
a new one, into the user catalog (:mod:`compare.user_catalog`). Nothing changes until every
check has passed (ids free, data read, entries valid together with the whole catalog); then the
raw folder and the catalog file are each written atomically (:mod:`.entries`).
"""
