% make_fixtures.m -- the GNU Octave producer of tests/data/formats/ (run by make_fixtures.py).
%
% usage: octave --no-gui --quiet --norc make_fixtures.m OUTDIR
%
% Value formula (the same in make_fixtures.py and tests/formats_fixtures.h):
%   v(i) = sin(0.37*i)*100 + i*0.001,  i = start, start+1, ...   (float64)
%   float types: v cast to the type; integer types: fix(v) (+128 for unsigned types);
%   complex: real part v(i), imaginary part v(i+1000).
% Every array is built so that the order of its elements IN THE FILE is i = start, start+1, ...
% (column-major for .mat and fwrite, row-major for text).
args = argv ();
outdir = args{1};
v = @(n, s) sin (0.37 * (s:s+n-1)) * 100 + (s:s+n-1) * 0.001;

% MATLAB v5 files (-v6 uncompressed, -v7 compressed): column-major, so reshape(v, 6, 5).
mag = single (reshape (v (30, 0), 6, 5));
phase = reshape (v (30, 100), 6, 5);
z = complex (reshape (v (30, 200), 6, 5), reshape (v (30, 1200), 6, 5));
fs = 16000;
i16 = int16 (fix (reshape (v (30, 300), 6, 5)));
u8 = uint8 (fix (reshape (v (30, 400), 6, 5)) + 128);
s = "not numbers";
c = {1, "two"};
st.a = 1;
st.b = "x";
flag = [true false true];
save ("-v6", fullfile (outdir, "mat", "octave_v6.mat"), "mag", "phase", "z", "fs", "i16", "u8", "s", "c", "st", "flag");
save ("-v7", fullfile (outdir, "mat", "octave_v7.mat"), "mag", "phase", "z", "fs", "i16", "u8", "s", "c", "st", "flag");
save ("-hdf5", fullfile (outdir, "hdf5", "octave.h5"), "mag", "phase", "z", "fs", "i16", "s");

% Octave's default text format: matrices are printed row by row, so build them with
% reshape(v, cols, rows).' to have the file order v.  Integer matrices are written one value
% per line in column-major order, so those use reshape(v, rows, cols).
mag = reshape (v (30, 0), 5, 6).';
z = complex (reshape (v (30, 200), 5, 6).', reshape (v (30, 1200), 5, 6).');
i16 = int16 (fix (reshape (v (30, 300), 6, 5)));
save ("-text", fullfile (outdir, "text", "octave_text.txt"), "mag", "z", "fs", "i16", "s", "c", "st");
dlmwrite (fullfile (outdir, "text", "octave_dlmwrite.csv"), mag, "precision", "%.17g");

% fwrite: raw column-major dumps, no header.
fid = fopen (fullfile (outdir, "raw", "octave_fwrite_f32le.bin"), "w");
fwrite (fid, reshape (v (300, 0), 30, 10), "float32", 0, "ieee-le");
fclose (fid);
fid = fopen (fullfile (outdir, "raw", "octave_fwrite_f64be.bin"), "w");
fwrite (fid, reshape (v (300, 0), 30, 10), "float64", 0, "ieee-be");
fclose (fid);
