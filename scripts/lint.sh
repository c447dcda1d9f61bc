#!/usr/bin/env bash
# Standing checks that `make test` runs before the tests (make lint): the repository stands alone
# (no tracked file reaches outside it or cites a document it does not contain), every doc link
# resolves, every import is one docs/architecture.md allows, and the formatter's lint is clean.
# Each failure names the file and line.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

# Paths outside the repository: the shared folder beside this project's own checkout (its design
# notes and data sets), absolute work trees. The folder's name is spelled apart so that this file
# does not cite it itself.
beside=shared
outside="(\\.\\./${beside}|${beside}/datasets|/work/|/home/[a-z]|/Users/[A-Za-z])"
# Documents that lived beside the repository once; docs/architecture.md holds what they said.
missing_docs='(DESIGN|PLATFORM|STYLE)\.md'
if found=$(git ls-files -z | grep -zv '^scripts/lint\.sh$' | xargs -0 grep -nIE "$outside|$missing_docs" 2>/dev/null); then
    echo "lint: these lines point outside the repository or at documents it does not contain:"
    echo "$found"
    status=1
fi

# Every relative link in the Markdown docs names a file or folder of the repository.
while IFS= read -r -d '' doc; do
    dir=$(dirname "$doc")
    while IFS= read -r target; do
        target=${target%%#*}
        [ -z "$target" ] && continue
        [ -e "$dir/$target" ] || { echo "lint: $doc links to $target, which does not exist"; status=1; }
    done < <(grep -oE '\]\([^)#][^)]*\)' "$doc" | sed -E 's/^\]\(//; s/\)$//' | grep -vE '^(https?|mailto):')
done < <(git ls-files -z '*.md')

# Every import of a module's sources is allowed by the module table of docs/architecture.md.
if ! python3 - <<'PY'
import pathlib, re, sys
table = {}
for line in pathlib.Path("docs/architecture.md").read_text().splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 3 and cells[0].startswith("`"):
        allowed = set() if cells[2] == "—" else {m.strip() for m in cells[2].split(",")}
        for name in re.findall(r"`([A-Za-z]+)`", cells[0]):
            table[name] = allowed
system = {"Foundation", "Glibc", "Darwin", "Dispatch", "Synchronization"}
bad = []
for folder in sorted(pathlib.Path("Sources").iterdir()):
    if folder.name not in table:
        bad.append(f"Sources/{folder.name}: not in the module table of docs/architecture.md")
        continue
    for source in sorted(folder.rglob("*.swift")):
        for number, line in enumerate(source.read_text().splitlines(), 1):
            m = re.match(r"\s*(?:@_exported |@testable |public |internal |private )*import (\w+)", line)
            if m and m.group(1) not in table[folder.name] | system:
                bad.append(f"{source}:{number}: {folder.name} may not import {m.group(1)} (docs/architecture.md)")
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
then
    echo "lint: imports that break the module table"
    status=1
fi

# One formatter configuration (.swift-format), applied everywhere: the formatter's lint finds nothing.
# (`swift format format --in-place --recursive --parallel` with the same paths applies it.)
if ! swift format lint --strict --recursive --parallel Sources Tests Benchmarks/Benchmarks Fuzz/Sources \
    Package.swift Benchmarks/Package.swift Fuzz/Package.swift; then
    echo "lint: the sources are not formatted as .swift-format says"
    status=1
fi

[ $status -eq 0 ] && echo "lint: ok"
exit $status
