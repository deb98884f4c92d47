#!/usr/bin/python3
"""Magnitude-only inference matrix: dumps written by scipy.signal.stft (|Z|, zero-padded) and
torch.stft (|Z|^2, reflect-centred) with Hann, Hamming and Blackman windows at hops of a quarter
and half the window, raw float32 in the tools' own layout (bins x frames), no phase file.
`specrecon infer DUMP --json --sample-rate FS` (no other hint) must give n_fft, hop, win_length,
window family and magnitude scale (scipy linear, torch power) exactly. Prints one line per dump and the count.

    bench/magnitude_only_matrix.py SPECRECON WORKDIR [set]

set "tuned" (default): samples/source/speech16k.wav and noisy22k.wav, a 7.1 s espeak-ng sentence
(made here as scripts/bench_phase_retrieval makes it) and a chirp with noise; n_fft 512 and 1024
(96 dumps). set "fresh": recordings not used while the inference was tuned: a 44.1 kHz female
espeak-ng voice, 8 kHz German espeak-ng speech, a 48 kHz plucked chord from sox; n_fft 256/512
at 8-16 kHz, 1024/2048 above (72 dumps). set "n256": samples/source speech16k and noisy22k at
n_fft 256 (scipy's default), where voiced harmonics lie closer than a main lobe (24 dumps). set
"music": sox plucked strings under a 3 Hz FM at 22050 Hz (n_fft 256) and 44100 Hz (512), and a
tremolo square-wave organ chord at 22050 Hz (256): bins of 86 Hz (36 dumps). set "held": recordings
never used while tuning the family rules for wide bins: espeak-ng male English at 22050 Hz and
female at 16 kHz (256), sox plucked G chord at 22050 Hz (256), a tremolo sawtooth chord at 44.1
kHz (512), German espeak-ng at 8 kHz (128): bins of 62.5-86 Hz (60 dumps). Needs python3-numpy, python3-scipy, python3-torch,
espeak-ng and sox (scripts/setup --samples).
"""
import collections
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import scipy.io.wavfile
import scipy.signal as sg
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "samples", "source")


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fs, x = scipy.io.wavfile.read(path)
    if x.ndim > 1:
        x = x[:, 0]
    return fs, x.astype(np.float64) / 32768.0


