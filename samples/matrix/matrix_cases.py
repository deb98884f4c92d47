"""The case list of samples/matrix: which producer, which parameters, which encoding.
Builders are in matrix_producers.py, encodings in matrix_encodings.py.  Order = README order."""
from matrix_encodings import (COMPLEX64, F64BE, MAG_ONLY, PHASES, POWER_ONLY, RADIANS, SCALES,
                              enc)
from matrix_lib import window_desc as wd
from matrix_producers import (NOISY, SPEECH, SPEECH_SHORT, Skip, mlab_specgram, numpy_manual,
                              octave_specgram, scipy_stft, spectrogram, torch_stft)

__all__ = ["CASES", "Skip"]

FRAMES = "frames_x_bins"
MA = enc(mag="M", phase="P")                       # two calls: magnitude, angle (radians)
MP = enc(mag="M", phase="P", units="unwrapped_freq")
S_POWER = enc(mag="S", phase=None, scale="power")
S_LINEAR = enc(mag="S", phase=None)

_FRAMING = ("F = x[np.arange({n})[None, :] + {h} * np.arange(1 + (len(x) - {n}) // {h})[:, None]]\n")

CASES = [
    # ---- scipy.signal.stft: hop sweep (hann 512)
    scipy_stft("scipy_hann512_hop64", "hop n/8 (dense overlap)", noverlap=448,
               src=("speech16k.wav", 4000, 4001)),
    scipy_stft("scipy_hann512_hop128", "hop n/4, the reference case", noverlap=384),
    scipy_stft("scipy_hann512_hop256", "hop n/2", noverlap=256, layout=FRAMES),
    scipy_stft("scipy_hann512_hop384", "hop 3n/4 (little overlap)", noverlap=128),
    scipy_stft("scipy_hann512_hop512", "hop n, no overlap: periodic hann is 0 at each frame "
               "start, so those samples are lost", noverlap=0,
               note="no overlap: the sample at each frame start has window 0 and is not "
                    "recoverable; it is outside the compared (covered) samples"),
    scipy_stft("scipy_zeropad400_nfft512", "nfft > nperseg: zeros after the window",
               nperseg=400, noverlap=200, nfft=512, layout=FRAMES),
    scipy_stft("scipy_odd511", "odd n_fft 511: 256 bins, no Nyquist", nperseg=511, noverlap=383),
    scipy_stft("scipy_odd255", "odd n_fft 255: 128 bins", nperseg=255, noverlap=191),
    # ---- scipy.signal.stft: window families (periodic unless given as an array)
    scipy_stft("scipy_hamming512", "hamming", "'hamming'", wd("hamming"), src=SPEECH_SHORT),
    scipy_stft("scipy_blackman256", "blackman", "'blackman'", wd("blackman"), 256, 192),
    scipy_stft("scipy_blackmanharris512", "blackman-harris", "'blackmanharris'",
               wd("blackman_harris"), layout=FRAMES, src=SPEECH_SHORT),
    scipy_stft("scipy_nuttall256", "nuttall", "'nuttall'", wd("nuttall"), 256, 192),
    scipy_stft("scipy_flattop512", "flat-top (negative lobes)", "'flattop'", wd("flattop"),
               src=SPEECH_SHORT),
    scipy_stft("scipy_kaiser5_256", "kaiser beta 5", "('kaiser', 5.0)", wd("kaiser", 5.0),
               256, 128, src=NOISY),
    scipy_stft("scipy_gaussian40_256", "gaussian sigma 40 samples", "('gaussian', 40)",
               wd("gaussian", 40.0), 256, 192),
    scipy_stft("scipy_tukey03_512", "tukey alpha 0.3", "('tukey', 0.3)", wd("tukey", 0.3),
               512, 256, layout=FRAMES),
    scipy_stft("scipy_sine512", "sine (scipy 'cosine')", "'cosine'", wd("sine"), 512, 256,
               src=NOISY),
    scipy_stft("scipy_triang256", "triangular (scipy triang, no zero ends)", "'triang'",
               wd("triangular"), 256, 128),
    scipy_stft("scipy_boxcar256", "rectangular, 50% overlap", "'boxcar'", wd("rectangular"),
               256, 128, layout=FRAMES),
    scipy_stft("scipy_dpss512", "DPSS / Slepian NW=3 given as an array (custom)",
               "scipy.signal.windows.dpss(512, 3)",
               wd("custom", None, True, expression="scipy.signal.windows.dpss(512, 3)"),
               src=SPEECH_SHORT),
    scipy_stft("scipy_sine_cubed256", "cosine-power sin^3 given as an array (custom)",
               "np.sin(np.pi * np.arange(256) / 256) ** 3",
               wd("custom", None, False, expression="np.sin(np.pi * np.arange(256) / 256) ** 3"),
               256, 192),
    # ---- scipy.signal.stft: boundary / padding / sides
    scipy_stft("scipy_boundary_none", "boundary=None: no centre padding", boundary=None),
    scipy_stft("scipy_padded_false", "padded=False: no zero frame at the end", padded=False,
               src=NOISY, nperseg=256, noverlap=128, own_inverse=False,
               note="scipy.signal.istft(Z, fs, nperseg=256, noverlap=128) returns only "
                    "(frames-1)*hop = 12928 of the 13000 samples here (30.95 dB); the last "
                    "72 are covered by the last frame's window, so the oracle is the plain "
                    "overlap-add"),
    scipy_stft("scipy_twosided256", "return_onesided=False: 256 bins, Hermitian",
               nperseg=256, noverlap=128, onesided=False),
    # ---- scipy.signal.spectrogram
    spectrogram("spectrogram_complex_default", "mode='complex' with its defaults: tukey 0.25, "
                "hop 224, frames detrended, density scaling", enc=RADIANS),
    spectrogram("spectrogram_mag_angle_default", "mode='magnitude' and mode='angle' (two calls)",
                modes=("magnitude", "angle"), enc=MA, layout=FRAMES, src=SPEECH),
    spectrogram("spectrogram_mag_phase_default", "mode='phase': angle unwrapped along frequency",
                modes=("magnitude", "phase"), enc=MP),
    spectrogram("spectrogram_psd_default", "mode='psd' alone: power, interior bins doubled, "
                "detrended; magnitude only", modes=("psd",), enc=S_POWER),
    spectrogram("spectrogram_complex_nodetrend_hann512", "mode='complex', detrend=False, hann "
                "512/384", nperseg=512, noverlap=384, window="hann", detrend=False, enc=RADIANS,
                src=SPEECH),
    spectrogram("spectrogram_psd_nodetrend", "mode='psd', detrend=False; magnitude only",
                modes=("psd",), detrend=False, enc=S_POWER, src=SPEECH),
    # ---- matplotlib.mlab.specgram (window np.hanning: symmetric, zero ends)
    mlab_specgram("mlab_mag_angle", "mode='magnitude' + mode='angle'", enc=MA),
    mlab_specgram("mlab_mag_phase", "mode='magnitude' + mode='phase' (unwrapped along "
                  "frequency)", modes=("magnitude", "phase"), enc=MP, src=SPEECH, layout=FRAMES),
    mlab_specgram("mlab_padto512_mag_angle", "pad_to=512 > NFFT=256: zero padding",
                  pad_to=512, enc=MA, src=SPEECH),
    mlab_specgram("mlab_psd", "mode='psd' (default): power / (Fs sum w^2), interior doubled; "
                  "magnitude only", modes=("psd",), enc=S_POWER),
    # ---- torch.stft
    torch_stft("torch_reflect512", "center=True, pad_mode='reflect'"),
    torch_stft("torch_constant512_hop256", "center=True, pad_mode='constant' (zeros)",
               hop=256, pad_mode="constant", src=NOISY, layout=FRAMES),
    torch_stft("torch_nocenter_hamming256", "center=False, hamming", n_fft=256, hop=64,
               window="hamming", center=False),
    torch_stft("torch_winlen320_nfft512", "win_length 320 < n_fft 512: window centred in the "
               "frame (offset 96)", win_length=320),
    torch_stft("torch_twosided256", "onesided=False: 256 bins", n_fft=256, hop=128,
               onesided=False, layout=FRAMES),
    torch_stft("torch_normalized512", "normalized=True: times 1/sqrt(n_fft)", hop=256,
               normalized=True, src=NOISY),
    torch_stft("torch_whisper400_power", "Whisper-like n_fft 400 hop 160 hann, |X|^2 and phase",
               n_fft=400, hop=160, enc=SCALES["power"],
               note="Whisper itself also drops the last frame (stft[..., :-1]); not done here"),
    torch_stft("torch_power_magonly512", "|X|^2 only (no phase), 512/128", enc=POWER_ONLY),
    torch_stft("torch_mag_only1024_hop256", "|X| only (no phase), 1024/256", n_fft=1024,
               hop=256, enc=MAG_ONLY, src=NOISY, layout=FRAMES),
    torch_stft("torch_log1p512", "log1p(|X|) of an unscaled STFT (peaks in the tens) + phase",
               enc=SCALES["log1p"]),
    # ---- Octave specgram (drops Nyquist for even n; writes column-major)
    octave_specgram("octave_specgram_default", "S = specgram(x): n 256, hanning(256), overlap 128",
                    "S = specgram(x);", 256, 128, 256,
                    wd("hann", None, True, matlab_hanning=False), "hanning(256)"),
    octave_specgram("octave_specgram_hamming400_512", "n 512 > window 400 (zero pad), hop 160",
                    "S = specgram(x, 512, 16000, hamming(400), 240);", 512, 160, 400,
                    wd("hamming", None, True), "hamming(400)"),
    octave_specgram("octave_specgram_odd255", "odd n 255: keeps (n+1)/2 = 128 bins, all of them",
                    "S = specgram(x, 255, 16000, hanning(255), 191);", 255, 64, 255,
                    wd("hann", None, True, matlab_hanning=False), "hanning(255)"),
    # ---- numpy by hand
    numpy_manual("numpy_fft_twosided256", "np.fft.fft: full two-sided spectrum, 256 bins",
                 _FRAMING.format(n=256, h=128) + "Zf = np.fft.fft(F * np.hanning(256), axis=1)",
                 {"n_fft": 256, "hop": 128, "win_length": 256, "window": wd("hann", None, True),
                  "onesided": False}),
    numpy_manual("numpy_fft_twosided_fftshift256", "np.fft.fftshift of the two-sided "
                 "spectrum: DC in the middle row",
                 _FRAMING.format(n=256, h=128)
                 + "Zf = np.fft.fftshift(np.fft.fft(F * np.hamming(256), axis=1), axes=1)",
                 {"n_fft": 256, "hop": 128, "win_length": 256,
                  "window": wd("hamming", None, True), "onesided": False, "fftshift": True},
                 layout="bins_x_frames"),
    numpy_manual("numpy_timeinv512", "phase referenced to absolute time (LTFAT 'timeinv')",
                 _FRAMING.format(n=512, h=128)
                 + "Zf = np.fft.rfft(F * scipy.signal.get_window('hann', 512), axis=1)\n"
                 "Zf = Zf * np.exp(-2j * np.pi * np.arange(257)[None, :] * 128 "
                 "* np.arange(len(F))[:, None] / 512)",
                 {"n_fft": 512, "hop": 128, "win_length": 512, "window": wd("hann"),
                  "onesided": True, "phase_reference": "absolute_time"}),
    numpy_manual("numpy_framecenter512", "phase referenced to the frame centre "
                 "(ifftshift before the FFT)",
                 _FRAMING.format(n=512, h=128)
                 + "Zf = np.fft.rfft(np.fft.ifftshift(F * scipy.signal.get_window('hann', 512), "
                 "axes=1), axis=1)",
                 {"n_fft": 512, "hop": 128, "win_length": 512, "window": wd("hann"),
                  "onesided": True, "phase_reference": "frame_center"}),
    numpy_manual("numpy_matlab_hanning512", "MATLAB 'hanning': symmetric, no zero end points",
                 _FRAMING.format(n=512, h=128)
                 + "Zf = np.fft.rfft(F * np.hanning(514)[1:-1], axis=1)",
                 {"n_fft": 512, "hop": 128, "win_length": 512,
                  "window": wd("hann", None, True, matlab_hanning=True), "onesided": True},
                 layout="bins_x_frames"),
]

# ---- magnitude scales and phase units, all on scipy.signal.stft hann 512/128
for key, e in SCALES.items():
    if key == "log1p":
        what = "log1p(|Z|): scipy's |Z| peaks near 0.12, so this is almost linear"
    else:
        what = f"magnitude scale {key}: {e['mag']}"
    CASES.append(scipy_stft(f"scale_{key}", what, enc=e, src=SPEECH_SHORT,
                            layout=FRAMES if key in ("db20", "ln", "int16_linear") else
                            "bins_x_frames"))
for key, e in PHASES.items():
    CASES.append(scipy_stft(f"phase_{key}", f"phase units {e['phase_units']}: {e['phase']}",
                            enc=e, src=SPEECH_SHORT,
                            layout=FRAMES if key in ("cycles", "int16") else "bins_x_frames"))
CASES.append(scipy_stft("container_f64be", "float64 big-endian, frames_x_bins", noverlap=256,
                        enc=F64BE, layout=FRAMES))
CASES.append(scipy_stft("container_complex64", "one file of interleaved complex64 (re, im)",
                        enc=COMPLEX64, src=SPEECH_SHORT))
