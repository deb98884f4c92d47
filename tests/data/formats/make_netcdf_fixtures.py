#!/usr/bin/python3
"""Write the NetCDF classic fixtures that tests/formats_netcdf_test.cpp reads: CDF-1 and CDF-2
files by scipy.io.netcdf_file (python3-scipy), a CDF-5 file (64-bit counts, unsigned and 64-bit
types; no Debian tool writes it) after the format's specification, each variable beside a .npy
twin holding what it must read as.

    /usr/bin/python3 tests/data/formats/make_netcdf_fixtures.py

netcdf/types_v1.nc, types_v2.nc: int8, int16, int32, float32, float64 variables of 4 x 6, a
text variable, numeric and text global attributes; netcdf/records.nc: two variables along an
unlimited (record) dimension, interleaved record by record, and one fixed; netcdf/one_record.nc:
a single record variable (no padding between records) of int16 with CF packing (scale_factor,
add_offset); netcdf/types_v5.nc: uint8, uint16, uint32, int64, uint64 and float32, 64-bit header
fields; netcdf/stft_pair.nc: a scipy.signal.stft magnitude/phase pair (Hann 128 at hop 32, 16
kHz) with the sample rate as a global attribute. netcdf/malformed/: a header cut, a file cut
inside the data, a variable's offset past the end, an unknown list tag, a negative count, a
dimension id out of range; netcdf_manifest.json lists them with the phrase each error must contain.
"""
import json
import os
import struct
import warnings

import numpy as np
import scipy.io
import scipy.signal as sg

FORMATS = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FORMATS, "netcdf")


def path(rel):
    p = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def twin(name, values):
    np.save(path(f"truth_{name}.npy"), values)


def values(dtype, shape=(4, 6)):
    n = int(np.prod(shape))
    v = (np.arange(n) * 37 % 101 - 50).reshape(shape)
    if np.dtype(dtype).kind == "u":
        v = np.abs(v) * 3
    if np.dtype(dtype).kind == "f":
        v = v / 7.0 + 0.125
    return v.astype(dtype)


def classic(version):
    name = f"types_v{version}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nc = scipy.io.netcdf_file(path(f"{name}.nc"), "w", version=version)
        nc.sample_rate = 22050
        nc.history = "specrecon fixture"
        nc.createDimension("freq", 4)
        nc.createDimension("time", 6)
        nc.createDimension("chars", 5)
        for code, dt in (("b", "i1"), ("h", "i2"), ("i", "i4"), ("f", "f4"), ("d", "f8")):
            v = nc.createVariable(f"v_{dt}", dt, ("freq", "time"))
            v[:] = values(dt)
            twin(f"{name}_v_{dt}", values(dt))
        t = nc.createVariable("label", "c", ("chars",))
        t[:] = np.array(list(b"hello"), dtype="S1")
        nc.close()


def records():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nc = scipy.io.netcdf_file(path("records.nc"), "w")
        nc.createDimension("time", None)
        nc.createDimension("freq", 5)
        a, b, c = values("f4", (7, 5)), values("i2", (7, 5)), values("f8", (5,))
        va = nc.createVariable("mag", "f4", ("time", "freq"))
        vb = nc.createVariable("code", "i2", ("time", "freq"))  # 10 bytes a record: padded to 12
        vc = nc.createVariable("freqs", "f8", ("freq",))
        va[:] = a
        vb[:] = b
        vc[:] = c
        nc.close()
        twin("records_mag", a)
        twin("records_code", b)
        twin("records_freqs", c)
        nc = scipy.io.netcdf_file(path("one_record.nc"), "w")
        nc.createDimension("time", None)
        nc.createDimension("freq", 3)  # 6 bytes a record, not padded: the only record variable
        p = values("i2", (9, 3))
        v = nc.createVariable("S", "i2", ("time", "freq"))
        v[:] = p
        v.scale_factor = 0.5
        v.add_offset = 2.0
        nc.close()
        twin("one_record_S", p.astype(np.float64) * 0.5 + 2.0)


