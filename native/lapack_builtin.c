/*
 * The built-in factorisations behind blas.h when no system LAPACK is loaded, for the small dense matrices
 * that reach these kernels (d x d covariances, tall-skinny blocks): Householder QR and least squares,
 * Cholesky, cyclic Jacobi for the symmetric eigenproblem and one-sided (Hestenes) Jacobi for the SVD.
 * Jacobi methods are simple and accurate to a few ulps of the largest eigen/singular value; their cost
 * (a few sweeps of O(n^3)) is fine at these sizes. Same buffers and status codes as the system ones.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"

/* Sweeps after which a Jacobi method reports no convergence (it needs ~10 in double precision). */
#define MAX_SWEEPS 100

/*
 * Householder reduction of the row-major m x n matrix r (m >= n) to upper triangular form, in place; the
 * unit reflector of column j goes to column j of v (rows j..m-1). w: n scratch doubles.
 */
static void householder(double *r, double *v, size_t m, size_t n, double *w);

/* Apply H = I - 2 v v^T (v = column j of v, rows j..m-1) to the m x cols matrix a. w: cols scratch doubles. */
static void reflect(const double *v, size_t n, size_t j, size_t m, double *a, size_t cols, double *w) {
  memset(w, 0, cols * sizeof(double));
  for (size_t i = j; i < m; i++) {
    double vi = v[i * n + j];
    if (vi == 0) continue;
    for (size_t c = 0; c < cols; c++) w[c] += vi * a[i * cols + c];
  }
  for (size_t i = j; i < m; i++) {
    double vi = 2 * v[i * n + j];
    if (vi == 0) continue;
    for (size_t c = 0; c < cols; c++) a[i * cols + c] -= vi * w[c];
  }
}

static void householder(double *r, double *v, size_t m, size_t n, double *w) {
  for (size_t j = 0; j < n; j++) {
    double norm2 = 0;
    for (size_t i = j; i < m; i++) norm2 += r[i * n + j] * r[i * n + j];
    if (norm2 == 0) continue;
    double x0 = r[j * n + j];
    /* alpha has the opposite sign of x0 so that x0 - alpha does not cancel. */
    double alpha = x0 >= 0 ? -sqrt(norm2) : sqrt(norm2);
    double vnorm = sqrt(norm2 - x0 * x0 + (x0 - alpha) * (x0 - alpha));
    v[j * n + j] = (x0 - alpha) / vnorm;
    for (size_t i = j + 1; i < m; i++) v[i * n + j] = r[i * n + j] / vnorm;
    reflect(v, n, j, m, r, n, w);
    /* Exact zeros below the diagonal (the reflection leaves rounding noise there). */
    r[j * n + j] = alpha;
    for (size_t i = j + 1; i < m; i++) r[i * n + j] = 0;
  }
}

static int bi_qr(size_t m, size_t n, double *q, double *r) {
  double *h = malloc(m * n * sizeof(double)), *v = calloc(m * n, sizeof(double)), *w = malloc(n * sizeof(double));
  if (!h || !v || !w) {
    free(h), free(v), free(w);
    return LAPACK_OOM;
  }
  memcpy(h, q, m * n * sizeof(double));
  householder(h, v, m, n, w);
  for (size_t i = 0; i < n; i++) memcpy(r + i * n + i, h + i * n + i, (n - i) * sizeof(double));
  /* Q = H_0 ... H_{n-1} [I; 0]. */
  memset(q, 0, m * n * sizeof(double));
  for (size_t j = 0; j < n; j++) q[j * n + j] = 1;
  for (size_t j = n; j-- > 0;) reflect(v, n, j, m, q, n, w);
  free(h), free(v), free(w);
  return 0;
}

static int bi_cholesky(size_t n, double *l) {
  for (size_t j = 0; j < n; j++) {
    double s = l[j * n + j];
    for (size_t t = 0; t < j; t++) s -= l[j * n + t] * l[j * n + t];
    if (!(s > 0)) return (int)(j + 1);
    double d = sqrt(s);
    l[j * n + j] = d;
    for (size_t i = j + 1; i < n; i++) {
      double u = l[i * n + j];
      for (size_t t = 0; t < j; t++) u -= l[i * n + t] * l[j * n + t];
      l[i * n + j] = u / d;
    }
  }
  return 0;
}

/*
 * Least squares by Householder QR: X = R^-1 (Q^T B)[:n]. A diagonal element of R that is zero relative
 * to the largest (|r_ii| <= n eps max |r_jj|) means A is rank deficient: its (1-based) index is returned.
 */
