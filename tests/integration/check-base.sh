#!/bin/bash
# tests/integration/check-base.sh — what `prisma-gate check` compares
# against: --base REF, origin/$GITHUB_BASE_REF in a pull request, the
# merge-base with the default branch; a detached HEAD; shallow clones
# (`git clone --depth 1 file://...`) that fail with the exact fetch to run,
# and work once it is run; GitHub's test-merge commit checked out with
# depth 1 (works without any history), also with the base not fetched or
# moved on (GITHUB_REF refs/pull/N/merge: the merge's first parent).
#
# Usage: tests/integration/check-base.sh   (PRISMA_GATE=path/to/prisma-gate)

# shellcheck source=tests/integration/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

UP=$W/upstream
new_repo "$UP"
cd "$UP" || exit 1
# more history on main, so that shallow clones really are cut
for i in 2 3 4 5; do
	add_migration . "2024010${i}000000_step_$i" "CREATE TABLE \"t$i\" (\"id\" INTEGER);
"
	commit_all . "step $i"
done
git checkout -q -b feature
for i in 1 2 3; do
	printf 'note %s\n' "$i" >"notes-$i.txt"
	commit_all . "feature work $i"
done
write_schema prisma '  location  String?'
add_migration . 20240201000000_add_event_location_field '-- AlterTable
ALTER TABLE "events" ADD COLUMN     "location" TEXT;
'
commit_all . "feature migration"
git checkout -q main
add_migration . 20240106000000_step_6 'CREATE TABLE "t6" ("id" INTEGER);
'
commit_all . "main moves on"
git checkout -q feature
FEATURE_BASE=$(git merge-base feature main)

# ------------------------------------------------------------ local branches
gate local check --format json
expect "local feature branch: exit 0" 0 "$RC"
expect "no origin: the merge-base with main" "$FEATURE_BASE" "$(jget "$W/local.out" r.change.base.commit)"
expect "main's later migration is not part of the change" 20240201000000_add_event_location_field "$(names local)"
expect "main's later migration is not reported deleted" 0 "$(jget "$W/local.out" r.change.deleted)"
gate explicit check --format json --base main~1
expect "--base main~1: the merge-base with it" "$FEATURE_BASE" "$(jget "$W/explicit.out" r.change.base.commit)"
gate explicit2 check --format json --base "$FEATURE_BASE"
expect "--base COMMIT" "$FEATURE_BASE" "$(jget "$W/explicit2.out" r.change.base.commit)"
expect "--base is reported as how the base was chosen" true "$(jget "$W/explicit2.out" "r.change.base.how.startsWith('--base')")"
gate badbase check --format json --base no-such-branch
expect "--base that names nothing: exit 3" 3 "$RC"
expect "--base that names nothing: git.base error" error "$(statuses badbase git.base)"
expect_has "--base that names nothing: says what to fetch" "$W/badbase.err" "git fetch --no-tags --depth=50 origin no-such-branch:refs/remotes/origin/no-such-branch"
git checkout -q main
gate onmain check --format json
expect "on the default branch itself: the change is the uncommitted work" true "$(jget "$W/onmain.out" "r.change.base.how.includes('uncommitted')")"
expect "on the default branch itself: nothing added" 0 "$(jget "$W/onmain.out" r.change.added)"
git checkout -q feature

# ------------------------------------------------------------ detached HEAD
git checkout -q --detach feature
gate detached check --format json
expect "detached HEAD: exit 0" 0 "$RC"
expect "detached HEAD: reported" true "$(jget "$W/detached.out" r.change.head.detached)"
expect "detached HEAD: no branch" null "$(jget "$W/detached.out" r.change.head.branch)"
expect "detached HEAD: same base" "$FEATURE_BASE" "$(jget "$W/detached.out" r.change.base.commit)"
git checkout -q feature

