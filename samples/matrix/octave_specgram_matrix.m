% octave_specgram_matrix.m -- the Octave producer for the octave_* cases of samples/matrix.
%
% usage: octave --no-gui --quiet --norc octave_specgram_matrix.m IN.wav OUTDIR CALL WINEXPR
%   CALL    an Octave statement that sets S from x, e.g. "S = specgram(x, 512, 16000, hamming(400), 240);"
%   WINEXPR the window expression used in CALL, e.g. "hamming(400)" (written to OUTDIR/_window.f64
%           as little-endian float64 so make_matrix.py can check it against truth.json)
% Reads IN.wav (16-bit) as x = int16 / 32768 (as make_matrix.py does), evaluates CALL and writes
% abs(S) to OUTDIR/spec.bin and arg(S) to OUTDIR/phase.bin with fwrite as little-endian float32,
% i.e. column-major: each frame's bins are contiguous.
% Prints "META rows cols octave_version signal_version" for the caller.
pkg load signal
args = argv ();
if (numel (args) != 4)
  error ("usage: octave --no-gui --quiet --norc octave_specgram_matrix.m IN.wav OUTDIR CALL WINEXPR");
endif
[xi, fs] = audioread (args{1}, "native");
if (! strcmp (class (xi), "int16"))
  error ("expected a 16-bit WAV, got %s", class (xi));
endif
x = double (xi(:, 1)) / 32768;
eval (args{3});
outdir = args{2};
fid = fopen (fullfile (outdir, "spec.bin"), "w");
fwrite (fid, abs (S), "float32", 0, "ieee-le");
fclose (fid);
fid = fopen (fullfile (outdir, "phase.bin"), "w");
fwrite (fid, arg (S), "float32", 0, "ieee-le");
fclose (fid);
w = eval (args{4});
fid = fopen (fullfile (outdir, "_window.f64"), "w");
fwrite (fid, w, "float64", 0, "ieee-le");
fclose (fid);
sigver = "unknown";
lst = pkg ("list", "signal");
if (! isempty (lst))
  sigver = lst{1}.version;
endif
printf ("META %d %d %s %s\n", rows (S), columns (S), version (), sigver);
