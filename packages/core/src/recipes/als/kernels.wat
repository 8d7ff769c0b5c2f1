;; The hot loops of implicit ALS training (train.ts) in WebAssembly with 128-bit SIMD: the same arithmetic as
;; gramianPart (linear-algebra.ts), projectRows and WoodburyRows (woodbury.ts) and solveRowsCg (cg.ts), in
;; float64 on two lanes. V8 compiles those JavaScript loops to scalar code with a bounds check per read; here
;; the Gramian ran 10–15× faster on the reference machine. Only the order of additions differs (two lanes and
;; two accumulators), so results agree with the JavaScript to about 1e-12.
;;
;; Every argument is a byte address in the shared memory (kernels.ts lays the arrays out) or a count: k, the
;; number of factors, is even. Factor rows are float32 (k·4 bytes); vectors and matrices of the solvers are
;; float64 in the caller's scratch, 16-byte aligned.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Σ_f a[f]·b[f] for a float32 row a and a float64 vector b.
  (func $dot_sd (param $a i32) (param $b i32) (param $k i32) (result f64)
    (local $s0 v128) (local $s1 v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s0 (f64x2.add (local.get $s0)
          (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))) (v128.load (local.get $b)))))
        (local.set $s1 (f64x2.add (local.get $s1)
          (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $a)))
                     (v128.load offset=16 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $next)))
    (if (i32.and (local.get $k) (i32.const 2))
      (then (local.set $s0 (f64x2.add (local.get $s0)
        (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))) (v128.load (local.get $b)))))))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))

  ;; Σ_f a[f]·b[f] for two float64 vectors.
  (func $dot_dd (param $a i32) (param $b i32) (param $k i32) (result f64)
    (local $s0 v128) (local $s1 v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s0 (f64x2.add (local.get $s0)
          (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $s1 (f64x2.add (local.get $s1)
          (f64x2.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $next)))
    (if (i32.and (local.get $k) (i32.const 2))
      (then (local.set $s0 (f64x2.add (local.get $s0)
        (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))

  ;; y += alpha·a for a float32 row a and a float64 vector y.
  (func $axpy_sd (param $alpha f64) (param $a i32) (param $y i32) (param $k i32)
    (local $s v128) (local $end i32)
    (local.set $s (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y) (f64x2.add (v128.load (local.get $y))
          (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $next))))

  ;; y += alpha·a for two float64 vectors.
  (func $axpy_dd (param $alpha f64) (param $a i32) (param $y i32) (param $k i32)
    (local $s v128) (local $end i32)
    (local.set $s (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (local.get $s) (v128.load (local.get $a)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $next))))

  ;; p = r + beta·p (the conjugate gradient's new direction).
  (func $xpby (param $r i32) (param $beta f64) (param $p i32) (param $k i32)
    (local $s v128) (local $end i32)
    (local.set $s (f64x2.splat (local.get $beta)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p)
          (f64x2.add (v128.load (local.get $r)) (f64x2.mul (local.get $s) (v128.load (local.get $p)))))
        (local.set $r (i32.add (local.get $r) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next))))

  ;; out = scale·(A·v) for a k×k float64 matrix A (row-major).
  (func $gemv (param $a i32) (param $v i32) (param $out i32) (param $k i32) (param $scale f64)
    (local $end i32) (local $row i32)
    (local.set $row (i32.shl (local.get $k) (i32.const 3)))
    (local.set $end (i32.add (local.get $out) (local.get $row)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f64.store (local.get $out)
          (f64.mul (local.get $scale) (call $dot_dd (local.get $a) (local.get $v) (local.get $k))))
        (local.set $a (i32.add (local.get $a) (local.get $row)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $next))))

  ;; out (float64) = a (float32), k values.
  (func $widen (param $a i32) (param $out i32) (param $k i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (v128.store (local.get $out) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $next))))

  ;; out (float32) = a (float64), k values, rounded to nearest as Float32Array stores round.
  (func $narrow (param $a i32) (param $out i32) (param $k i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (v128.store64_lane 0 (local.get $out) (f32x4.demote_f64x2_zero (v128.load (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $next))))

  ;; The upper triangle of Σ_r y_r y_rᵀ over rows start..end-1 of y, added into g (k×k float64), four rows at a
  ;; time so that each cell of g is read and written once per four rows. The cell left of the diagonal on odd
  ;; rows is written too (finishGramian overwrites the lower triangle). scratch: 4·k float64.
  (func (export "gramian") (param $y i32) (param $start i32) (param $end i32) (param $k i32) (param $g i32)
    (param $scratch i32)
    (local $r i32) (local $i i32) (local $j i32) (local $rows i32) (local $kb i32) (local $p i32)
      (local $q i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $kb (i32.shl (local.get $k) (i32.const 3)))
    (local.set $r (local.get $start))
    (block $done
      (loop $block
        (br_if $done (i32.ge_s (local.get $r) (local.get $end)))
        ;; Up to four rows widened into scratch; missing ones are zeros, which add nothing.
        (local.set $rows (select (i32.sub (local.get $end) (local.get $r)) (i32.const 4)
          (i32.lt_s (i32.sub (local.get $end) (local.get $r)) (i32.const 4))))
        (memory.fill (local.get $scratch) (i32.const 0) (i32.shl (local.get $kb) (i32.const 2)))
        (call $widen (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
          (local.get $scratch) (i32.mul (local.get $rows) (local.get $k)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $k)))
            (local.set $p (i32.add (local.get $scratch) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $a0 (v128.load64_splat (local.get $p)))
            (local.set $a1 (v128.load64_splat (i32.add (local.get $p) (local.get $kb))))
            (local.set $a2 (v128.load64_splat (i32.add (local.get $p) (i32.shl (local.get $kb)
              (i32.const 1)))))
            (local.set $a3 (v128.load64_splat (i32.add (local.get $p) (i32.mul (local.get $kb)
              (i32.const 3)))))
            (local.set $j (i32.and (local.get $i) (i32.const -2)))
            (block $colsDone
              (loop $col
                (br_if $colsDone (i32.ge_s (local.get $j) (local.get $k)))
                (local.set $q (i32.add (local.get $g)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $j)) (i32.const 3))))
                (local.set $p (i32.add (local.get $scratch) (i32.shl (local.get $j) (i32.const 3))))
                (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q))
                  (f64x2.add
                    (f64x2.add (f64x2.mul (local.get $a0) (v128.load (local.get $p)))
                               (f64x2.mul (local.get $a1) (v128.load (i32.add (local.get $p)
                                 (local.get $kb)))))
                    (f64x2.add
                      (f64x2.mul (local.get $a2)
                        (v128.load (i32.add (local.get $p) (i32.shl (local.get $kb) (i32.const 1)))))
                      (f64x2.mul (local.get $a3)
                        (v128.load (i32.add (local.get $p) (i32.mul (local.get $kb) (i32.const 3)))))))))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))
                (br $col)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $row)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $block))))

  ;; z_r = B⁻¹ y_r for rows start..end-1 of y (float32), B⁻¹ k×k float64; scratch: k float64.
  (func (export "project") (param $y i32) (param $bInverse i32) (param $k i32) (param $z i32)
    (param $start i32)
    (param $end i32) (param $scratch i32)
    (local $r i32) (local $f i32) (local $row i32) (local $out i32)
    (local.set $r (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $r) (local.get $end)))
        (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
        (call $widen (i32.add (local.get $y) (local.get $row)) (local.get $scratch) (local.get $k))
        (local.set $out (i32.add (local.get $z) (local.get $row)))
        (local.set $f (i32.const 0))
        (block $rowDone
          (loop $factor
            (br_if $rowDone (i32.ge_s (local.get $f) (local.get $k)))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $f) (i32.const 2)))
              (f32.demote_f64 (call $dot_dd
                (i32.add (local.get $bInverse) (i32.shl (i32.mul (local.get $f) (local.get $k))
                  (i32.const 3)))
                (local.get $scratch) (local.get $k))))
            (local.set $f (i32.add (local.get $f) (i32.const 1)))
            (br $factor)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next))))

  ;; One row by conjugate gradient from its previous value, as solveRowsCg: A = YᵀY + λI + Σ (c − 1) y yᵀ,
  ;; right-hand side Σ c·y. Scratch: xu, r, p, ap (k float64 each).
  (func $cgRow (param $x i32) (param $y i32) (param $yty i32) (param $idx i32) (param $val i32)
    (param $from i32) (param $to i32) (param $alpha f64) (param $k i32) (param $steps i32) (param $s i32)
    (local $r i32) (local $p i32) (local $ap i32) (local $q i32) (local $o i32) (local $c f64) (local $d f64)
    (local $rsOld f64) (local $rsNew f64) (local $a f64) (local $step i32) (local $kb i32)
    (local.set $kb (i32.shl (local.get $k) (i32.const 3)))
    (local.set $r (i32.add (local.get $s) (local.get $kb)))
    (local.set $p (i32.add (local.get $r) (local.get $kb)))
    (local.set $ap (i32.add (local.get $p) (local.get $kb)))
    (call $widen (local.get $x) (local.get $s) (local.get $k))
    ;; r = Σ c·y − A·x
    (call $gemv (local.get $yty) (local.get $s) (local.get $r) (local.get $k) (f64.const -1))
    (local.set $q (local.get $from))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $q) (local.get $to)))
        (local.set $o (i32.add (local.get $y) (i32.shl (i32.mul
          (i32.load (i32.add (local.get $idx) (i32.shl (local.get $q) (i32.const 2))))
          (local.get $k)) (i32.const 2))))
        (local.set $c (f64.add (f64.const 1) (f64.mul (local.get $alpha)
          (f64.promote_f32 (f32.load (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 2))))))))
        (local.set $d (call $dot_sd (local.get $o) (local.get $s) (local.get $k)))
        (call $axpy_sd (f64.sub (local.get $c) (f64.mul (f64.sub (local.get $c) (f64.const 1))
          (local.get $d)))
          (local.get $o) (local.get $r) (local.get $k))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next)))
    (memory.copy (local.get $p) (local.get $r) (local.get $kb))
    (local.set $rsOld (call $dot_dd (local.get $r) (local.get $r) (local.get $k)))
    (block $converged
      (loop $iterate
        (br_if $converged (i32.ge_s (local.get $step) (local.get $steps)))
        (br_if $converged (i32.eqz (f64.gt (local.get $rsOld) (f64.const 1e-20))))
        ;; ap = A·p
        (call $gemv (local.get $yty) (local.get $p) (local.get $ap) (local.get $k) (f64.const 1))
        (local.set $q (local.get $from))
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $q) (local.get $to)))
            (local.set $o (i32.add (local.get $y) (i32.shl (i32.mul
              (i32.load (i32.add (local.get $idx) (i32.shl (local.get $q) (i32.const 2))))
              (local.get $k)) (i32.const 2))))
            (local.set $c (f64.mul (local.get $alpha)
              (f64.promote_f32 (f32.load (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 2)))))))
            (call $axpy_sd (f64.mul (local.get $c) (call $dot_sd (local.get $o) (local.get $p)
              (local.get $k)))
              (local.get $o) (local.get $ap) (local.get $k))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $next)))
        (local.set $a (f64.div (local.get $rsOld) (call $dot_dd (local.get $p) (local.get $ap)
          (local.get $k))))
        (call $axpy_dd (local.get $a) (local.get $p) (local.get $s) (local.get $k))
        (call $axpy_dd (f64.neg (local.get $a)) (local.get $ap) (local.get $r) (local.get $k))
        (local.set $rsNew (call $dot_dd (local.get $r) (local.get $r) (local.get $k)))
        (call $xpby (local.get $r) (f64.div (local.get $rsNew) (local.get $rsOld)) (local.get $p)
          (local.get $k))
        (local.set $rsOld (local.get $rsNew))
        (local.set $step (i32.add (local.get $step) (i32.const 1)))
        (br $iterate)))
    (call $narrow (local.get $s) (local.get $x) (local.get $k)))

  ;; Solves a (n×n, row-major float64, positive definite) · x = b in place by Cholesky, as choleskySolveInPlace;
  ;; returns 0, or 1 when a is not positive definite.
  (func $cholesky (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $p i32) (local $sum f64) (local $rowI i32) (local $rowJ i32)
    (block $factored
      (loop $rows
        (br_if $factored (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $rowI
          (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.gt_s (local.get $j) (local.get $i)))
            (local.set $rowJ
              (i32.add (local.get $a) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
            (local.set $sum (f64.load (i32.add (local.get $rowI) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $p (i32.const 0))
            (block $dotDone
              (loop $dot
                (br_if $dotDone (i32.ge_s (local.get $p) (local.get $j)))
                (local.set $sum (f64.sub (local.get $sum)
                  (f64.mul (f64.load (i32.add (local.get $rowI) (i32.shl (local.get $p) (i32.const 3))))
                           (f64.load (i32.add (local.get $rowJ) (i32.shl (local.get $p) (i32.const 3)))))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $dot)))
            (if (i32.eq (local.get $i) (local.get $j))
              (then
                (if (f64.le (local.get $sum) (f64.const 0)) (then (return (i32.const 1))))
                (f64.store (i32.add (local.get $rowI) (i32.shl (local.get $i) (i32.const 3)))
                  (f64.sqrt (local.get $sum))))
              (else
                (f64.store (i32.add (local.get $rowI) (i32.shl (local.get $j) (i32.const 3)))
                  (f64.div (local.get $sum)
                    (f64.load (i32.add (local.get $rowJ) (i32.shl (local.get $j) (i32.const 3))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    ;; L y = b, then Lᵀ x = y.
    (local.set $i (i32.const 0))
    (block $forwardDone
      (loop $forward
        (br_if $forwardDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $rowI
          (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $sum (f64.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $p (i32.const 0))
        (block $dotDone
          (loop $dot
            (br_if $dotDone (i32.ge_s (local.get $p) (local.get $i)))
            (local.set $sum (f64.sub (local.get $sum)
              (f64.mul (f64.load (i32.add (local.get $rowI) (i32.shl (local.get $p) (i32.const 3))))
                       (f64.load (i32.add (local.get $b) (i32.shl (local.get $p) (i32.const 3)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $dot)))
        (f64.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))
          (f64.div (local.get $sum) (f64.load (i32.add (local.get $rowI) (i32.shl (local.get $i)
            (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $forward)))
    (local.set $i (i32.sub (local.get $n) (i32.const 1)))
    (block $backDone
      (loop $back
        (br_if $backDone (i32.lt_s (local.get $i) (i32.const 0)))
        (local.set $sum (f64.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $p (i32.add (local.get $i) (i32.const 1)))
        (block $dotDone
          (loop $dot
            (br_if $dotDone (i32.ge_s (local.get $p) (local.get $n)))
            (local.set $sum (f64.sub (local.get $sum)
              (f64.mul
                (f64.load (i32.add (local.get $a)
                  (i32.shl (i32.add (i32.mul (local.get $p) (local.get $n)) (local.get $i)) (i32.const 3))))
                (f64.load (i32.add (local.get $b) (i32.shl (local.get $p) (i32.const 3)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $dot)))
        (f64.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))
          (f64.div (local.get $sum) (f64.load (i32.add (local.get $a)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $i)) (i32.const 3))))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $back)))
    (i32.const 0))

  ;; One short row exactly by the Woodbury identity, as WoodburyRows.solve: x = g − Σ_j w_j z_j with
  ;; g = Σ c_i z_i and (D⁻¹ + [y_i · z_j]) w = [y_i · g]. Scratch: g (k), then the rows' y_i and z_i side by
  ;; side (2k each), their c − 1, the n×n system and its right-hand side. Returns 1 when the system is not
  ;; positive definite.
  (func $woodburyRow (param $x i32) (param $y i32) (param $z i32) (param $idx i32) (param $val i32)
    (param $from i32) (param $to i32) (param $alpha f64) (param $k i32) (param $s i32) (result i32)
    (local $kb i32) (local $rows i32) (local $extra i32) (local $system i32) (local $rhs i32) (local $n i32)
    (local $q i32) (local $o i32) (local $c1 f64) (local $i i32) (local $j i32) (local $yi i32) (local $d f64)
    (local.set $kb (i32.shl (local.get $k) (i32.const 3)))
    (local.set $rows (i32.add (local.get $s) (local.get $kb)))
    (local.set $extra (i32.add (local.get $rows)
      (i32.shl (i32.mul (i32.sub (local.get $to) (local.get $from)) (local.get $kb)) (i32.const 1))))
    (local.set $system (i32.add (local.get $extra) (i32.shl (i32.sub (local.get $to) (local.get $from))
      (i32.const 3))))
    (memory.fill (local.get $s) (i32.const 0) (local.get $kb))
    (local.set $q (local.get $from))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $q) (local.get $to)))
        (local.set $o (i32.shl (i32.mul
          (i32.load (i32.add (local.get $idx) (i32.shl (local.get $q) (i32.const 2)))) (local.get $k))
            (i32.const 2)))
        (local.set $c1 (f64.mul (local.get $alpha)
          (f64.promote_f32 (f32.load (i32.add (local.get $val) (i32.shl (local.get $q) (i32.const 2)))))))
        (call $axpy_sd (f64.add (f64.const 1) (local.get $c1)) (i32.add (local.get $z) (local.get $o))
          (local.get $s)
          (local.get $k))
        (if (f64.gt (local.get $c1) (f64.const 0))
          (then
            (local.set $yi (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $n) (local.get $kb))
              (i32.const 1))))
            (call $widen (i32.add (local.get $y) (local.get $o)) (local.get $yi) (local.get $k))
            (call $widen (i32.add (local.get $z) (local.get $o)) (i32.add (local.get $yi) (local.get $kb))
              (local.get $k))
            (f64.store (i32.add (local.get $extra) (i32.shl (local.get $n) (i32.const 3))) (local.get $c1))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next)))
    (local.set $rhs (i32.add (local.get $system) (i32.shl (i32.mul (local.get $n) (local.get $n))
      (i32.const 3))))
    ;; The system [y_i · z_j] (symmetric) plus D⁻¹ on its diagonal, and [y_i · g].
    (local.set $i (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $yi (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $i) (local.get $kb))
          (i32.const 1))))
        (local.set $j (local.get $i))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $d (call $dot_dd (local.get $yi)
              (i32.add (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $j) (local.get $kb))
                (i32.const 1)))
                (local.get $kb))
              (local.get $k)))
            (f64.store (i32.add (local.get $system)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
                (local.get $d))
            (f64.store (i32.add (local.get $system)
              (i32.shl (i32.add (i32.mul (local.get $j) (local.get $n)) (local.get $i)) (i32.const 3)))
                (local.get $d))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $col)))
        (local.set $o (i32.add (local.get $system)
          (i32.shl (i32.mul (local.get $i) (i32.add (local.get $n) (i32.const 1))) (i32.const 3))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
          (f64.div (f64.const 1) (f64.load (i32.add (local.get $extra) (i32.shl (local.get $i)
            (i32.const 3)))))))
        (f64.store (i32.add (local.get $rhs) (i32.shl (local.get $i) (i32.const 3)))
          (call $dot_dd (local.get $yi) (local.get $s) (local.get $k)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (if (call $cholesky (local.get $system) (local.get $rhs) (local.get $n)) (then (return (i32.const 1))))
    ;; x = g − Σ_j w_j z_j
    (local.set $j (i32.const 0))
    (block $subtracted
      (loop $subtract
        (br_if $subtracted (i32.ge_s (local.get $j) (local.get $n)))
        (call $axpy_dd (f64.neg (f64.load (i32.add (local.get $rhs) (i32.shl (local.get $j) (i32.const 3)))))
          (i32.add (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $j) (local.get $kb))
            (i32.const 1)))
            (local.get $kb))
          (local.get $s) (local.get $k))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $subtract)))
    (call $narrow (local.get $s) (local.get $x) (local.get $k))
    (i32.const 0))

  ;; out[c] = y_{cand[c]} · x for the m candidates (int32 item numbers), x a float64 vector: a shopper's
  ;; affinity with each item a ranking considers.
  (func (export "affinities") (param $y i32) (param $x i32) (param $cand i32) (param $m i32) (param $k i32)
    (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $cand) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $cand) (local.get $end)))
        (f64.store (local.get $out) (call $dot_sd
          (i32.add (local.get $y) (i32.shl (i32.mul (i32.load (local.get $cand)) (local.get $k))
            (i32.const 2)))
          (local.get $x) (local.get $k)))
        (local.set $cand (i32.add (local.get $cand) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $next))))

  ;; Rows start..end-1 of one side's half-step: rows shorter than directBelow by the identity when the fixed
  ;; side was projected (z ≠ 0), the others by conjugate gradient. Returns −1, or the first row whose
  ;; system was not positive definite.
  (func (export "solve") (param $x i32) (param $y i32) (param $z i32) (param $yty i32) (param $ptr i32)
    (param $idx i32) (param $val i32) (param $alpha f64) (param $k i32) (param $steps i32) (param $start i32)
    (param $end i32) (param $directBelow i32) (param $scratch i32) (result i32)
    (local $u i32) (local $from i32) (local $to i32) (local $row i32)
    (local.set $u (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $u) (local.get $end)))
        (local.set $from (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $u) (i32.const 2)))))
        (local.set $to (i32.load offset=4 (i32.add (local.get $ptr) (i32.shl (local.get $u) (i32.const 2)))))
        (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $u) (local.get $k))
          (i32.const 2))))
        (if (i32.and (i32.ne (local.get $z) (i32.const 0))
                     (i32.lt_s (i32.sub (local.get $to) (local.get $from)) (local.get $directBelow)))
          (then
            (if (call $woodburyRow (local.get $row) (local.get $y) (local.get $z) (local.get $idx)
              (local.get $val)
                  (local.get $from) (local.get $to) (local.get $alpha) (local.get $k) (local.get $scratch))
              (then (return (local.get $u)))))
          (else
            (call $cgRow (local.get $row) (local.get $y) (local.get $yty) (local.get $idx) (local.get $val)
              (local.get $from) (local.get $to) (local.get $alpha) (local.get $k) (local.get $steps)
              (local.get $scratch))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $next)))
    (i32.const -1))
)