# ------------------------------------------------------------ clones, origin
git checkout -q main # the upstream's HEAD names its default branch
git clone -q "file://$UP" "$W/full"
cd "$W/full" || exit 1
git checkout -q feature
gate full check --format json
expect "full clone: origin/HEAD's target is the default branch" origin/main "$(jget "$W/full.out" r.change.base.ref)"
expect "full clone: merge-base" "$FEATURE_BASE" "$(jget "$W/full.out" r.change.base.commit)"
GITHUB_BASE_REF=main gate pr check --format json
expect "pull request: origin/\$GITHUB_BASE_REF" origin/main "$(jget "$W/pr.out" r.change.base.ref)"
expect "pull request: how" true "$(jget "$W/pr.out" "r.change.base.how.startsWith('GITHUB_BASE_REF')")"
GITHUB_BASE_REF=release gate pr-missing check --format json
expect "pull request base not fetched: exit 3" 3 "$RC"
expect_has "pull request base not fetched: the exact fetch" "$W/pr-missing.err" \
	"git fetch --no-tags --depth=50 origin release:refs/remotes/origin/release"
git branch -q -D main
gate explicit-origin check --format json --base main
expect "--base main with only origin/main: found as origin/main" origin/main "$(jget "$W/explicit-origin.out" r.change.base.ref)"

# ------------------------------------------------------------ shallow clone
git clone -q --depth 1 --branch feature "file://$UP" "$W/shallow"
cd "$W/shallow" || exit 1
gate sh1 check --format json
expect "shallow single-branch clone: exit 3" 3 "$RC"
expect "shallow: git.base error" error "$(statuses sh1 git.base)"
expect_has "shallow: says which branch to fetch" "$W/sh1.err" "git fetch --no-tags --depth=50 origin main:refs/remotes/origin/main"
expect "shallow: the base-less checks are skipped, not failed" skip "$(statuses sh1 git.edited-migrations)"
expect "shallow: checks that need no base still run" pass "$(statuses sh1 git.uncommitted-schema)"
git fetch -q --no-tags --depth=1 origin main:refs/remotes/origin/main
gate sh2 check --format json
expect "shallow, base fetched but history cut: exit 3" 3 "$RC"
expect_has "shallow, history cut: says to deepen" "$W/sh2.err" "git fetch --deepen=50 origin main"
expect "shallow repository reported" true "$(jget "$W/sh2.out" r.change.shallow)"
git fetch -q --deepen=50 origin main
gate sh3 check --format json
expect "shallow, after the suggested deepen: exit 0" 0 "$RC"
expect "shallow, after deepen: the same merge-base as a full clone" "$FEATURE_BASE" "$(jget "$W/sh3.out" r.change.base.commit)"
expect "shallow, after deepen: the same change" 20240201000000_add_event_location_field "$(names sh3)"

# a shallow clone whose boundary lies below the merge-base (libgit2 alone
# would walk past it into missing objects)
git clone -q --depth 6 --branch feature "file://$UP" "$W/shallow2"
cd "$W/shallow2" || exit 1
git fetch -q --no-tags --depth=3 origin main:refs/remotes/origin/main
if [ -s .git/shallow ] && git merge-base HEAD origin/main >/dev/null 2>&1; then
	gate sh4 check --format json
	expect "shallow with the merge-base present: exit 0" 0 "$RC"
	expect "shallow with the merge-base present: git's merge-base" "$(git merge-base HEAD origin/main)" "$(jget "$W/sh4.out" r.change.base.commit)"
else
	not_ok "fixture: a shallow clone where git finds the merge-base"
fi

# ---------------------------------------- GitHub's test-merge commit, depth 1
cd "$UP" || exit 1
git checkout -q -b merge-ref main
git merge -q --no-ff --no-edit feature >/dev/null
git update-ref refs/pull/1/merge HEAD
git checkout -q main
git branch -q -D merge-ref
mkdir -p "$W/gh" && cd "$W/gh" || exit 1
git init -q .
git remote add origin "file://$UP"
git fetch -q --no-tags --depth=1 origin +refs/pull/1/merge:refs/remotes/pull/1/merge
git checkout -q --detach refs/remotes/pull/1/merge
git fetch -q --no-tags --depth=1 origin main:refs/remotes/origin/main
GITHUB_BASE_REF=main gate gh check --format json
expect "GitHub test-merge commit, depth 1: exit 0" 0 "$RC"
expect "test-merge commit: the base is origin/main's tip" "$(git rev-parse origin/main)" "$(jget "$W/gh.out" r.change.base.commit)"
expect "test-merge commit: exactly the pull request's migration" 20240201000000_add_event_location_field "$(names gh)"
expect "test-merge commit: detached" true "$(jget "$W/gh.out" r.change.head.detached)"
expect "test-merge commit: main's migration is on the base" 0 "$(jget "$W/gh.out" r.change.deleted)"

