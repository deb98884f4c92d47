#!/usr/bin/python3
"""A magnitude-only dump whose window family only clean spectral peaks tell, for
tests/magnitude_only_test.cpp.

    /usr/bin/python3 tests/data/clean_peaks/make.py      (from the repository root)

Writes mlab_pluck22k_hann1024_hop256/magnitude.npy: numpy.save of matplotlib's specgram (a
one-sided PSD, Hann 1024 at hop 256, its defaults otherwise) of a plucked G chord that sox
synthesises at 22050 Hz (the held set's pluck22k of bench/magnitude_only_matrix.py), float32,
513 x frames; and truth.json. The 10th percentile of its peaks' widths reads Hamming, and the
dump was read as Hamming 1024 at hop 512; its clean peaks (five bins on one lobe) say Hann.
Needs python3-numpy, python3-matplotlib and sox.
"""
import json
import os
import subprocess

import numpy as np
import scipy.io.wavfile
from matplotlib import mlab

HERE = os.path.dirname(os.path.abspath(__file__))
SOX = ["synth", "3", "pluck", "G2", "pluck", "D3", "pluck", "G3", "pluck", "B3", "remix", "-", "gain", "-8"]


def main():
    wav = os.path.join(HERE, "pluck22k.wav")
    subprocess.run(["sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", wav] + SOX, check=True)
    fs, x = scipy.io.wavfile.read(wav)
    os.remove(wav)
    p = mlab.specgram(x.astype(np.float64) / 32768.0, NFFT=1024, Fs=fs, noverlap=768)[0].astype(np.float32)
    folder = os.path.join(HERE, "mlab_pluck22k_hann1024_hop256")
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "magnitude.npy"), p)
    truth = {"n_fft": 1024, "hop": 256, "win_length": 1024, "window": {"family": "hann"}, "sample_rate": int(fs),
             "bins": int(p.shape[0]), "frames": int(p.shape[1]),
             "made_by": "sox -R -D -n -r 22050 -b 16 -c 1 pluck22k.wav " + " ".join(SOX) +
                        "; matplotlib.mlab.specgram(x, NFFT=1024, Fs=22050, noverlap=768)[0], numpy.save"}
    with open(os.path.join(folder, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
