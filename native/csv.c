/*
 * Exact, fast parser for numeric delimited text (the parseCsv kernel).
 *
 * Every field yields the double that JS Number.parseFloat gives (the correctly rounded value):
 *   1. Clinger's fast path: mantissa w <= 2^53 and |e10| <= 22, one exact double multiply/divide.
 *   2. x87 extended path (x86 only): w < 10^19 is exact in a 64-bit significand and 10^|e10| is exact for
 *      |e10| <= 27, so one extended multiply/divide is correctly rounded to 64 bits; rounding that to 53 bits
 *      gives the correctly rounded double unless the extended result sits exactly on a halfway point
 *      between two doubles (low 11 bits == 0x400), which falls through to
 *   3. glibc strtod_l in the C locale (correctly rounded) on a NUL-terminated copy of the field.
 * Fields are split exactly at the delimiter; spaces and tabs around a field are ignored. Malformed input
 * gives a failure object (ragged / non-numeric / empty with 1-based line and column), never an exception.
 */
#define _GNU_SOURCE
#include <float.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "napi_args.h"

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if (defined(__x86_64__) || defined(__i386__)) && LDBL_MANT_DIG == 64 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HAVE_X87_PATH 1
static const long double pow10_ext[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
    1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
#endif

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void init_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

static inline int is_digit(uint8_t c) { return (unsigned)(c - '0') < 10; }
static inline int is_blank(uint8_t c, uint8_t delim) { return (c == ' ' || c == '\t') && c != delim; }
static inline uint8_t lower(uint8_t c) { return c | 0x20; }

/* Case-insensitive match of the ASCII word `w` at [p, e); returns the end of the match or NULL. */
static const uint8_t *match_word(const uint8_t *p, const uint8_t *e, const char *w) {
  for (; *w; w++, p++) {
    if (p >= e || lower(*p) != (uint8_t)*w) return NULL;
  }
  return p;
}

/* Correctly rounded conversion of the decimal text [s, q) through strtod_l in the C locale. */
static double strtod_exact(const uint8_t *s, const uint8_t *q) {
  char small[128];
  size_t len = (size_t)(q - s);
  char *buf = len < sizeof small ? small : malloc(len + 1);
  if (!buf) return 0.0 / 0.0; /* unreachable in practice: fields are validated, only memory can fail */
  memcpy(buf, s, len);
  buf[len] = 0;
  double v = strtod_l(buf, NULL, c_locale);
  if (buf != small) free(buf);
  return v;
}

static inline uint64_t read8(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Whether the 8 bytes (little-endian) are all ASCII digits. */
static inline int is_8digits(uint64_t v) {
  return ((v & 0xF0F0F0F0F0F0F0F0ULL) | (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) == 0x3333333333333333ULL;
}

/* The value of 8 ASCII digits read little-endian (SWAR: pairs, then quads, then the whole). */
static inline uint64_t parse_8digits(uint64_t v) {
  v -= 0x3030303030303030ULL;
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFULL) * 0x000F424000000064ULL) + (((v >> 16) & 0x000000FF000000FFULL) * 0x0000271000000001ULL)) >> 32;
  return v;
}

/* Consume digits at p, appending them to *w; eight at a time while possible. */
static inline const uint8_t *eat_digits(const uint8_t *p, const uint8_t *e, uint64_t *w) {
  uint64_t v = *w;
  while (e - p >= 8) {
    uint64_t c = read8(p);
    if (!is_8digits(c)) break;
    v = v * 100000000 + parse_8digits(c);
    p += 8;
  }
  for (; p < e && is_digit(*p); p++) v = v * 10 + (uint64_t)(*p - '0');
  *w = v;
  return p;
}

/*
 * Scan one number at p (after leading blanks). Returns the end of the number text, or NULL when no number
 * starts here. Grammar: [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits] | [+-] (inf|infinity|nan).
 */
