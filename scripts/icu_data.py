"""A smaller ICU data library for the one-folder build (build.spec), with only the kiosk's languages.

QtCore in the PySide6 wheel for Linux links ICU, and ICU's data library, libicudata.so.NN, is 31 MB: every
locale's collation, names, units and time zone names, the legacy code page converters, the Thai, Lao, Khmer,
Burmese and CJK word dictionaries. ICU reads that data only when Qt asks it (collation, a legacy text codec, a
locale's case rules); the kiosk speaks English and Spanish and writes UTF-8. So the build ships the same library
with the data of the other languages, the converters and the dictionaries left out (about 5 MB), made with ICU's
own tools: `icupkg` lists and removes items, `genccode` turns the package back into the `icudtNN_dat` symbol
that libicuuc looks for, and the C compiler links it as libicudata.so.NN.

On a build machine without those tools (Debian: icu-devtools and gcc), or with a wheel that ships no ICU (the
Windows wheel: Qt uses Windows' own), the build keeps the library it has and says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

_LOCALE_FILE = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9_]*)?\.res$")
"""A locale's resource bundle, e.g. `de.res`, `coll/zh_Hant.res`, `es_419.res` (not `root.res` or `pool.res`)."""


def unwanted(item: str, languages: tuple[str, ...]) -> bool:
    """Whether an item of the ICU data package can be left out of a kiosk that speaks `languages`."""
    base = item.rsplit("/", 1)[-1]
    if base.endswith((".cnv", ".dict")):
        return True  # legacy code pages; dictionaries for breaking Thai, Lao, Khmer, Burmese and CJK text
    locale = _LOCALE_FILE.match(base)
    return locale is not None and locale.group(1) not in languages


def small_icu_library(library: Path, languages: tuple[str, ...], folder: Path) -> Path | None:
    """Make libicudata.so.NN with only `languages` in `folder`, from the wheel's `library`; None when it cannot."""
    version = re.fullmatch(r"libicudata\.so\.(\d+)", library.name)
    tools = [shutil.which(name) for name in ("icupkg", "genccode", "gcc", "nm", "readelf")]
    if version is None or None in tools:
        print(f"icu_data: keeping {library.name} whole (needs icupkg and genccode from icu-devtools, gcc, binutils)")
        return None
    icupkg, genccode, gcc, nm, readelf = (str(tool) for tool in tools)
    symbol = f"icudt{version.group(1)}"
    # The data is one read-only symbol, icudtNN_dat: its offset in the file and its size.
    listing = subprocess.run([nm, "-D", "--defined-only", "-S", str(library)], capture_output=True, text=True)
    found = re.search(rf"^([0-9a-f]+) ([0-9a-f]+) R {symbol}_dat$", listing.stdout, re.MULTILINE)
    if listing.returncode != 0 or found is None:
        print(f"icu_data: keeping {library.name} whole (no {symbol}_dat symbol in it)")
        return None
    start, size = int(found.group(1), 16), int(found.group(2), 16)
    with tempfile.TemporaryDirectory(prefix="icu-data-") as scratch:
        work = Path(scratch)
        whole = work / f"{symbol}l.dat"
        with library.open("rb") as source:
            source.seek(_file_offset(readelf, library, start))
            whole.write_bytes(source.read(size))
        items = subprocess.run([icupkg, "-l", str(whole)], capture_output=True, text=True, check=True).stdout.split()
        (work / "remove.txt").write_text("\n".join(item for item in items if unwanted(item, languages)) + "\n")
        small = work / "small.dat"
        # --ignore-deps: the root break rules name the dictionaries left out; ICU reports them missing only when
        # asked to break text in those scripts.
        subprocess.run([icupkg, "--ignore-deps", "-r", str(work / "remove.txt"), str(whole), str(small)], check=True)
        subprocess.run([genccode, "-q", "-e", symbol, "-a", "gcc", "-d", str(work), str(small)], check=True)
        folder.mkdir(parents=True, exist_ok=True)
        made = folder / library.name
        subprocess.run(
            [
                gcc,
                "-shared",
                "-nostdlib",
                f"-Wl,-soname,{library.name}",
                "-Wl,-z,noexecstack",
                "-o",
                str(made),
                str(work / "small_dat.S"),
            ],
            check=True,
        )
    print(f"icu_data: {library.name} with {', '.join(languages)} only: {made.stat().st_size / 1e6:.1f} MB")
    return made


def _file_offset(readelf: str, library: Path, address: int) -> int:
    """The file offset of a virtual address in an ELF library (its loadable segments' mapping)."""
    headers = subprocess.run([readelf, "-l", "-W", str(library)], capture_output=True, text=True, check=True)
    for line in headers.stdout.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            offset, virtual, file_size = int(fields[1], 16), int(fields[2], 16), int(fields[4], 16)
            if virtual <= address < virtual + file_size:
                return address - virtual + offset
    raise ValueError(f"{address:#x} is in no loadable segment of {library}")
