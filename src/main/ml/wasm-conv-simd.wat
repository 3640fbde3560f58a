;; Data movement of the wasm conv kernels (wasm-conv-simd.ts), run on the tfjs
;; wasm backend's own memory (imported), so tensors are read and written where
;; they live. Every function takes byte offsets of float32 arrays in that memory.
;; Each does the same arithmetic in the same order as the JavaScript fallback
;; (wasm-conv2d-backprop-*.ts, wasm-sum.ts): copies are exact, col2im adds in
;; the JS loop order (SIMD lanes are independent elements), column sums keep
;; float64 accumulators in row order, uint8 / 255 is one correctly rounded
;; division; so both paths give the same bits.
(module
  (import "env" "memory" (memory 1))

;; One filter tap (i, j) of im2col: for c < ci, the row (tap, c) of cols [K, M]
  ;; (M = B * oh * ow) gets x[b, y*sh + di, xo*sw + dj, c] at column (b, y, xo),
  ;; 0 where that pixel is outside the image. xoLo <= xo < xoHi are the columns
  ;; inside (the caller computes them). dst is the byte offset of row (tap, 0).
  ;; Loops run b, y outside c, so one input row is read for all its channels while
  ;; it is in cache (c outermost re-read the whole input ci times: 3x slower at ci 16).
  (func (export "im2colTap")
    (param $x i32) (param $dst i32) (param $B i32) (param $H i32) (param $W i32) (param $ci i32)
    (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32) (param $di i32) (param $dj i32)
    (param $xoLo i32) (param $xoHi i32) (param $m i32)
    (local $c i32) (local $b i32) (local $y i32) (local $iy i32) (local $p i32) (local $src i32)
    (local $q i32) (local $end i32) (local $step i32) (local $row i32) (local $plane i32) (local $col i32) (local $src0 i32)
    (local.set $step (i32.shl (i32.mul (local.get $sw) (local.get $ci)) (i32.const 2)))
    (local.set $row (i32.shl (local.get $ow) (i32.const 2)))
    (local.set $plane (i32.shl (local.get $m) (i32.const 2)))
    (local.set $col (local.get $dst))
    (local.set $b (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $y (i32.const 0))
      (block $ydone (loop $yloop
        (br_if $ydone (i32.ge_u (local.get $y) (local.get $oh)))
        (local.set $iy (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $di)))
        ;; src0 = x + (((b*H + iy)*W + xoLo*sw + dj)*ci) * 4
        (local.set $src0 (i32.add (local.get $x) (i32.shl
          (i32.mul (i32.add (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $iy)) (local.get $W))
            (i32.mul (local.get $xoLo) (local.get $sw))) (local.get $dj)) (local.get $ci))
          (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $cdone (loop $cloop
          (br_if $cdone (i32.ge_u (local.get $c) (local.get $ci)))
          ;; p = start of output row (b, y) in the plane of channel c
          (local.set $p (i32.add (local.get $col) (i32.mul (local.get $c) (local.get $plane))))
          (if (i32.or (i32.lt_s (local.get $iy) (i32.const 0)) (i32.ge_s (local.get $iy) (local.get $H)))
            (then (memory.fill (local.get $p) (i32.const 0) (local.get $row)))
            (else
              (memory.fill (local.get $p) (i32.const 0) (i32.shl (local.get $xoLo) (i32.const 2)))
              (local.set $src (i32.add (local.get $src0) (i32.shl (local.get $c) (i32.const 2))))
              (local.set $q (i32.add (local.get $p) (i32.shl (local.get $xoLo) (i32.const 2))))
              (local.set $end (i32.add (local.get $p) (i32.shl (local.get $xoHi) (i32.const 2))))
              (if (i32.eq (local.get $step) (i32.const 4))
                (then
                  ;; contiguous: 4 at a time
                  (block $d1 (loop $l1
                    (br_if $d1 (i32.gt_u (i32.add (local.get $q) (i32.const 16)) (local.get $end)))
                    (v128.store (local.get $q) (v128.load (local.get $src)))
                    (local.set $q (i32.add (local.get $q) (i32.const 16)))
                    (local.set $src (i32.add (local.get $src) (i32.const 16)))
                    (br $l1)))))
              (if (i32.eq (local.get $step) (i32.const 8))
                (then
                  ;; every other float: two loads, even lanes kept. Needs 5 outputs left, so the
                  ;; 8th float read is still one the loop reads (never past the tensor).
                  (block $d2 (loop $l2
                    (br_if $d2 (i32.gt_u (i32.add (local.get $q) (i32.const 20)) (local.get $end)))
                    (v128.store (local.get $q)
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                        (v128.load (local.get $src)) (v128.load offset=16 (local.get $src))))
                    (local.set $q (i32.add (local.get $q) (i32.const 16)))
                    (local.set $src (i32.add (local.get $src) (i32.const 32)))
                    (br $l2)))))
              (block $d3 (loop $l3
                (br_if $d3 (i32.ge_u (local.get $q) (local.get $end)))
                (f32.store (local.get $q) (f32.load (local.get $src)))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))
                (local.set $src (i32.add (local.get $src) (local.get $step)))
                (br $l3)))
              (memory.fill (local.get $end) (i32.const 0)
                (i32.sub (i32.add (local.get $p) (local.get $row)) (local.get $end)))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cloop)))
        (local.set $col (i32.add (local.get $col) (local.get $row)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bloop))))

  ;; col2im: out [B, H, W, ci] = 0, then out[b, y*sh + i - top, xo*sw + j - left, :] += prod[(b, y, xo), (i, j, :)]
  ;; for every tap inside the image, in the order b, y, i, xo, j (the JS loop's).
  (func (export "col2im")
    (param $prod i32) (param $out i32) (param $B i32) (param $H i32) (param $W i32) (param $ci i32)
    (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32) (param $kh i32) (param $kw i32)
    (param $top i32) (param $left i32)
    (local $k i32) (local $b i32) (local $y i32) (local $i i32) (local $iy i32) (local $rowBase i32)
    (local $xo i32) (local $p0 i32) (local $j i32) (local $ix i32) (local $q i32) (local $p i32) (local $qEnd i32)
    (local $q4 i32)
    (local.set $k (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $ci)))
    (memory.fill (local.get $out) (i32.const 0)
      (i32.shl (i32.mul (i32.mul (i32.mul (local.get $B) (local.get $H)) (local.get $W)) (local.get $ci)) (i32.const 2)))
    (local.set $b (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $y (i32.const 0))
      (block $ydone (loop $yloop
        (br_if $ydone (i32.ge_u (local.get $y) (local.get $oh)))
        (local.set $i (i32.const 0))
        (block $idone (loop $iloop
          (br_if $idone (i32.ge_u (local.get $i) (local.get $kh)))
          (local.set $iy (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $top)))
          (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $H)))
            (then
              (local.set $rowBase (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $iy)) (local.get $W)))
              (local.set $xo (i32.const 0))
              (block $xdone (loop $xloop
                (br_if $xdone (i32.ge_u (local.get $xo) (local.get $ow)))
                ;; p0 = ((b*oh + y)*ow + xo)*k + i*kw*ci
                (local.set $p0 (i32.add
                  (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $y)) (local.get $ow)) (local.get $xo)) (local.get $k))
                  (i32.mul (i32.mul (local.get $i) (local.get $kw)) (local.get $ci))))
                (local.set $j (i32.const 0))
                (block $jdone (loop $jloop
                  (br_if $jdone (i32.ge_u (local.get $j) (local.get $kw)))
                  (local.set $ix (i32.sub (i32.add (i32.mul (local.get $xo) (local.get $sw)) (local.get $j)) (local.get $left)))
                  (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $W)))
                    (then
                      (local.set $q (i32.add (local.get $out) (i32.shl (i32.mul (i32.add (local.get $rowBase) (local.get $ix)) (local.get $ci)) (i32.const 2))))
                      (local.set $p (i32.add (local.get $prod) (i32.shl (i32.add (local.get $p0) (i32.mul (local.get $j) (local.get $ci))) (i32.const 2))))
                      (local.set $qEnd (i32.add (local.get $q) (i32.shl (local.get $ci) (i32.const 2))))
                      (local.set $q4 (i32.sub (local.get $qEnd) (i32.const 16)))
                      (block $d4 (loop $l4
                        (br_if $d4 (i32.gt_s (local.get $q) (local.get $q4)))
                        (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (v128.load (local.get $p))))
                        (local.set $q (i32.add (local.get $q) (i32.const 16)))
                        (local.set $p (i32.add (local.get $p) (i32.const 16)))
                        (br $l4)))
                      (block $d1 (loop $l1
                        (br_if $d1 (i32.ge_u (local.get $q) (local.get $qEnd)))
                        (f32.store (local.get $q) (f32.add (f32.load (local.get $q)) (f32.load (local.get $p))))
                        (local.set $q (i32.add (local.get $q) (i32.const 4)))
                        (local.set $p (i32.add (local.get $p) (i32.const 4)))
                        (br $l1)))))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br $jloop)))
                (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
                (br $xloop)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $iloop)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bloop))))

  ;; dst [cols, rows] = transpose of src [rows, cols], in 4 x 4 blocks (SIMD shuffles)
  ;; with scalar edges.
  (func (export "transpose2d") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $r4 i32) (local $c4 i32) (local $s i32) (local $d i32)
    (local $a v128) (local $b v128) (local $e v128) (local $f v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $r4)))
      (local.set $c (i32.const 0))
      (block $cdone (loop $cloop
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $c4)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
        (local.set $a (v128.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $b (v128.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $e (v128.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $f (v128.load (local.get $s)))
        ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = e0 f0 e1 f1, t3 = e2 f2 e3 f3
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e) (local.get $f)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e) (local.get $f)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
        (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (local.set $d (i32.add (local.get $d) (i32.shl (local.get $rows) (i32.const 2))))
        (v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (local.set $d (i32.add (local.get $d) (i32.shl (local.get $rows) (i32.const 2))))
        (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (local.set $d (i32.add (local.get $d) (i32.shl (local.get $rows) (i32.const 2))))
        (v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cloop)))
      ;; columns c4.. of these 4 rows
      (block $edone (loop $eloop
        (br_if $edone (i32.ge_u (local.get $c) (local.get $cols)))
        (call $copyColumn (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $r) (i32.add (local.get $r) (i32.const 4)) (local.get $c))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $eloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rloop)))
    ;; rows r4..: every column
    (local.set $c (i32.const 0))
    (block $tdone (loop $tloop
      (br_if $tdone (i32.ge_u (local.get $c) (local.get $cols)))
      (call $copyColumn (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $r4) (local.get $rows) (local.get $c))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $tloop))))

  ;; dst[c, r] = src[r, c] for r0 <= r < r1
  (func $copyColumn (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $r0 i32) (param $r1 i32) (param $c i32)
    (local $r i32)
    (local.set $r (local.get $r0))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
      (f32.store
        (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
        (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l))))

  ;; out[j] = (sum over r of x[r, j]) / div (x [rows, inner]), float64 accumulators, rows in order,
  ;; divided in float64 and rounded once (div 1: the sum; div rows: the mean); 8 columns per pass
  ;; over the rows, then single columns.
  (func (export "columnSum") (param $x i32) (param $out i32) (param $rows i32) (param $inner i32) (param $div f64)
    (local $d v128)
    (local $j i32) (local $r i32) (local $s i32) (local $stride i32) (local $v v128) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $acc f64) (local $o i32)
    (local.set $stride (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $d (f64x2.splat (local.get $div)))
    (local.set $j (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $inner)))
      (local.set $a0 (v128.const i64x2 0 0))
      (local.set $a1 (v128.const i64x2 0 0))
      (local.set $a2 (v128.const i64x2 0 0))
      (local.set $a3 (v128.const i64x2 0 0))
      (local.set $s (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $rdone (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $v (v128.load (local.get $s)))
        (local.set $w (v128.load offset=16 (local.get $s)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.promote_low_f32x4 (local.get $w))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w)))))
        (local.set $s (i32.add (local.get $s) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop)))
      (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
      (i64.store (local.get $o) (i64x2.extract_lane 0 (f32x4.demote_f64x2_zero (f64x2.div (local.get $a0) (local.get $d)))))
      (i64.store offset=8 (local.get $o) (i64x2.extract_lane 0 (f32x4.demote_f64x2_zero (f64x2.div (local.get $a1) (local.get $d)))))
      (i64.store offset=16 (local.get $o) (i64x2.extract_lane 0 (f32x4.demote_f64x2_zero (f64x2.div (local.get $a2) (local.get $d)))))
      (i64.store offset=24 (local.get $o) (i64x2.extract_lane 0 (f32x4.demote_f64x2_zero (f64x2.div (local.get $a3) (local.get $d)))))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $bloop)))
    (block $cdone (loop $cloop
      (br_if $cdone (i32.ge_u (local.get $j) (local.get $inner)))
      (local.set $acc (f64.const 0))
      (local.set $s (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $rdone2 (loop $rloop2
        (br_if $rdone2 (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (f64.add (local.get $acc) (f64.promote_f32 (f32.load (local.get $s)))))
        (local.set $s (i32.add (local.get $s) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop2)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (f64.div (local.get $acc) (local.get $div))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $cloop))))

;; out[r, :] = a[r, :] op v (op 0 multiply, 1 add, 2 subtract; vFirst: v op a[r, :]) for r < rows,
  ;; a [rows, inner], v [inner], inner a multiple of 4: a per-channel broadcast (batch norm's scale
  ;; and shift) without the backend's generic broadcasting loop. One IEEE operation per element, as there.
  (func (export "broadcastRows") (param $op i32) (param $a i32) (param $v i32) (param $out i32)
    (param $rows i32) (param $inner i32) (param $vFirst i32)
    (local $r i32) (local $j i32) (local $rowBytes i32) (local $x v128) (local $w v128) (local $y v128)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $x (v128.load (i32.add (local.get $a) (local.get $j))))
        (local.set $w (v128.load (i32.add (local.get $v) (local.get $j))))
        (if (local.get $vFirst)
          (then (local.set $y (local.get $x)) (local.set $x (local.get $w)) (local.set $w (local.get $y))))
        (if (i32.eqz (local.get $op))
          (then (local.set $y (f32x4.mul (local.get $x) (local.get $w))))
          (else (if (i32.eq (local.get $op) (i32.const 1))
            (then (local.set $y (f32x4.add (local.get $x) (local.get $w))))
            (else (local.set $y (f32x4.sub (local.get $x) (local.get $w)))))))
        (v128.store (i32.add (local.get $out) (local.get $j)) (local.get $y))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $jloop)))
      (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop))))

  ;; dst[i] = src[i] / 255 (src uint8, dst float32), 4 at a time.
  (func (export "scaleU8") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32) (local $n4 i32) (local $k v128)
    (local.set $k (f32x4.splat (f32.const 255)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_u (local.get $i) (local.get $n4)))
      (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
        (f32x4.div
          (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
            (v128.load32_zero (i32.add (local.get $src) (local.get $i))))))
          (local.get $k)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
        (f32.div (f32.convert_i32_u (i32.load8_u (i32.add (local.get $src) (local.get $i)))) (f32.const 255)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1))))
)
