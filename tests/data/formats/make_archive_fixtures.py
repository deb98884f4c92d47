#!/usr/bin/python3
"""Write the archive fixtures that tests/formats_archive_test.cpp reads, with Python's tarfile and
zipfile modules (fixed times and owners, so two runs give the same bytes).

    /usr/bin/python3 tests/data/formats/make_archive_fixtures.py

archive/*.tar, *.tar.gz, *.zip: existing fixtures packed as members (ustar, pax and GNU long
names; a zip with a README, macOS's __MACOSX/ and .DS_Store entries beside them; an npz and a
gzip file as members): read back, each member must give the arrays its original gives.
archive/phase_int16.tar.gz: samples/matrix/phase_int16's float32 magnitude and int16 phase
codes (the phase is read again as int16, from the archive). archive/malformed/: a tar cut inside
a member, one whose second header's checksum is wrong, a member declaring more bytes than the
file holds, a zip whose member's CRC is wrong, a tar inside a zip, a zip of notes only, 65 files,
and 7z and rar files (their magic numbers before float32 bytes); archive_manifest.json lists them with the phrase each error must
contain.
"""
import gzip
import io
import json
import os
import tarfile
import zipfile

FORMATS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(FORMATS)))
OUT = os.path.join(FORMATS, "archive")
LONG = "a_folder_name_long_enough_that_ustar_cannot_hold_the_path_of_the_member_in_its_one_hundred_bytes"


def data_of(orig):
    return open(os.path.join(FORMATS, orig), "rb").read()


def tar_bytes(members, fmt=tarfile.USTAR_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for arcname, data in members:
            info = tarfile.TarInfo(arcname)
            info.size, info.mtime, info.mode, info.uname, info.gname = len(data), 0, 0o644, "user", "user"
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for arcname, data in members:
            z.writestr(zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return "archive/" + rel


def main():
    manifest = {"files": [], "malformed": []}
    pair = [("dump/spectrogram.bin", "raw/f32le.bin"), ("dump/meta.mat", "mat/scipy_v5.mat")]
    pair_data = [(a, data_of(o)) for a, o in pair]
    cases = [
        ("pair.tar", tar_bytes(pair_data), pair),
        ("pair.tar.gz", gz(tar_bytes(pair_data)), pair),
        ("pax_long_names.tar", tar_bytes([(LONG + "/spectrogram.bin", data_of("raw/f32le.bin"))], tarfile.PAX_FORMAT),
         [(LONG + "/spectrogram.bin", "raw/f32le.bin")]),
        ("gnu_long_names.tar", tar_bytes([(LONG + "/mag.csv", data_of("text/comma_header.csv"))], tarfile.GNU_FORMAT),
         [(LONG + "/mag.csv", "text/comma_header.csv")]),
        ("files_with_notes.zip", zip_bytes([("dump/spectrogram.bin", data_of("raw/f32le.bin")),
                                            ("dump/README.txt", b"spectrogram of take 3, see the lab book\n"),
                                            ("dump/mag.csv", data_of("text/comma_header.csv")),
                                            ("__MACOSX/dump/._spectrogram.bin", b"\x00\x05\x16\x07macos"),
                                            ("dump/.DS_Store", b"Bud1\x00\x00")]),
         [("dump/spectrogram.bin", "raw/f32le.bin"), ("dump/mag.csv", "text/comma_header.csv")]),
        ("stored.zip", zip_bytes([("spectrogram.bin", data_of("raw/f32le.bin"))], zipfile.ZIP_STORED),
         [("spectrogram.bin", "raw/f32le.bin")]),
        ("npz_and_gzip_members.tar", tar_bytes([("arrays.npz", data_of("npz/deflated.npz")),
                                                ("spectrogram.bin.gz", gz(data_of("raw/f32le.bin")))]),
         [("arrays.npz", "npz/deflated.npz"), ("spectrogram.bin.gz", "raw/f32le.bin")]),
    ]
    for name, data, members in cases:
        manifest["files"].append({"file": write(name, data), "members": [{"member": a, "original": o} for a, o in members]})
    sample = os.path.join(ROOT, "samples", "matrix", "phase_int16")
    write("phase_int16.tar.gz", gz(tar_bytes([(n, open(os.path.join(sample, n), "rb").read()) for n in ("magnitude.bin", "phase.bin")])))

    whole = tar_bytes(pair_data)
    bad_sum = bytearray(whole)
    second = 512 + (len(pair_data[0][1]) + 511) // 512 * 512
    bad_sum[second + 10] ^= 0x01  # a byte of the second member's name
    short = tar_bytes([("spectrogram.bin", data_of("raw/f32le.bin"))])
    bad_crc = bytearray(zip_bytes([("spectrogram.bin", data_of("raw/f32le.bin"))], zipfile.ZIP_STORED))
    bad_crc[30 + len("spectrogram.bin") + 100] ^= 0xFF  # a byte of the stored member's data
    f32 = data_of("raw/f32le.bin")
    for rel, data, phrase in (
            ("malformed/cut.tar", whole[:512 + 300], "tar archive is truncated"),
            ("malformed/bad_checksum.tar", bytes(bad_sum), "its checksum does not hold"),
            ("malformed/short_member.tar", short[:512 + 512 * ((len(f32) - 1) // 512)], "tar archive is truncated"),
            ("malformed/bad_crc.zip", bytes(bad_crc), "CRC error"),
            ("malformed/tar_in_zip.zip", zip_bytes([("pair.tar", whole)]), "is an archive inside an archive"),
            ("malformed/notes_only.zip", zip_bytes([("README.txt", b"take 3\n"), ("NOTES.md", b"see the lab book\n")]),
             "zip archive holds no member that can be read"),
            ("malformed/many_files.tar", tar_bytes([(f"part{i:02d}.bin", f32[:64]) for i in range(65)]), "holds more than 64 files"),
            ("malformed/spectrogram.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + f32[:60], "is a 7z archive"),
            ("malformed/spectrogram.rar", b"Rar!\x1a\x07\x01\x00" + f32[:60], "is a rar archive")):
        manifest["malformed"].append({"file": write(rel, data), "phrase": phrase})
    with open(os.path.join(FORMATS, "archive_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
