#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source file of the repository (C, C++, the registry, Python, shell,
# CMake) names its licence in an SPDX line within its first three lines.
# Run by CI; exits 1 and lists the files without one.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=0
while IFS= read -r f; do
    case "$f" in
    *.c | *.h | *.cc | *.def | *.py | *.sh | *.cmake | *.in | CMakeLists.txt | */CMakeLists.txt | .ci/run) ;;
    *) continue ;;
    esac
    if ! head -n 3 "$f" | grep -q "SPDX-License-Identifier: Apache-2.0"; then
        echo "no SPDX line: $f"
        missing=1
    fi
done < <(git ls-files)
exit $missing