static const uint8_t *scan_number(const uint8_t *p, const uint8_t *e, double *out) {
  int neg = 0;
  if (p < e && (*p == '+' || *p == '-')) {
    neg = *p == '-';
    p++;
  }
  const uint8_t *s = p; /* the unsigned text, for the strtod fallback */
  if (p >= e) return NULL;
  if (!is_digit(*p) && *p != '.') {
    const uint8_t *q;
    if ((q = match_word(p, e, "infinity")) || (q = match_word(p, e, "inf"))) {
      *out = neg ? -1.0 / 0.0 : 1.0 / 0.0;
      return q;
    }
    if ((q = match_word(p, e, "nan"))) {
      *out = 0.0 / 0.0; /* the one NaN JS has, whatever the sign written */
      return q;
    }
    return NULL;
  }
  /* Mantissa digits go into w (wrapping harmlessly past 19 digits; then the count below routes to strtod). */
  uint64_t w = 0;
  const uint8_t *mstart = p;
  p = eat_digits(p, e, &w);
  size_t ndigits = (size_t)(p - mstart);
  int64_t e10 = 0;
  if (p < e && *p == '.') {
    const uint8_t *fstart = ++p;
    p = eat_digits(p, e, &w);
    ndigits += (size_t)(p - fstart);
    e10 = -(int64_t)(p - fstart);
  }
  if (ndigits == 0) return NULL;
  const uint8_t *mend = p;
  if (p < e && (*p == 'e' || *p == 'E')) {
    const uint8_t *q = p + 1;
    int eneg = 0;
    if (q < e && (*q == '+' || *q == '-')) {
      eneg = *q == '-';
      q++;
    }
    if (q >= e || !is_digit(*q)) return NULL;
    int64_t ev = 0;
    for (; q < e && is_digit(*q); q++) {
      if (ev < 1000000) ev = ev * 10 + (*q - '0');
    }
    e10 += eneg ? -ev : ev;
    p = q;
  }
  int exact_w = 1; /* w holds every significant digit */
  if (ndigits > 19) {
    size_t zeros = 0;
    for (const uint8_t *q = mstart; q < mend && (*q == '0' || *q == '.'); q++) zeros += *q == '0';
    exact_w = ndigits - zeros <= 19;
  }
  double v;
  if (!exact_w) {
    v = strtod_exact(s, p);
  } else if (w == 0) {
    v = 0.0;
  } else if (w <= (1ULL << 53) && e10 >= -22 && e10 <= 22) {
    v = (double)w;
    v = e10 < 0 ? v / pow10_exact[-e10] : v * pow10_exact[e10];
#ifdef HAVE_X87_PATH
  } else if (e10 >= -27 && e10 <= 27) {
    long double lv = (long double)w;
    lv = e10 < 0 ? lv / pow10_ext[-e10] : lv * pow10_ext[e10];
    uint64_t mant;
    memcpy(&mant, &lv, sizeof mant);
    v = (mant & 0x7FF) != 0x400 ? (double)lv : strtod_exact(s, p);
#endif
  } else {
    v = strtod_exact(s, p);
  }
  *out = neg ? -v : v;
  return p;
}

typedef struct {
  const char *error;
  size_t line, column;
  char expected[48];
  char found[64];
} csv_failure;

/* Describe a bad field [fs, fe) (already trimmed) as 'empty' or 'non-numeric'. */
static void field_failure(csv_failure *f, size_t line, size_t column, const uint8_t *fs, const uint8_t *fe) {
  f->line = line;
  f->column = column;
  snprintf(f->expected, sizeof f->expected, "a number");
  if (fs == fe) {
    f->error = "empty";
    snprintf(f->found, sizeof f->found, "an empty field");
  } else {
    f->error = "non-numeric";
    int len = fe - fs > 40 ? 40 : (int)(fe - fs);
    snprintf(f->found, sizeof f->found, "'%.*s%s'", len, (const char *)fs, fe - fs > 40 ? "..." : "");
  }
}

static void ragged_failure(csv_failure *f, size_t line, size_t cols, size_t count) {
  f->error = "ragged";
  f->line = line;
  f->column = (count < cols ? count : cols) + 1;
  snprintf(f->expected, sizeof f->expected, "%zu field%s", cols, cols == 1 ? "" : "s");
  snprintf(f->found, sizeof f->found, "%zu field%s", count, count == 1 ? "" : "s");
}

/* End of the line starting at p (the '\n' or e) and the end of its content (before a '\r'). */
static const uint8_t *line_end(const uint8_t *p, const uint8_t *e, const uint8_t **content_end) {
  const uint8_t *nl = memchr(p, '\n', (size_t)(e - p));
  const uint8_t *le = nl ? nl : e;
  *content_end = le > p && le[-1] == '\r' ? le - 1 : le;
  return le;
}

static int line_is_blank(const uint8_t *p, const uint8_t *ce, uint8_t delim) {
  while (p < ce && is_blank(*p, delim)) p++;
  return p == ce;
}

/* Number of fields of the line [p, ce). */
static size_t count_fields(const uint8_t *p, const uint8_t *ce, uint8_t delim) {
  size_t n = 1;
  for (; p < ce; p++) n += *p == delim;
  return n;
}

/*
 * Parse [p, e) into out (capacity max_rows x cols, cols from the first non-blank line). Blank lines are
 * allowed only at the end of the range. Returns the number of rows, or SIZE_MAX with *fail filled in.
 */
