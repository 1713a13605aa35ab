#!/usr/bin/env bash
# Fuzz the parsers that read what clients send, with libFuzzer and AddressSanitizer (not part of `make test`).
#   scripts/fuzz.sh [seconds per target, default 60] [targets, default: sigv4 query json policy cbor]
# Each target's corpus grows in .fuzz-corpus/<target> (seeded from Fuzz/seeds/<target>) and is kept between runs;
# a crash leaves its input in .fuzz-corpus/crash-<target>-*. Results: FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sigv4 query json policy cbor)
# lld: gold cannot link the fuzzer runtime with Swift's main.
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
GATEHOUSE_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product gatehouse-fuzz "${flags[@]}"
binary="$(GATEHOUSE_FUZZ=1 swift build -c release --scratch-path .build-fuzz --show-bin-path)/gatehouse-fuzz"
for target in "${targets[@]}"; do
    corpus=".fuzz-corpus/$target"
    mkdir -p "$corpus"
    echo "== $target: ${seconds}s"
    GATEHOUSE_FUZZ_TARGET="$target" "$binary" "$corpus" "Fuzz/seeds/$target" -max_total_time="$seconds" -max_len=4096 \
        -artifact_prefix=".fuzz-corpus/crash-$target-" -print_final_stats=1 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|Fatal error)" || true
    echo "   corpus: $(ls "$corpus" | wc -l) inputs"
done
