;; Furthest point sampling min-distance update in WebAssembly SIMD.
;;
;; Assembled by scripts/build-fps-wasm.mjs into fps-simd-wasm.ts (base64); the
;; test test/selection/fps-simd.test.ts checks that those bytes are this file.
;;
;; Memory layout (byte offsets set by init; all in one shared memory so every
;; worker's instance sees the same rows and keys):
;;   data: rows in blocks of 4 ("4 rows x dp columns", column-interleaved): row r,
;;         column j at data + (r >> 2) * dp * 16 + j * 16 + (r & 3) * 4, float32;
;;         dp = d rounded up to a multiple of 8, the extra columns are zeros
;;   mind: float64 key per row, the squared distance to the nearest centre, summed
;;         in float64 over columns 0..d-1 in order (bit-identical to fps-kernel.ts);
;;         -1 for centres and for the padding rows up to a multiple of 4
;;   thr:  float32 per row, thrOf(mind): an upper bound of the key with a margin
;;         larger than the float32 rounding error of the SIMD sums
;;   norm: float32 per row, its squared norm |x|^2 (the float64 sum, rounded)
;;   flags: int32, 1 when the filter sums squared differences (set by the host)
;;   cmax: float32 per chunk of 64 rows, the largest thr in the chunk
;;
;; Why it is exact: each lane of a vector is one row. The float32 pass computes
;; the dot product x.c with the new centre c (four accumulators, column mod 4)
;; and the lower bound T = (A - 2 x.c) - (eps A + 2^-100) of |x - c|^2, with
;; A = |x|^2 + |c|^2 and eps = (dp + 16) * 2^-24. The rounding error of A - 2 x.c
;; in float32 is at most (dp/4 + 11) * 2^-24 * A (|x_j c_j| <= (x_j^2 + c_j^2) / 2,
;; so the dot product's error is bounded by A, however close x is to c), plus
;; far less than 2^-100 absolute for underflow; NaN or infinities compare false.
;; When T exceeds thr (which is >= the key with a relative margin that covers the
;; float64 rounding of the key), the row's float64 sum is certainly >= its key, so
;; the key stays. Otherwise the row's float64 sum is computed the way the JS kernel
;; does, and the key is updated when it is smaller. So the keys are the JS
;; kernel's to the bit; the float32 pass only decides which rows need no update,
;; which on FPS is nearly all of them (a new centre takes over about n / t rows
;; at step t). When the rows sit far from the origin relative to their spread
;; (the host's choice, flag word at `flags`), A would dwarf the distances and the
;; filter sums squared differences instead (margin (dp/4 + 5) * 2^-24 relative).
;; The x.c form costs one multiply and one add per column (the
;; difference form also subtracts, and the subtractions and adds share the FP add
;; ports); it runs over every column with no exit branch (an exit on partial sums
;; mispredicted often enough to cost more than the columns it saved at d = 32).
;;
;; The argmax: thr is a non-decreasing function of the key, so the rows with the
;; largest key are among the rows whose thr equals the largest thr. The pass
;; keeps the largest thr per chunk; the reduction then reads the float64 keys of
;; only those rows of the chunks that hold that largest thr (lowest index wins ties,
;; as in the JS kernel).
(module
  (import "env" "mem" (memory 1 65536 shared))
  (global $data (mut i32) (i32.const 0))
  (global $mind (mut i32) (i32.const 0))
  (global $thr (mut i32) (i32.const 0))
  (global $cmax (mut i32) (i32.const 0))
  (global $norm (mut i32) (i32.const 0))
  (global $eps (mut f32) (f32.const 0))
  (global $flags (mut i32) (i32.const 0))
  (global $diffForm (mut i32) (i32.const 0))
  (global $d (mut i32) (i32.const 0))
  (global $bstride (mut i32) (i32.const 0))
  (global $rel (mut f64) (f64.const 1))
  (global $abs (mut f64) (f64.const 0))

  ;; dp: columns padded to a multiple of 8; rel = 1 + relative margin; abs = absolute margin
  (func (export "init") (param $data i32) (param $mind i32) (param $thr i32) (param $cmax i32)
    (param $d i32) (param $dp i32) (param $rel f64) (param $abs f64) (param $norm i32) (param $flags i32)
    (global.set $flags (local.get $flags))
    (global.set $norm (local.get $norm))
    (global.set $eps (f32.demote_f64 (f64.sub (local.get $rel) (f64.const 1))))
    (global.set $data (local.get $data))
    (global.set $mind (local.get $mind))
    (global.set $thr (local.get $thr))
    (global.set $cmax (local.get $cmax))
    (global.set $d (local.get $d))
    (global.set $bstride (i32.shl (local.get $dp) (i32.const 4)))
    (global.set $rel (local.get $rel))
    (global.set $abs (local.get $abs)))

  (func $thrOf (param $m f64) (result f32)
    (f32.demote_f64 (f64.add (f64.mul (local.get $m) (global.get $rel)) (global.get $abs))))

  (func $setKey (export "setKey") (param $r i32) (param $m f64)
    (f64.store (i32.add (global.get $mind) (i32.shl (local.get $r) (i32.const 3))) (local.get $m))
    (f32.store (i32.add (global.get $thr) (i32.shl (local.get $r) (i32.const 2))) (call $thrOf (local.get $m))))

  (func $rowAddr (param $r i32) (result i32)
    (i32.add
      (i32.add (global.get $data)
        (i32.mul (i32.shr_u (local.get $r) (i32.const 2)) (global.get $bstride)))
      (i32.shl (i32.and (local.get $r) (i32.const 3)) (i32.const 2))))

  ;; float64 squared distance of rows r and pr, columns summed in order; stops
  ;; every 8 columns once the partial sum reaches m (the row then keeps its key)
  (func $exact (param $r i32) (param $pr i32) (param $m f64) (result f64)
    (local $a i32) (local $b i32) (local $j i32) (local $e i32) (local $s f64) (local $t f64)
    (local.set $a (call $rowAddr (local.get $r)))
    (local.set $b (call $rowAddr (local.get $pr)))
    (block $done
      (loop $groups
        (local.set $e (i32.add (local.get $j) (i32.const 8)))
        (if (i32.gt_u (local.get $e) (global.get $d)) (then (local.set $e (global.get $d))))
        (loop $cols
          (local.set $t (f64.sub
            (f64.promote_f32 (f32.load (local.get $a)))
            (f64.promote_f32 (f32.load (local.get $b)))))
          (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (local.get $t))))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $j) (local.get $e))))
        (br_if $done (i32.ge_u (local.get $j) (global.get $d)))
        (br_if $done (f64.ge (local.get $s) (local.get $m)))
        (br $groups)))
    (local.get $s))

  ;; Rows [start, end) (start a multiple of 64, end a multiple of 4): key = min(key,
  ;; |x - x_pr|^2); then the largest key in the range and its lowest row go to
  ;; out (float64 value at out, int32 row at out + 8; -1 / -1 when every key < 0).
  (func (export "update") (param $pr i32) (param $start i32) (param $end i32) (param $out i32)
    (local $pb i32) (local $i i32) (local $cs i32) (local $ce i32) (local $blk i32)
    (local $a i32) (local $b i32) (local $j i32) (local $bits i32) (local $lane i32)
    (local $r i32) (local $m f64) (local $x f64) (local $best f64) (local $bi i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $s v128) (local $thrv v128) (local $vmax v128)
    (local $t v128) (local $nc v128) (local $epsv v128) (local $big f32) (local $q f32) (local $ci i32) (local $cend i32)
    (local.set $pb (call $rowAddr (local.get $pr)))
    (local.set $nc (v128.load32_splat (i32.add (global.get $norm) (i32.shl (local.get $pr) (i32.const 2)))))
    (local.set $epsv (f32x4.splat (global.get $eps)))
    (global.set $diffForm (i32.load (global.get $flags)))
    (local.set $i (local.get $start))
    (block $chunksDone
      (loop $chunks
        (br_if $chunksDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $cs (local.get $i))
        (local.set $ce (i32.add (local.get $i) (i32.const 64)))
        (if (i32.gt_u (local.get $ce) (local.get $end)) (then (local.set $ce (local.get $end))))
        (local.set $vmax (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $blk (i32.add (global.get $data)
          (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (global.get $bstride))))
        (loop $blocks
          (local.set $thrv (v128.load (i32.add (global.get $thr) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $acc0 (v128.const i32x4 0 0 0 0))
          (local.set $acc1 (v128.const i32x4 0 0 0 0))
          (local.set $acc2 (v128.const i32x4 0 0 0 0))
          (local.set $acc3 (v128.const i32x4 0 0 0 0))
          (local.set $j (i32.const 0))
          (block $skip
            (if (global.get $diffForm)
              (then
                ;; rows far from the origin relative to their spread (chosen by the host):
                ;; squared differences, whose float32 sum errs by at most (dp/4 + 5) * 2^-24
                ;; relative plus (dp + 2) * 2^-149, inside thr's margin
                (loop $dcols
                  (local.set $a (i32.add (local.get $blk) (local.get $j)))
                  (local.set $b (i32.add (local.get $pb) (local.get $j)))
                  (local.set $t (f32x4.sub (v128.load offset=0 (local.get $a)) (v128.load32_splat offset=0 (local.get $b))))
                  (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $t) (local.get $t))))
                  (local.set $t (f32x4.sub (v128.load offset=16 (local.get $a)) (v128.load32_splat offset=16 (local.get $b))))
                  (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $t) (local.get $t))))
                  (local.set $t (f32x4.sub (v128.load offset=32 (local.get $a)) (v128.load32_splat offset=32 (local.get $b))))
                  (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $t) (local.get $t))))
                  (local.set $t (f32x4.sub (v128.load offset=48 (local.get $a)) (v128.load32_splat offset=48 (local.get $b))))
                  (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $t) (local.get $t))))
                  (local.set $j (i32.add (local.get $j) (i32.const 64)))
                  (br_if $dcols (i32.lt_u (local.get $j) (global.get $bstride))))
                (local.set $s (f32x4.gt
                  (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3)))
                  (local.get $thrv))))
              (else
                    (loop $cols
                      ;; 4 columns into four accumulators (column mod 4): four add chains keep the FP
                      ;; units busy. 4, not 8, per pass: V8 hoists a pass's loads, and 8 columns (16
                      ;; loaded vectors and 4 accumulators) exceed the 16 xmm registers, so it spilled
                      ;; an accumulator and the store-to-load round trip lengthened its add chain
                      ;; (measured: 8 per pass 18 ns per block of 4 rows at d = 32, 4 per pass 15 ns)
                      (local.set $a (i32.add (local.get $blk) (local.get $j)))
                      (local.set $b (i32.add (local.get $pb) (local.get $j)))
                      (local.set $acc0 (f32x4.add (local.get $acc0)
                        (f32x4.mul (v128.load offset=0 (local.get $a)) (v128.load32_splat offset=0 (local.get $b)))))
                      (local.set $acc1 (f32x4.add (local.get $acc1)
                        (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load32_splat offset=16 (local.get $b)))))
                      (local.set $acc2 (f32x4.add (local.get $acc2)
                        (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load32_splat offset=32 (local.get $b)))))
                      (local.set $acc3 (f32x4.add (local.get $acc3)
                        (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load32_splat offset=48 (local.get $b)))))
                      (local.set $j (i32.add (local.get $j) (i32.const 64)))
                      (br_if $cols (i32.lt_u (local.get $j) (global.get $bstride))))
                    ;; A = |x|^2 + |c|^2; lower bound of |x - c|^2: (A - 2 x.c) - (eps A + 2^-100)
                    (local.set $t (f32x4.add (v128.load (i32.add (global.get $norm) (i32.shl (local.get $i) (i32.const 2)))) (local.get $nc)))
                    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3))))
                    (local.set $s (f32x4.gt
                      (f32x4.sub
                        (f32x4.sub (local.get $t) (f32x4.add (local.get $acc0) (local.get $acc0)))
                        (f32x4.add (f32x4.mul (local.get $t) (local.get $epsv)) (v128.const f32x4 0x1p-100 0x1p-100 0x1p-100 0x1p-100)))
                      (local.get $thrv)))
              ))
            (br_if $skip (i32x4.all_true (local.get $s)))
            ;; some lane is not past its threshold: float64 distance for those rows
            (local.set $bits (i32x4.bitmask (local.get $s)))
            (local.set $lane (i32.const 0))
            (loop $lanes
              (if (i32.eqz (i32.and (local.get $bits) (i32.shl (i32.const 1) (local.get $lane))))
                (then
                  (local.set $r (i32.add (local.get $i) (local.get $lane)))
                  (local.set $m (f64.load (i32.add (global.get $mind) (i32.shl (local.get $r) (i32.const 3)))))
                  (local.set $x (call $exact (local.get $r) (local.get $pr) (local.get $m)))
                  (if (f64.lt (local.get $x) (local.get $m))
                    (then (call $setKey (local.get $r) (local.get $x))))))
              (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
              (br_if $lanes (i32.lt_u (local.get $lane) (i32.const 4))))
            (local.set $thrv (v128.load (i32.add (global.get $thr) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $vmax (f32x4.max (local.get $vmax) (local.get $thrv)))
          (local.set $blk (i32.add (local.get $blk) (global.get $bstride)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br_if $blocks (i32.lt_u (local.get $i) (local.get $ce))))
        (f32.store
          (i32.add (global.get $cmax) (i32.shl (i32.shr_u (local.get $cs) (i32.const 6)) (i32.const 2)))
          (f32.max
            (f32.max (f32x4.extract_lane 0 (local.get $vmax)) (f32x4.extract_lane 1 (local.get $vmax)))
            (f32.max (f32x4.extract_lane 2 (local.get $vmax)) (f32x4.extract_lane 3 (local.get $vmax)))))
        (br $chunks)))
    ;; argmax: the largest chunk maximum, then the float64 keys of the rows holding it
    (local.set $big (f32.const -inf))
    (local.set $ci (i32.shr_u (local.get $start) (i32.const 6)))
    (local.set $cend (i32.shr_u (i32.add (local.get $end) (i32.const 63)) (i32.const 6)))
    (block $maxDone
      (loop $maxLoop
        (br_if $maxDone (i32.ge_u (local.get $ci) (local.get $cend)))
        (local.set $big (f32.max (local.get $big)
          (f32.load (i32.add (global.get $cmax) (i32.shl (local.get $ci) (i32.const 2))))))
        (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
        (br $maxLoop)))
    (local.set $best (f64.const -1))
    (local.set $bi (i32.const -1))
    (if (f32.ge (local.get $big) (f32.const 0))
      (then
        (local.set $ci (i32.shr_u (local.get $start) (i32.const 6)))
        (block $scanDone
          (loop $scan
            (br_if $scanDone (i32.ge_u (local.get $ci) (local.get $cend)))
            (if (f32.eq (local.get $big)
                  (f32.load (i32.add (global.get $cmax) (i32.shl (local.get $ci) (i32.const 2)))))
              (then
                (local.set $r (i32.shl (local.get $ci) (i32.const 6)))
                (local.set $ce (i32.add (local.get $r) (i32.const 64)))
                (if (i32.gt_u (local.get $ce) (local.get $end)) (then (local.set $ce (local.get $end))))
                (loop $rows
                  (local.set $q (f32.load (i32.add (global.get $thr) (i32.shl (local.get $r) (i32.const 2)))))
                  (if (f32.eq (local.get $q) (local.get $big))
                    (then
                      (local.set $x (f64.load (i32.add (global.get $mind) (i32.shl (local.get $r) (i32.const 3)))))
                      (if (f64.gt (local.get $x) (local.get $best))
                        (then (local.set $best (local.get $x)) (local.set $bi (local.get $r))))))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br_if $rows (i32.lt_u (local.get $r) (local.get $ce))))))
            (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
            (br $scan)))))
    (f64.store (local.get $out) (local.get $best))
    (i32.store offset=8 (local.get $out) (local.get $bi)))
;; The bench's streaming floor: reads rows [start, end) `passes` times with the
  ;; same f32x4 loads as update (four accumulators), no arithmetic beyond one add per load.
  (func (export "stream") (param $start i32) (param $end i32) (param $passes i32) (result f32)
    (local $a i32) (local $e i32) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (block $done
      (loop $pass
        (br_if $done (i32.eqz (local.get $passes)))
        (local.set $a (i32.add (global.get $data)
          (i32.mul (i32.shr_u (local.get $start) (i32.const 2)) (global.get $bstride))))
        (local.set $e (i32.add (global.get $data)
          (i32.mul (i32.shr_u (local.get $end) (i32.const 2)) (global.get $bstride))))
        (if (i32.lt_u (local.get $a) (local.get $e))
          (then
            (loop $cols
              (local.set $acc0 (f32x4.add (local.get $acc0) (v128.load offset=0 (local.get $a))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (v128.load offset=16 (local.get $a))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (v128.load offset=32 (local.get $a))))
              (local.set $acc3 (f32x4.add (local.get $acc3) (v128.load offset=48 (local.get $a))))
              (local.set $acc0 (f32x4.add (local.get $acc0) (v128.load offset=64 (local.get $a))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (v128.load offset=80 (local.get $a))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (v128.load offset=96 (local.get $a))))
              (local.set $acc3 (f32x4.add (local.get $acc3) (v128.load offset=112 (local.get $a))))
              (local.set $a (i32.add (local.get $a) (i32.const 128)))
              (br_if $cols (i32.lt_u (local.get $a) (local.get $e))))))
        (local.set $passes (i32.sub (local.get $passes) (i32.const 1)))
        (br $pass)))
    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
)
