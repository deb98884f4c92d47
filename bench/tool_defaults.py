#!/usr/bin/python3
"""Magnitude-only dumps as common tools write them with their defaults, over the fourteen
recordings of magnitude_only_matrix's sets "tuned", "fresh", "held" and "music" (held's German
replaces fresh's):

  torchaudio      torchaudio.transforms.Spectrogram() arithmetic: |torch.stft(x, 400, 200,
                  window=hann_window(400), center=True, reflect)|^2 (torchaudio is not a Debian
                  package; its defaults are these)
  torchaudio100   the same at hop 100 (hop_length=n_fft // 4)
  torch400ham     the same as torchaudio with hamming_window(400)
  torch400bla     the same with blackman_window(400)
  mlab            matplotlib.mlab.specgram(x, Fs=fs)[0]: NFFT 256, noverlap 128, a symmetric
                  Hann (numpy.hanning), one-sided PSD (doubled but for DC and Nyquist)
  mlab1024        matplotlib.mlab.specgram(x, NFFT=1024, Fs=fs, noverlap=768)[0]
  spectrogram512  scipy.signal.spectrogram(x, fs, window='hann', nperseg=512, noverlap=256)[2]:
                  PSD, detrended per segment (its default window, a Tukey at hop 7/8, is not
                  inferred: see the README)

`specrecon infer DUMP --json --sample-rate FS` must give n_fft, hop, win_length and family exactly
(a symmetric Hann counts as Hann: the two differ by one sample's stretch, which magnitudes do not
show). Prints one line per dump, then the count per tool and in all.

    bench/tool_defaults.py SPECRECON WORKDIR

Needs what magnitude_only_matrix.py needs, and python3-matplotlib.
"""

import numpy as np
import scipy.signal as sg
import torch
from matplotlib import mlab

import magnitude_only_matrix as matrix


def torch_power(x, n, hop, window):
    z = torch.stft(torch.from_numpy(x.astype(np.float32)), n_fft=n, hop_length=hop, window=window(n), center=True,
                   pad_mode="reflect", return_complex=True)
    return (z.abs() ** 2).numpy()


CASES = {
    # name: (make(x, fs), (n_fft, hop, win_length, family))
    "torchaudio": (lambda x, fs: torch_power(x, 400, 200, torch.hann_window), (400, 200, 400, "hann")),
    "torchaudio100": (lambda x, fs: torch_power(x, 400, 100, torch.hann_window), (400, 100, 400, "hann")),
    "torch400ham": (lambda x, fs: torch_power(x, 400, 200, torch.hamming_window), (400, 200, 400, "hamming")),
    "torch400bla": (lambda x, fs: torch_power(x, 400, 200, torch.blackman_window), (400, 200, 400, "blackman")),
    "mlab": (lambda x, fs: mlab.specgram(x, Fs=fs)[0], (256, 128, 256, "hann")),
    "mlab1024": (lambda x, fs: mlab.specgram(x, NFFT=1024, Fs=fs, noverlap=768)[0], (1024, 256, 1024, "hann")),
    "spectrogram512": (lambda x, fs: sg.spectrogram(x, fs, window="hann", nperseg=512, noverlap=256)[2],
                       (512, 256, 512, "hann")),
}


def main():
    exe, work, srcs = matrix.fourteen_recordings_setup(__doc__)

    def dumps():
        for name in sorted(srcs):
            fs, x = srcs[name]
            for case, (make, truth) in CASES.items():
                yield name, case, make(x, fs), fs, truth

    matrix.count_exact(exe, work, dumps(), CASES)


if __name__ == "__main__":
    main()