static size_t parse_rows(const uint8_t *p, const uint8_t *e, uint8_t delim, size_t cols, double *out, csv_failure *fail) {
  size_t rows = 0, line = 0, blank_line = 0;
  while (p < e) {
    line++;
    const uint8_t *ce, *le = line_end(p, e, &ce);
    if (line_is_blank(p, ce, delim)) {
      if (!blank_line) blank_line = line;
      p = le + 1;
      continue;
    }
    if (blank_line) {
      field_failure(fail, blank_line, 1, p, p);
      snprintf(fail->found, sizeof fail->found, "a blank line");
      return SIZE_MAX;
    }
    double *row = out + rows * cols;
    size_t col = 0;
    const uint8_t *q = p;
    for (;;) {
      while (q < ce && is_blank(*q, delim)) q++;
      double v;
      const uint8_t *ne = scan_number(q, ce, &v);
      if (ne) {
        while (ne < ce && is_blank(*ne, delim)) ne++;
      }
      if (!ne || (ne < ce && *ne != delim)) {
        const uint8_t *fe = q;
        while (fe < ce && *fe != delim) fe++;
        const uint8_t *te = fe;
        while (te > q && is_blank(te[-1], delim)) te--;
        field_failure(fail, line, col + 1, q, te);
        return SIZE_MAX;
      }
      if (col >= cols) {
        ragged_failure(fail, line, cols, count_fields(p, ce, delim));
        return SIZE_MAX;
      }
      row[col++] = v;
      if (ne == ce) break;
      q = ne + 1; /* past the delimiter */
    }
    if (col != cols) {
      ragged_failure(fail, line, cols, col);
      return SIZE_MAX;
    }
    rows++;
    p = le + 1;
  }
  return rows;
}

static napi_value failure_object(napi_env env, const csv_failure *f) {
  napi_value obj, error, line, column, expected, found;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, f->error, NAPI_AUTO_LENGTH, &error);
  napi_create_double(env, (double)f->line, &line);
  napi_create_double(env, (double)f->column, &column);
  napi_create_string_utf8(env, f->expected, NAPI_AUTO_LENGTH, &expected);
  napi_create_string_latin1(env, f->found, NAPI_AUTO_LENGTH, &found); /* bytes as the js backend decodes them */
  if (!set_prop(env, obj, "error", error) || !set_prop(env, obj, "line", line) || !set_prop(env, obj, "column", column) ||
      !set_prop(env, obj, "expected", expected) || !set_prop(env, obj, "found", found)) {
    return NULL;
  }
  return obj;
}

static napi_value result_object(napi_env env, napi_value values, size_t rows, size_t cols) {
  napi_value obj, vr, vc;
  napi_create_object(env, &obj);
  napi_create_double(env, (double)rows, &vr);
  napi_create_double(env, (double)cols, &vc);
  if (!set_prop(env, obj, "values", values) || !set_prop(env, obj, "rows", vr) || !set_prop(env, obj, "cols", vc)) return NULL;
  return obj;
}

/* parseCsv(bytes, start, end, delimiter) -> { values, rows, cols } | { error, line, column, expected, found } */
napi_value k_parse_csv(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t start, end, delim;
  typed_arg bytes;
  if (!args_get(env, info, 4, argv) || !arg_dim(env, argv[1], "start", &start) || !arg_dim(env, argv[2], "end", &end) ||
      !arg_dim(env, argv[3], "delimiter", &delim) || !arg_typed(env, argv[0], "bytes", napi_uint8_array, end, &bytes)) {
    return NULL;
  }
  if (start > end) return throw_error(env, "parseCsv: start must not exceed end");
  if (delim > 255 || delim == '\n' || delim == '\r') return throw_error(env, "parseCsv: delimiter must be a byte other than CR/LF");
  pthread_once(&c_locale_once, init_c_locale); /* addons may be loaded by several worker_threads */
  if (!c_locale) return throw_oom(env);
  const uint8_t *p = (const uint8_t *)bytes.data + start, *e = (const uint8_t *)bytes.data + end;

  /* Columns come from the first non-blank line; rows are bounded by the number of lines. */
  const uint8_t *first = p, *ce, *le;
  size_t lines = 0;
  for (const uint8_t *q = p; q < e; lines++) {
    const uint8_t *nl = memchr(q, '\n', (size_t)(e - q));
    q = nl ? nl + 1 : e;
  }
  for (;;) {
    if (first >= e) {
      double *none;
      napi_value empty = new_f64(env, 0, &none);
      return empty ? result_object(env, empty, 0, 0) : NULL;
    }
    le = line_end(first, e, &ce);
    if (!line_is_blank(first, ce, (uint8_t)delim)) break;
    first = le + 1;
  }
  size_t cols = count_fields(first, ce, (uint8_t)delim), cap;
  if (!mul_size(env, lines, cols, &cap)) return NULL;
  double *out;
  napi_value values = new_f64(env, cap, &out);
  if (!values) return NULL;
  csv_failure fail;
  size_t rows = parse_rows(p, e, (uint8_t)delim, cols, out, &fail);
  if (rows == SIZE_MAX) return failure_object(env, &fail);
  if (rows * cols != cap) {
    /* Blank trailing lines: return an exact-size array so no caller sees the spare capacity. */
    double *exact;
    napi_value trimmed = new_f64(env, rows * cols, &exact);
    if (!trimmed) return NULL;
    memcpy(exact, out, rows * cols * sizeof(double));
    values = trimmed;
  }
  return result_object(env, values, rows, cols);
}