def sources(work, which):
    out = {}
    if which == "n256":
        out["speech16k"] = read(os.path.join(SOURCE, "speech16k.wav"))
        out["noisy22k"] = read(os.path.join(SOURCE, "noisy22k.wav"))
        return out
    if which == "music":
        m22, m44, organ = (os.path.join(work, f) for f in ("music22k.wav", "music44k.wav", "organ22k.wav"))
        sh("sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", m22, "synth", "2.5", "pluck", "A2", "pluck", "E3",
           "pluck", "A3", "pluck", "C#4", "synth", "2.5", "sine", "fmod", "3", "remix", "-", "gain", "-8")
        sh("sox", "-R", "-D", m22, "-r", "44100", m44)
        sh("sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", organ, "synth", "3", "square", "196", "square", "247",
           "square", "294", "remix", "-", "lowpass", "4000", "gain", "-12", "tremolo", "5", "40")
        out["music22k"] = read(m22)
        out["music44k"] = read(m44)
        out["organ22k"] = read(organ)
        return out
    if which == "held":
        m22, f1, f16, pl, saw, g1, g8 = (os.path.join(work, f) for f in (
            "male22k.wav", "f.wav", "female16k.wav", "pluck22k.wav", "saw44k.wav", "g.wav", "german8k.wav"))
        sh("espeak-ng", "-v", "en-us", "-s", "165", "-w", m22,
           "A large size in stockings is hard to sell. The boy was there when the sun rose.")
        sh("espeak-ng", "-v", "en+f2", "-s", "150", "-w", f1,
           "Rice is often served in round bowls. The juice of lemons makes fine punch.")
        sh("sox", "-R", "-D", f1, "-r", "16000", "-b", "16", f16)
        sh("sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", pl, "synth", "3", "pluck", "G2", "pluck", "D3",
           "pluck", "G3", "pluck", "B3", "remix", "-", "gain", "-8")
        sh("sox", "-R", "-D", "-n", "-r", "44100", "-b", "16", "-c", "1", saw, "synth", "3", "sawtooth", "220", "sawtooth",
           "277", "sawtooth", "330", "remix", "-", "lowpass", "6000", "gain", "-14", "tremolo", "3", "30")
        sh("espeak-ng", "-v", "de", "-s", "170", "-w", g1, "Im Sommer fahren wir oft an die See und baden jeden Tag.")
        sh("sox", "-R", "-D", g1, "-r", "8000", "-b", "16", g8)
        for key, path in (("male22k", m22), ("female16k", f16), ("pluck22k", pl), ("saw44k", saw), ("german8k", g8)):
            out[key] = read(path)
        return out
    if which == "tuned":
        out["speech16k"] = read(os.path.join(SOURCE, "speech16k.wav"))
        out["noisy22k"] = read(os.path.join(SOURCE, "noisy22k.wav"))
        s22 = os.path.join(work, "sentence22k.wav")
        s16 = os.path.join(work, "sentence16k.wav")
        sh("espeak-ng", "-v", "en-us", "-s", "170", "-w", s22,
           "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. "
           "It is easy to tell the depth of a well.")
        sh("sox", "-R", "-D", s22, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", s16, "rate", "-v", "16000")
        out["sentence16k"] = read(s16)
        fs = 16000
        t = np.arange(int(1.3 * fs)) / fs
        rng = np.random.default_rng(5)
        x = (0.3 * sg.chirp(t, 200, t[-1], 3000) + 0.1 * np.sin(2 * np.pi * 440 * t) * (1 + np.sin(2 * np.pi * 2 * t))
             + 0.01 * rng.standard_normal(len(t)))
        out["chirp16k"] = (fs, x)
    else:
        v1, v1k = os.path.join(work, "v1.wav"), os.path.join(work, "female44k.wav")
        sh("espeak-ng", "-v", "en-us+f3", "-s", "150", "-w", v1,
           "Please call Stella. Ask her to bring these things with her from the store.")
        sh("sox", "-R", "-D", v1, "-r", "44100", "-b", "16", v1k)
        out["female44k"] = read(v1k)
        chord = os.path.join(work, "chord48k.wav")
        sh("sox", "-R", "-D", "-n", "-r", "48000", "-b", "16", "-c", "1", chord, "synth", "2.0",
           "pluck", "C3", "pluck", "E3", "pluck", "G3", "pluck", "C4", "remix", "-", "gain", "-6")
        out["chord48k"] = read(chord)
        v2, v2k = os.path.join(work, "v2.wav"), os.path.join(work, "german8k.wav")
        sh("espeak-ng", "-v", "de", "-s", "180", "-w", v2, "Der schnelle braune Fuchs springt über den faulen Hund.")
        sh("sox", "-R", "-D", v2, "-r", "8000", "-b", "16", v2k)
        out["german8k"] = read(v2k)
    return out


def infer(exe, dump, fs):
    """`specrecon infer DUMP --json --sample-rate FS`: (got, process), got = (n_fft, hop, win_length,
    window family, magnitude scale) of the report, or None when specrecon failed (process has its
    returncode and stderr)."""
    p = subprocess.run([exe, "infer", dump, "--json", "--sample-rate", str(fs)], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p
    r = json.loads(p.stdout)
    s = r["stft"]
    return (s["n_fft"], s["hop"], s["win_length"], s["window"]["family"], r["magnitude_scale"]["kind"]), p


def infer_log(exe, dump, fs):
    """`specrecon infer DUMP --json --sample-rate FS -v --iterations 1`: the finished process, whose
    stderr holds the inference log (the benches that read one of its lines: autocorr_edges,
    wrap_tails)."""
    return subprocess.run([exe, "infer", dump, "--json", "--sample-rate", str(fs), "-v", "--iterations", "1"],
                          capture_output=True, text=True)


def count_exact(exe, work, dumps, cases):
    """For the benches that check whole dumps (tool_defaults, frontends): each of `dumps`, an
    iterable of (recording, case, magnitude as bins x frames, sample rate, true (n_fft, hop,
    win_length, family)), written to WORKDIR as float32 and inferred; prints one line per dump,
    then the count per case (in the order of `cases`) and in all."""
    right = collections.Counter()
    total = collections.Counter()
    for name, case, data, rate, truth in dumps:
        dump = os.path.join(work, f"{name}_{case}.f32")
        data.astype("<f4").tofile(dump)
        report, p = infer(exe, dump, rate)
        os.remove(dump)
        total[case] += 1
        if report is None:
            print(f"FAIL {name} {case}: exit {p.returncode}", flush=True)
            continue
        ok = report[:4] == truth
        right[case] += ok
        print(f"{'ok  ' if ok else 'FAIL'} {name} {case}: got {report[:4]}", flush=True)
    for case in cases:
        print(f"{case}: {right[case]} of {total[case]}")
    print(f"{sum(right.values())} of {sum(total.values())} exact")


def fourteen_recordings(work):
    """{name: (fs, x)} of the recordings of sets "tuned", "fresh", "held" and "music" (held's German
    replaces fresh's), made in WORKDIR: the benches that sweep all of them (mixed_sweep,
    tool_defaults, wrap_tails)."""
    srcs = {}
    for which in ("tuned", "fresh", "held", "music"):
        srcs.update(sources(work, which))
    return srcs


def fourteen_recordings_setup(doc):
    """For the benches that take only SPECRECON and WORKDIR and run on fourteen_recordings
    (tool_defaults, wrap_tails): those two from the command line (else exit with `doc`), WORKDIR
    made, and the recordings."""
    if len(sys.argv) < 3:
        raise SystemExit(doc)
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    return exe, work, fourteen_recordings(work)


def seven_recordings_setup(doc):
    """For the benches that run on the seven recordings of sets "held" and "n256" (librosa_style,
    log_scales, integer_codes): SPECRECON and WORKDIR from the command line (else exit with
    `doc`), WORKDIR made, and {name: (fs, x)} of the recordings."""
    if len(sys.argv) < 3:
        raise SystemExit(doc)
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    srcs = dict(sources(work, "held"))
    srcs.update(sources(work, "n256"))
    return exe, work, srcs


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    exe, work = sys.argv[1], sys.argv[2]
    which = sys.argv[3] if len(sys.argv) > 3 else "tuned"
    os.makedirs(work, exist_ok=True)
    torch_windows = {"hann": torch.hann_window, "hamming": torch.hamming_window, "blackman": torch.blackman_window}
    total = fails = 0
    for name, (fs, x) in sources(work, which).items():
        if which == "n256":
            sizes = (256,)
        elif which == "music":
            sizes = (512,) if fs > 30000 else (256,)
        elif which == "held":
            sizes = (512,) if fs > 30000 else (128,) if fs < 10000 else (256,)
        else:
            sizes = (512, 1024) if which == "tuned" else ((1024, 2048) if fs > 30000 else (256, 512))
        for family in ("hann", "hamming", "blackman"):
            for n in sizes:
                for hop in (n // 4, n // 2):
                    for tool in ("scipy", "torch"):
                        if tool == "scipy":
                            m = np.abs(sg.stft(x, fs, window=family, nperseg=n, noverlap=n - hop)[2])
                        else:
                            z = torch.stft(torch.from_numpy(x.astype(np.float32)), n_fft=n, hop_length=hop,
                                           window=torch_windows[family](n), center=True, pad_mode="reflect",
                                           return_complex=True)
                            m = (z.abs() ** 2).numpy()
                        dump = os.path.join(work, f"{name}_{tool}_{family}{n}_hop{hop}.f32")
                        m.astype("<f4").tofile(dump)
                        got, p = infer(exe, dump, fs)
                        total += 1
                        if got is None:
                            fails += 1
                            print(f"FAIL {os.path.basename(dump)}: exit {p.returncode}", flush=True)
                            continue
                        ok = got == (n, hop, n, family, "linear" if tool == "scipy" else "power")
                        fails += not ok
                        print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(dump)} {got}", flush=True)
                        os.remove(dump)
    print(f"{total - fails} of {total} exact")


if __name__ == "__main__":
    main()
