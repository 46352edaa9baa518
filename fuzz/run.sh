#!/usr/bin/env bash
# Runs every fuzz target for a few seconds each (default 15) on stable Rust, without
# sanitizers (`-s none`): panics and aborts are still found.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-15}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi
mkdir -p corpus
for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target"
  # Seed each corpus with the repository's own test texts.
  cp ../tests/data/*.txt "corpus/$target/" 2>/dev/null || true
  cp ../tests/data/critic/*.md "corpus/$target/" 2>/dev/null || true
  # A collection of two resolutions, which the text reader also cuts into its parts.
  sed 's/RESOLUTION 75/RESOLUTION 76/' ../tests/data/res75-dubai-2012.reconstructed.txt |
    cat ../tests/data/res75-dubai-2012.reconstructed.txt - > "corpus/$target/collection.txt"
  case "$target" in
    docx_package) find ../../shared/fixtures/peer/python-docx -name '*.docx' -exec cp {} "corpus/$target/" \; 2>/dev/null || true ;;
    akn_reader) find ../../shared/fixtures/peer/akomantoso -name '*.xml' -size -64k -exec cp {} "corpus/$target/" \; 2>/dev/null || true ;;
  esac
  echo "fuzzing $target for ${seconds}s"
  cargo fuzz run -s none "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 | tail -n 3
done