# ------------- the test-merge commit with its base not fetched (checkout's default)
# actions/checkout fetches refs/pull/N/merge at depth 1 and nothing else:
# with GITHUB_REF naming the merge ref, check names the one depth-1 fetch
# of the merge's first parent (the pull request's base), exit 3 ...
MERGE_BASE_PARENT=$(git -C "$UP" rev-parse refs/pull/1/merge^1)
mkdir -p "$W/gh1" && cd "$W/gh1" || exit 1
git init -q .
git remote add origin "file://$UP"
git fetch -q --no-tags --depth=1 origin +refs/pull/1/merge:refs/remotes/pull/1/merge
git checkout -q --detach refs/remotes/pull/1/merge
GITHUB_BASE_REF=main GITHUB_REF=refs/pull/1/merge gate gh1 check --format json
expect "test-merge, base not fetched: exit 3" 3 "$RC"
expect_has "test-merge, base not fetched: names the depth-1 fetch of the first parent" "$W/gh1.err" \
	"git fetch --no-tags --depth=1 origin $MERGE_BASE_PARENT"
# ... which works once run (a commit by id: GitHub serves reachable ones)
git -C "$UP" config uploadpack.allowReachableSHA1InWant true
git fetch -q --no-tags --depth=1 origin "$MERGE_BASE_PARENT"
GITHUB_BASE_REF=main GITHUB_REF=refs/pull/1/merge gate gh1b check --format json
expect "test-merge, first parent fetched by id: exit 0" 0 "$RC"
expect "test-merge, first parent fetched by id: it is the base" "$MERGE_BASE_PARENT" "$(jget "$W/gh1b.out" r.change.base.commit)"
expect "test-merge, first parent: exactly the pull request's migration" 20240201000000_add_event_location_field "$(names gh1b)"
# without GITHUB_REF (not GitHub's merge ref: a merge on a branch of one's
# own) the first parent is not taken for the base: the fetch of the branch
GITHUB_BASE_REF=main gate gh1c check --format json
expect "a merge commit outside refs/pull/N/merge: exit 3" 3 "$RC"
expect_has "a merge commit outside refs/pull/N/merge: the branch's fetch" "$W/gh1c.err" \
	"git fetch --no-tags --depth=50 origin main:refs/remotes/origin/main"

# the base branch moved on after GitHub made the merge: origin/main's new
# tip is not a parent of HEAD, the merge's first parent still is the base
cd "$UP" || exit 1
git checkout -q main
add_migration . 20240107000000_step_7 'CREATE TABLE "t7" ("id" INTEGER);
'
commit_all . "main moves on after the merge"
cd "$W/gh1" || exit 1
git fetch -q --no-tags --depth=1 origin +refs/heads/main:refs/remotes/origin/main
GITHUB_BASE_REF=main GITHUB_REF=refs/pull/1/merge gate gh1d check --format json
expect "test-merge, base moved on: exit 0" 0 "$RC"
expect "test-merge, base moved on: the merge's first parent is the base" "$MERGE_BASE_PARENT" "$(jget "$W/gh1d.out" r.change.base.commit)"
expect "test-merge, base moved on: main's later migration is not 'deleted'" 0 "$(jget "$W/gh1d.out" r.change.deleted)"

# a base branch whose name carries shell syntax: the fetch line quotes it
cd "$W/shallow" || exit 1
GITHUB_BASE_REF='x$(touch pwned)`id`' gate quoted check --format json
expect "a base branch named with \$( ): exit 3" 3 "$RC"
expect_has "a base branch named with \$( ): quoted in the fetch line" "$W/quoted.err" \
	"origin 'x\$(touch pwned)\`id\`:refs/remotes/origin/x\$(touch pwned)\`id\`'"

finish
