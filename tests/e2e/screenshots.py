"""Screenshots of a page for the people who look at them (ZORGID_SCREENSHOTS names the folder; unset: none)."""

import os
from pathlib import Path


def screenshot(page, name: str) -> None:
    """The page as it is, full length, at 1280 and 390 pixels wide, when ZORGID_SCREENSHOTS names a folder."""
    folder = os.environ.get("ZORGID_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(before)
