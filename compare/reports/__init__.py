"""Reports: the report matrix, parameter checks, planning and fingerprints, executors and warm
kernels, offline HTML rendering, the index and the manifest (``compare report``)."""
