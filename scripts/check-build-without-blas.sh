#!/usr/bin/env bash
# Builds the native addon and runs the kernel suite on a machine that has no BLAS, simulated without root:
# in a private user + mount namespace (unshare -rm), Debian's OpenBLAS library and header directories are
# hidden behind empty ones and every LAPACK(E) header is replaced by one that stops the compiler, then a
# copy of this checkout is built from scratch. Expect "using the built-in BLAS" and the suite passing.
# Usage: scripts/check-build-without-blas.sh   (after `npx tsc -p tsconfig.json`; Debian/Ubuntu x86-64 paths)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty" "$work/repo"
printf '#error "a BLAS or LAPACK header was included"\n' >"$work/poison.h"
: >"$work/empty.so"
tar -C "$root" --exclude=./node_modules --exclude=./build --exclude=./.git --exclude=./.tmp -cf - . | tar -C "$work/repo" -xf -
ln -s "$root/node_modules" "$work/repo/node_modules"

cat >"$work/inside.sh" <<'EOF'
set -euo pipefail
work=$1
lib=/usr/lib/x86_64-linux-gnu inc=/usr/include
for d in $lib/openblas-pthread $lib/openblas-openmp $lib/openblas-serial $lib/blas $lib/lapack $lib/atlas \
         $inc/x86_64-linux-gnu/openblas-pthread $inc/x86_64-linux-gnu/openblas-openmp $inc/x86_64-linux-gnu/openblas-serial; do
  [ -d "$d" ] && mount --bind "$work/empty" "$d"
done
for h in $inc/lapacke.h $inc/lapack.h $inc/lapacke_config.h $inc/lapacke_mangling.h $inc/lapacke_utils.h $inc/cblas.h; do
  [ -f "$h" ] && mount --bind "$work/poison.h" "$h"
done
for l in $lib/liblapacke.so.3 $lib/libmkl_rt.so $lib/libblis.so.4; do
  [ -e "$l" ] && mount --bind "$work/empty.so" "$(readlink -f "$l")"
done
if echo '#include <cblas.h>' | cc -E -x c - >/dev/null 2>&1; then echo "cblas.h is still visible"; exit 1; fi
cd "$work/repo"
node scripts/install-native.mjs --required
echo "linked libraries: $(ldd build/Release/dislib_native.node | awk '{print $1}' | tr '\n' ' ')"
npx mocha --no-config --timeout 60000 --exit 'dist/test/kernels/*.test.js'
EOF
unshare -rm bash "$work/inside.sh" "$work"