static int bi_lstsq(size_t m, size_t n, size_t r, double *a, double *b) {
  double *v = calloc(m * n, sizeof(double)), *w = malloc((n > r ? n : r) * sizeof(double));
  if (!v || !w) {
    free(v), free(w);
    return LAPACK_OOM;
  }
  householder(a, v, m, n, w);
  double rmax = 0;
  for (size_t i = 0; i < n; i++) rmax = fmax(rmax, fabs(a[i * n + i]));
  double tol = (double)n * DBL_EPSILON * rmax;
  int info = 0;
  for (size_t i = 0; i < n && !info; i++)
    if (!(fabs(a[i * n + i]) > tol)) info = (int)(i + 1);
  if (!info) {
    for (size_t j = 0; j < n; j++) reflect(v, n, j, m, b, r, w);
    for (size_t i = n; i-- > 0;) {
      for (size_t c = 0; c < r; c++) {
        double s = b[i * r + c];
        for (size_t t = i + 1; t < n; t++) s -= a[i * n + t] * b[t * r + c];
        b[i * r + c] = s / a[i * n + i];
      }
    }
  }
  free(v), free(w);
  return info;
}

/* Rotate rows p and q of the n-column matrix x: (x_p, x_q) <- (c x_p - s x_q, s x_p + c x_q). */
static void rotate_rows(double *x, size_t cols, size_t p, size_t q, double c, double s) {
  double *xp = x + p * cols, *xq = x + q * cols;
  for (size_t k = 0; k < cols; k++) {
    double a = xp[k], b = xq[k];
    xp[k] = c * a - s * b;
    xq[k] = s * a + c * b;
  }
}

/* Sort `count` values descending (or ascending) with the rows of x (cols wide) alongside: selection sort. */
static void sort_with_rows(double *val, double *x, size_t cols, size_t count, bool descending) {
  for (size_t i = 0; i < count; i++) {
    size_t best = i;
    for (size_t j = i + 1; j < count; j++)
      if (descending ? val[j] > val[best] : val[j] < val[best]) best = j;
    if (best == i) continue;
    double t = val[i];
    val[i] = val[best];
    val[best] = t;
    for (size_t k = 0; k < cols; k++) {
      double u = x[i * cols + k];
      x[i * cols + k] = x[best * cols + k];
      x[best * cols + k] = u;
    }
  }
}

/*
 * Cyclic Jacobi on the symmetric A (lower triangle read, mirrored): each rotation zeroes one off-diagonal
 * pair, A <- J^T A J, and the eigenvectors accumulate as the rows of vt (V^T) so that updates are rows.
 */
static int bi_eigh(size_t n, double *v, double *w) {
  double *a = malloc(n * n * sizeof(double)), *vt = calloc(n * n, sizeof(double));
  if (!a || !vt) {
    free(a), free(vt);
    return LAPACK_OOM;
  }
  double norm2 = 0;
  for (size_t i = 0; i < n; i++) {
    vt[i * n + i] = 1;
    for (size_t j = 0; j <= i; j++) {
      a[i * n + j] = a[j * n + i] = v[i * n + j];
      norm2 += (i == j ? 1 : 2) * v[i * n + j] * v[i * n + j];
    }
  }
  int info = (int)n + 1;
  for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    double off = 0;
    for (size_t p = 0; p < n; p++)
      for (size_t q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= DBL_EPSILON * DBL_EPSILON * norm2 * 1e-2) {
      info = 0;
      break;
    }
    for (size_t p = 0; p < n; p++) {
      for (size_t q = p + 1; q < n; q++) {
        double apq = a[p * n + q];
        if (apq == 0) continue;
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
        double c = 1 / sqrt(t * t + 1), s = t * c;
        /* A J (columns p, q), then J^T (A J) (rows p, q); A is symmetric so columns are rows mirrored. */
        for (size_t k = 0; k < n; k++) {
          double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        rotate_rows(a, n, p, q, c, s);
        a[p * n + q] = a[q * n + p] = 0;
        rotate_rows(vt, n, p, q, c, s);
      }
    }
  }
  if (info == 0) {
    for (size_t i = 0; i < n; i++) w[i] = a[i * n + i];
    sort_with_rows(w, vt, n, n, false);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++) v[i * n + j] = vt[j * n + i];
  }
  free(a), free(vt);
  return info;
}

/*
 * One-sided Jacobi SVD of the p x len matrix x whose rows are the columns of a tall matrix (p <= len):
 * rotations make the rows mutually orthogonal, accumulating the same rotations in y (p x p, rows of V^T
 * transposed, i.e. columns of V as rows). On return the rows of x are U's columns scaled by s.
 */
