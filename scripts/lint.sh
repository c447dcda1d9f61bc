#!/usr/bin/env bash
# Standing checks that `make test` runs before the tests (make lint): the repository stands alone.
# Fails, naming file and line, on any tracked file that reaches outside the repository (a sibling
# folder, a developer's absolute path) or cites a document the repository does not contain.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

# Paths outside the repository: ../shared (and any ../<folder> beside the clone), absolute work trees.
outside='(\.\./shared|shared/datasets|/work/|/home/[a-z]|/Users/[A-Za-z])'
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

[ $status -eq 0 ] && echo "lint: ok"
exit $status
