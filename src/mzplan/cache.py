"""A cache of the loaded repository, keyed by the bytes of its files.

``mzplan status`` runs many times a day on unchanged data; parsing the YAML and
validating it with pydantic is most of its work. The cache keeps the result
(:class:`~mzplan.repository.Loaded`: the repository and its report) for each
data directory, and uses it only when the key matches: a hash of mzplan's
version, of the source of the modules that build it (so a changed model or
check invalidates it), of where the data is and of the name and bytes of every
data file. Any change of any file is a miss. A cache that cannot be read, is
truncated or fails to unpickle is ignored and rewritten.

Where: ``$MZPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/mzplan``, else
``~/.cache/mzplan``. ``MZPLAN_NO_CACHE=1`` turns it off (``MZPLAN_NO_CACHE=output``
turns off only the output cache, :mod:`mzplan.output_cache`, which shares the directory).

The entries are pickles. Unpickling runs code chosen by whoever wrote the file,
so this is acceptable only because mzplan reads pickles it wrote itself, in a
directory it created private (mode 0700) and that is checked to be owned by the
current user and writable by no one else before anything in it is read.
Entries are written atomically (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from mzplan import __version__
from mzplan.datafiles import DataFiles, read_data_files

# pickle and tempfile are imported where they are used: printing a kept output
# (mzplan.output_cache) imports this module for cache_dir and is_private alone.

if TYPE_CHECKING:
    from mzplan.repository import Loaded

FORMAT = b"mzplan-cache-1\n"
"""The first bytes of an entry; bump when the layout of an entry changes."""
DISABLE_VARIABLE = "MZPLAN_NO_CACHE"
OUTPUT_ONLY = "output"
"""The value of :data:`DISABLE_VARIABLE` that turns off the output cache alone."""
DIRECTORY_VARIABLE = "MZPLAN_CACHE_DIR"
_KEY_BYTES = 32


def cache_dir(environment: Mapping[str, str]) -> Path | None:
    """Return the cache directory, or ``None`` when the cache is turned off."""
    if environment.get(DISABLE_VARIABLE, "") not in {"", "0", OUTPUT_ONLY}:
        return None
    if environment.get(DIRECTORY_VARIABLE):
        return Path(environment[DIRECTORY_VARIABLE])
    if environment.get("XDG_CACHE_HOME"):
        return Path(environment["XDG_CACHE_HOME"]) / "mzplan"
    return Path.home() / ".cache" / "mzplan"


def code_fingerprint() -> bytes:
    """Return a hash of the source of the modules that load and check a repository.

    Only the package's top-level modules: the command line and the renderers do
    not change what is cached.
    """
    digest = hashlib.blake2b(__version__.encode(), digest_size=_KEY_BYTES)
    package = Path(__file__).parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def content_key(location: str, files: DataFiles) -> bytes:
    """Return the key of a repository's state: the code, where it is, every file's bytes."""
    digest = hashlib.blake2b(code_fingerprint(), digest_size=_KEY_BYTES)
    digest.update(location.encode() + b"\0")
    digest.update(files.digest)
    return digest.digest()


def load_cached(
    data_dir: Path,
    *,
    display_dir: str | None = None,
    environment: Mapping[str, str] | None = None,
    files: DataFiles | None = None,
) -> Loaded:
    """Return :func:`mzplan.loading.load_repository` of ``data_dir``, from the cache if valid.

    ``files`` are the directory's files if they were read already.
    """
    environment = os.environ if environment is None else environment
    files = read_data_files(data_dir) if files is None else files
    directory = cache_dir(environment)
    if directory is None:
        return _load(data_dir, display_dir, files)
    shown = display_dir if display_dir is not None else str(data_dir)
    location = f"{data_dir.resolve()}\0{shown}"
    key = content_key(location, files)
    entry = directory / f"{hashlib.blake2b(location.encode(), digest_size=16).hexdigest()}.pickle"
    cached = _read_entry(directory, entry, key)
    if cached is not None:
        return cached
    loaded = _load(data_dir, display_dir, files)
    import pickle

    with contextlib.suppress(OSError, pickle.PicklingError, RecursionError):
        _write_entry(directory, entry, key, loaded)
    return loaded


def _load(data_dir: Path, display_dir: str | None, files: DataFiles) -> Loaded:
    from mzplan.loading import load_repository

    return load_repository(data_dir, display_dir=display_dir, files=files)


def is_private(directory: Path) -> bool:
    """Return whether ``directory`` is ours alone: owned by this user, writable by no other."""
    try:
        info = directory.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read_entry(directory: Path, entry: Path, key: bytes) -> Loaded | None:
    if not is_private(directory):
        return None
    import pickle

    from mzplan.repository import Loaded

    try:
        with entry.open("rb") as handle:
            if handle.read(len(FORMAT)) != FORMAT or handle.read(len(key)) != key:
                return None
            # Safe only because the directory is private and the file is our own (see above).
            value = pickle.load(handle)
    except Exception:  # a corrupt or foreign cache is ignored, never fatal
        return None
    return value if isinstance(value, Loaded) else None


def _write_entry(directory: Path, entry: Path, key: bytes, loaded: Loaded) -> None:
    import pickle

    def write(handle: BinaryIO) -> None:
        handle.write(FORMAT + key)
        pickle.dump(loaded, handle, protocol=pickle.HIGHEST_PROTOCOL)

    write_private(directory, entry.name, write)


def write_private(directory: Path, name: str, write: Callable[[BinaryIO], object]) -> None:
    """Write the file ``name`` in the cache directory atomically, if the directory is private.

    The directory is created private (mode 0700) if missing; ``write`` writes the
    content to a temporary file, which then replaces the file (``os.replace``).
    """
    import tempfile

    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not is_private(directory):
        return
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".entry-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
        os.replace(temporary, directory / name)  # noqa: PTH105 - the atomic rename is the point
    finally:
        Path(temporary).unlink(missing_ok=True)