static int one_sided_jacobi(double *x, size_t p, size_t len, double *y) {
  for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    bool rotated = false;
    for (size_t i = 0; i < p; i++) {
      for (size_t j = i + 1; j < p; j++) {
        double alpha = 0, beta = 0, gamma = 0;
        const double *xi = x + i * len, *xj = x + j * len;
        for (size_t k = 0; k < len; k++) {
          alpha += xi[k] * xi[k];
          beta += xj[k] * xj[k];
          gamma += xi[k] * xj[k];
        }
        if (!(fabs(gamma) > DBL_EPSILON * sqrt(alpha * beta))) continue;
        rotated = true;
        double zeta = (beta - alpha) / (2 * gamma);
        double t = (zeta >= 0 ? 1 : -1) / (fabs(zeta) + sqrt(zeta * zeta + 1));
        double c = 1 / sqrt(t * t + 1), s = t * c;
        rotate_rows(x, len, i, j, c, s);
        rotate_rows(y, p, i, j, c, s);
      }
    }
    if (!rotated) return 0;
  }
  return (int)p + 1;
}

/*
 * Rows of x (p x len) that are zero after normalisation are replaced by unit vectors orthogonal to all
 * other rows (Gram-Schmidt on the standard basis), so that U keeps orthonormal columns at rank < p.
 */
static void complete_basis(double *x, const double *s, size_t p, size_t len) {
  for (size_t i = 0; i < p; i++) {
    if (s[i] > 0) continue;
    double *xi = x + i * len;
    for (size_t e = 0; e < len; e++) {
      memset(xi, 0, len * sizeof(double));
      xi[e] = 1;
      for (int pass = 0; pass < 2; pass++) {
        for (size_t j = 0; j < p; j++) {
          if (j == i || (s[j] <= 0 && j > i)) continue;
          const double *xj = x + j * len;
          double d = 0;
          for (size_t k = 0; k < len; k++) d += xi[k] * xj[k];
          for (size_t k = 0; k < len; k++) xi[k] -= d * xj[k];
        }
      }
      double nrm = 0;
      for (size_t k = 0; k < len; k++) nrm += xi[k] * xi[k];
      if (nrm > 0.25) {
        nrm = sqrt(nrm);
        for (size_t k = 0; k < len; k++) xi[k] /= nrm;
        break;
      }
    }
  }
}

/*
 * Thin SVD: with B = A (m >= n) or A^T (m < n), of size tall x p, one-sided Jacobi on B's columns gives
 * B = U S V^T. For A^T, A = V S U^T: the roles of u and vt swap.
 */
static int bi_svd(size_t m, size_t n, double *a, double *s, double *u, double *vt) {
  size_t p = m < n ? m : n, len = m < n ? n : m;
  double *x = malloc(p * len * sizeof(double)), *y = calloc(p * p, sizeof(double));
  if (!x || !y) {
    free(x), free(y);
    return LAPACK_OOM;
  }
  /* Rows of x are the columns of B: A's columns when m >= n, A's rows otherwise. */
  if (m >= n) {
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < n; j++) x[j * m + i] = a[i * n + j];
  } else {
    memcpy(x, a, m * n * sizeof(double));
  }
  for (size_t i = 0; i < p; i++) y[i * p + i] = 1;
  int info = one_sided_jacobi(x, p, len, y);
  if (info == 0) {
    for (size_t i = 0; i < p; i++) {
      double nrm = 0;
      for (size_t k = 0; k < len; k++) nrm += x[i * len + k] * x[i * len + k];
      s[i] = sqrt(nrm);
    }
    /* Sort rows of x and y together by s: y's rows go with x's through a combined row of both. */
    double *xy = malloc(p * (len + p) * sizeof(double));
    if (!xy) {
      free(x), free(y);
      return LAPACK_OOM;
    }
    for (size_t i = 0; i < p; i++) {
      memcpy(xy + i * (len + p), x + i * len, len * sizeof(double));
      memcpy(xy + i * (len + p) + len, y + i * p, p * sizeof(double));
    }
    sort_with_rows(s, xy, len + p, p, true);
    for (size_t i = 0; i < p; i++) {
      memcpy(x + i * len, xy + i * (len + p), len * sizeof(double));
      memcpy(y + i * p, xy + i * (len + p) + len, p * sizeof(double));
      /* A zero column of B has no direction: complete_basis gives it one. */
      if (s[i] > 0)
        for (size_t k = 0; k < len; k++) x[i * len + k] /= s[i];
    }
    free(xy);
    complete_basis(x, s, p, len);
    /* x rows: B's left vectors (len); y rows: B's right vectors (p). */
    double *bl = m >= n ? u : vt, *br = m >= n ? vt : u;
    if (m >= n) {
      for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < p; j++) bl[i * p + j] = x[j * len + i]; /* u: m x p, columns = rows of x */
      memcpy(br, y, p * p * sizeof(double));                            /* vt: p x p, rows = V's columns */
    } else {
      memcpy(bl, x, p * len * sizeof(double)); /* vt: p x n, rows = U_B's columns */
      for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) br[i * p + j] = y[j * p + i]; /* u: m x p, columns = V_B's columns */
    }
  }
  free(x), free(y);
  return info;
}

const lapack_ops builtin_lapack = {bi_qr, bi_svd, bi_eigh, bi_cholesky, bi_lstsq};
