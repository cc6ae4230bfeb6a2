#!/bin/sh
# npm run test:asan: builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-asan/ (build/ is left alone) and runs the whole suite against it (IOLIB_NATIVE_ADDON,
# read by lib/native.ts). Any sanitizer report fails the run.
#
# Needs a C++ compiler with the sanitizer runtimes (Debian 12: g++, which brings libasan8 and
# libubsan1 through libgcc-12-dev; installed with apt-get when missing and we are root) and
# python3 (node-gyp). Node's headers come from npm's nodedir setting when it has one.
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)

if ! command -v g++ >/dev/null 2>&1 || [ ! -e "$(g++ -print-file-name=libasan.so)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq g++ make python3 >/dev/null
  else
    echo "test:asan needs g++ with libasan and libubsan (Debian: apt-get install g++)" >&2
    exit 1
  fi
fi
libasan=$(g++ -print-file-name=libasan.so)

# A copy of the addon's sources, built with the sanitizers.
out="$root/build-asan"
rm -rf "$out/src"
mkdir -p "$out/src"
cp -r binding.gyp native "$out/src/"
gyp="${NODE_GYP:-$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js}"
nodedir=$(npm config get nodedir 2>/dev/null || true)
nodedir_arg=""
case "$nodedir" in ''|undefined|null) ;; *) nodedir_arg="--nodedir=$nodedir" ;; esac
(
  cd "$out/src"
  export CXXFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
  export LDFLAGS="-fsanitize=address,undefined"
  node "$gyp" rebuild -j 2 $nodedir_arg >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
)
addon="$out/src/build/Release/iolib.node"

npx tsc -p tsconfig.json

# The suite must run on the sanitizer build, not on build/ or a prebuild: the library must map it.
LD_PRELOAD="$libasan" ASAN_OPTIONS="detect_leaks=0" IOLIB_NATIVE_ADDON="$addon" node --input-type=module -e "
  await import('$root/dist/lib/native.js');
  const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
  if (!maps.includes('$addon')) { console.error('test:asan: the library did not load $addon'); process.exit(1); }
"

# detect_leaks=0: Node never frees the V8 isolate, its heap or its per-process state at exit,
# so LeakSanitizer would report all of that (none of it ours) on every run; every other ASan
# check stays on. UBSan aborts on the first report (-fno-sanitize-recover). Arguments go to mocha.
log="$out/test.log"
status=0
LD_PRELOAD="$libasan" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:print_stacktrace=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
IOLIB_NATIVE_ADDON="$addon" \
  npx mocha "$@" >"$log" 2>&1 || status=$?
tail -8 "$log"
reports=$(grep -c -E "ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer" "$log" || true)
echo "sanitizer reports: $reports (full log: $log)"
if [ "$reports" != 0 ]; then
  grep -n -A20 -E "ERROR: AddressSanitizer|runtime error:" "$log" | head -80 >&2
  exit 1
fi
exit "$status"
