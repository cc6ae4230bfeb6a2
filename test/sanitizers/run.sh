#!/bin/sh
# npm run test:asan / test:tsan: builds the addon with AddressSanitizer and
# UndefinedBehaviorSanitizer (SANITIZER=address, the default) or ThreadSanitizer
# (SANITIZER=thread) into build-asan/ or build-tsan/ (build/ is left alone), and runs the suite
# against it (IOLIB_NATIVE_ADDON, read by lib/native.ts) with the runtime preloaded into Node.
# Any sanitizer report fails the run. Arguments go to mocha.
#
# Only the addon is instrumented. ThreadSanitizer checks its threads (send rings, queued
# closes, the resolver) against the JS thread's use of the same memory; races it reports inside
# Node and V8, whose own synchronisation it cannot see, are suppressed (tsan-suppressions.txt).
# Tests whose children start through /bin/sh skip under it: the shell crashes with libtsan.
#
# Needs a C++ compiler with the sanitizer runtimes (Debian 12: g++, which brings libasan8,
# libubsan1 and libtsan2 through libgcc-12-dev; installed with apt-get when missing and we are
# root) and python3 (node-gyp). Node's headers come from npm's nodedir setting when it has one.
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)

case "${SANITIZER:-address}" in
  address)
    runtime=libasan.so
    out="$root/build-asan"
    flags="-fsanitize=address,undefined -fno-sanitize-recover=all"
    # detect_leaks=0: Node never frees the V8 isolate, its heap or its per-process state at
    # exit, so LeakSanitizer would report all of that (none of it ours) on every run; every
    # other ASan check stays on. UBSan aborts on the first report (-fno-sanitize-recover).
    export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:print_stacktrace=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    ;;
  thread)
    runtime=libtsan.so
    out="$root/build-tsan"
    flags="-fsanitize=thread"
    export TSAN_OPTIONS="suppressions=$root/test/sanitizers/tsan-suppressions.txt report_signal_unsafe=0 history_size=4"
    ;;
  *)
    echo "SANITIZER must be address or thread" >&2
    exit 2
    ;;
esac

if ! command -v g++ >/dev/null 2>&1 || [ ! -e "$(g++ -print-file-name=$runtime)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq g++ make python3 >/dev/null
  else
    echo "the sanitizer run needs g++ with $runtime (Debian: apt-get install g++)" >&2
    exit 1
  fi
fi
preload=$(g++ -print-file-name=$runtime)

# A copy of the addon's sources, built with the sanitizer.
rm -rf "$out/src"
mkdir -p "$out/src"
cp -r binding.gyp native "$out/src/"
gyp="${NODE_GYP:-$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js}"
nodedir=$(npm config get nodedir 2>/dev/null || true)
nodedir_arg=""
case "$nodedir" in ''|undefined|null) ;; *) nodedir_arg="--nodedir=$nodedir" ;; esac
(
  cd "$out/src"
  export CXXFLAGS="$flags -fno-omit-frame-pointer -g -O1"
  export LDFLAGS="$flags"
  node "$gyp" rebuild -j 2 $nodedir_arg >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
)
addon="$out/src/build/Release/iolib.node"

npx tsc -p tsconfig.json

# The suite must run on the sanitizer build, not on build/ or a prebuild: the library must map it.
LD_PRELOAD="$preload" IOLIB_NATIVE_ADDON="$addon" node --input-type=module -e "
  await import('$root/dist/lib/native.js');
  const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
  if (!maps.includes('$addon')) { console.error('the library did not load $addon'); process.exit(1); }
"

# mocha through node itself: npx goes through a shell, which crashes with libtsan preloaded.
log="$out/test.log"
status=0
LD_PRELOAD="$preload" IOLIB_NATIVE_ADDON="$addon" node "$root/node_modules/mocha/bin/mocha.js" "$@" >"$log" 2>&1 || status=$?
tail -8 "$log"
reports=$(grep -c -E "ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|WARNING: ThreadSanitizer" "$log" || true)
echo "sanitizer reports: $reports (full log: $log)"
if [ "$reports" != 0 ]; then
  grep -n -A24 -E "ERROR: AddressSanitizer|runtime error:|WARNING: ThreadSanitizer" "$log" | head -80 >&2
  exit 1
fi
exit "$status"
