"""Path hygiene for files and zip entries (src/data/paths.ts): a path that could climb out of the
dataset root is refused rather than "fixed", since a fixed path would invent a class folder."""

import re
from typing import List, Tuple, Union

Check = Union[Tuple[str, List[str]], Tuple[str, str]]  # ("ok", segments) | ("ignore", "") | ("unsafe", reason)


def check_path(raw: str) -> Check:
    p = raw.replace("\\", "/")
    if p.endswith("/"):
        return ("ignore", "")
    if p.startswith("/"):
        return ("unsafe", "absolute path inside the archive; refused so it cannot escape the dataset root")
    if re.match(r"^[A-Za-z]:", p):
        return ("unsafe", "drive-letter path inside the archive; refused so it cannot escape the dataset root")
    segments = [s for s in p.split("/") if s not in ("", ".")]
    if ".." in segments:
        return ("unsafe", "path contains '..'; refused so it cannot escape the dataset root")
    if not segments or any(s == "__MACOSX" or s.startswith(".") for s in segments):
        return ("ignore", "")
    if segments[-1] in ("Thumbs.db", "desktop.ini"):
        return ("ignore", "")
    return ("ok", segments)


def ext_of(name: str) -> str:
    i = name.rfind(".")
    return name[i + 1 :].lower() if i > 0 else ""


def strip_ext(name: str) -> str:
    i = name.rfind(".")
    return name[:i] if i > 0 else name
