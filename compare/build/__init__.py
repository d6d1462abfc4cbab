"""Build: raw records to the tidy table in stages, with quarantine, the one schema, the data
package and the build manifest (``compare build``)."""

from compare.build.run import BuildReport, build

__all__ = ["BuildReport", "build"]
