"""Static export: figures to PNG/SVG/PDF... through kaleido and one Chromium session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.errors import CompareError, ParameterError
from compare.figures._common import HEIGHT, WIDTH

if TYPE_CHECKING:
    import plotly.graph_objects as go

EXPORT_FORMATS = ("png", "svg", "pdf", "jpeg", "webp")


def browser_path() -> str:
    """The Chrome/Chromium kaleido will use: ``$BROWSER_PATH`` (kaleido's own setting), else
    chromium, chromium-browser, google-chrome on PATH; a CompareError says how to get one."""
    import os  # noqa: PLC0415
    import shutil  # noqa: PLC0415

    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise CompareError(
            f"BROWSER_PATH={explicit!r} is not an executable browser; point it at Chrome or "
            "Chromium (e.g. /usr/bin/chromium) or unset it"
        )
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise CompareError(
        "static export needs Chrome or Chromium and none was found: install one (Debian/Ubuntu: "
        "`apt-get install chromium`; or `kaleido_get_chrome`) or set BROWSER_PATH to its path; "
        "figures still work as HTML without it"
    )


def _export_bytes(
    specs: list[tuple[dict[str, Any], dict[str, Any]]],
    browser: str,
    timings: list[float] | None = None,
) -> list[bytes]:
    """Render every (figure dict, options) with one Chromium (kaleido), in a worker thread so it
    also works inside a running event loop (Jupyter)."""
    import asyncio  # noqa: PLC0415
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415

    import kaleido  # noqa: PLC0415

    results: list[Any] = []
    started = time.perf_counter()

    async def render() -> None:
        async with kaleido.Kaleido(n=1, path=browser, mathjax=False) as k:
            for fig, opts in specs:
                results.append(await k.calc_fig(fig, opts=opts))
                if timings is not None:
                    now = time.perf_counter()
                    timings.append(now - (started if not timings else started + sum(timings)))

    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(render())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=run, name="compare-export")
    worker.start()
    worker.join()
    if failure:
        from kaleido.errors import ChromeNotFoundError  # noqa: PLC0415

        if isinstance(failure[0], ChromeNotFoundError):
            raise CompareError(f"static export: no usable browser at {browser}: {failure[0]}")
        raise CompareError(f"static export failed: {failure[0]}") from failure[0]
    return results


def export(
    figures: Mapping[str, go.Figure],
    directory: str | Path,
    formats: Sequence[str] = ("png",),
    *,
    scale: float = 1.0,
    timings: list[float] | None = None,
) -> list[Path]:
    """Write each figure as ``directory/<name>.<format>`` (atomically), all in one Chromium
    session (starting Chromium costs seconds; each further image a fraction of one).

    Size: the figure's ``layout.width``/``height`` (default 1000 x 600). Returns the paths.
    ``timings``, when given, receives the seconds each image took (the first includes starting
    Chromium).
    """
    from compare.storage import atomic  # noqa: PLC0415

    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad:
        raise ParameterError(
            f"unknown format(s) {', '.join(bad)}; valid: {', '.join(EXPORT_FORMATS)}"
        )
    for name in figures:
        if not name or "/" in name or name.startswith("."):
            raise ParameterError(f"figure name {name!r} is not a plain file name")
    browser = browser_path()
    target = Path(directory)
    specs, paths = [], []
    for name, fig in figures.items():
        width = int(fig.layout.width or WIDTH)
        height = int(fig.layout.height or HEIGHT)
        for form in formats:
            specs.append(
                (fig.to_dict(), {"format": form, "width": width, "height": height, "scale": scale})
            )
            paths.append(target / f"{name}.{form}")
    if not specs:
        return []
    for path, data in zip(paths, _export_bytes(specs, browser, timings), strict=True):
        if not data:
            raise CompareError(f"static export of {path.name} produced no bytes")
        atomic.write_bytes(path, data)
    return paths