def cdf5():
    """CDF-5 after the specification: 64-bit NON_NEG counts, 64-bit vsize and offsets."""
    def i32(v): return struct.pack(">i", v)
    def i64(v): return struct.pack(">q", v)
    def name(s):
        b = s.encode()
        return i64(len(b)) + b + bytes(-len(b) % 4)
    arrays = [("u1", 7), ("u2", 8), ("u4", 9), ("i8", 10), ("u8", 11), ("f4", 5)]
    dims = i32(0x0A) + i64(2) + name("freq") + i64(4) + name("time") + i64(6)
    gatt = i32(0x0C) + i64(1) + name("n_fft") + i32(4) + i64(1) + i32(512)
    var_headers = []
    datas = []
    for dt, code in arrays:
        data = values(">" + dt if dt != "u1" else dt).tobytes()
        datas.append(data + bytes(-len(data) % 4))
        var_headers.append((f"v_{dt}", code, len(data)))
    def header(begins):
        h = b"CDF\x05" + i64(0) + dims + gatt + i32(0x0B) + i64(len(arrays))
        for (n, code, size), begin in zip(var_headers, begins):
            h += name(n) + i64(2) + i64(0) + i64(1) + i32(0) + i64(0) + i32(code) + i64(size) + i64(begin)
        return h
    size = len(header([0] * len(arrays)))
    begins, at = [], size
    for d in datas:
        begins.append(at)
        at += len(d)
    with open(path("types_v5.nc"), "wb") as f:
        f.write(header(begins) + b"".join(datas))
    for dt, _ in arrays:
        twin(f"types_v5_v_{dt}", values(dt))
    return header(begins), b"".join(datas)


def stft_pair():
    fs = 16000
    t = np.arange(fs // 2) / fs
    x = sg.chirp(t, 300, t[-1], 3000) * 0.4 + 0.01 * np.random.default_rng(3).standard_normal(len(t))
    _, _, z = sg.stft(x, fs, window="hann", nperseg=128, noverlap=96)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nc = scipy.io.netcdf_file(path("stft_pair.nc"), "w", version=2)
        nc.sample_rate = fs
        nc.createDimension("freq", z.shape[0])
        nc.createDimension("time", z.shape[1])
        m = nc.createVariable("magnitude", "f4", ("freq", "time"))
        m[:] = np.abs(z)
        p = nc.createVariable("phase", "f4", ("freq", "time"))
        p[:] = np.angle(z)
        nc.close()


def main():
    classic(1)
    classic(2)
    records()
    h5, d5 = cdf5()
    stft_pair()
    whole = open(path("types_v1.nc"), "rb").read()
    neg = bytearray(whole)
    neg[8:12] = b"\x0a\x00\x00\x00"  # after the dimension tag: nelems (big-endian) made negative
    neg[8:16] = b"\x00\x00\x00\x0a\x80\x00\x00\x03"
    badtag = bytearray(whole)
    badtag[8:12] = b"\x00\x00\x00\x0b"  # the variable tag where the dimension list belongs
    bad_dim = bytearray(h5 + d5)
    first_var = h5.index(b"v_u1")
    bad_dim[first_var + 4 + 8 + 8: first_var + 4 + 8 + 16] = struct.pack(">q", 9)  # its first dimension id
    past = bytearray(h5 + d5)
    last_begin = len(h5) - 8
    past[last_begin:len(h5)] = struct.pack(">q", len(h5 + d5) + 100)
    manifest = {"malformed": []}
    for rel, data, phrase in (
            ("malformed/cut_header.nc", whole[:40], "runs past the header's bytes"),
            ("malformed/cut_data.nc", whole[:-30], "lies past the file's"),
            ("malformed/offset_past_end.nc", bytes(past), "lies past the file's"),
            ("malformed/bad_tag.nc", bytes(badtag), "has tag 11 where 10 (or an empty list) belongs"),
            ("malformed/negative_count.nc", bytes(neg), "is negative"),
            ("malformed/bad_dimension_id.nc", bytes(bad_dim), "names dimension 9 of 2")):
        with open(path(rel), "wb") as f:
            f.write(data)
        manifest["malformed"].append({"file": "netcdf/" + rel, "phrase": phrase})
    with open(os.path.join(FORMATS, "netcdf_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
