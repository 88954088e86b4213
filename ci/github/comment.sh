#!/bin/bash
# ci/github/comment.sh - the action's pull-request comment: the Markdown
# report ($PG_REPORT) posted as ONE comment on the pull request, found
# again on the next push by its first line, the hidden marker
# "<!-- prisma-gate -->", and updated rather than duplicated. Only
# comments of the token's own bot user (github-actions[bot] by default)
# count, so a comment someone else starts with the marker is left alone.
#
# Talks to the API with `gh api` and $GH_TOKEN (the job's token: the job
# needs `permissions: pull-requests: write`). Never fails the job: outside
# a pull request, on a fork (whose token is read-only) or when the API
# refuses, it says so with a notice or a warning and exits 0; the gate's
# own exit status is the action's last step.
#
# Environment: PG_REPORT (the Markdown report), GH_TOKEN, GITHUB_EVENT_NAME,
# GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_OUTPUT, PG_COMMENT_USER
# (default github-actions[bot]). The body is handed to gh as a file
# (-F body=@FILE): no part of it reaches a shell.
set -euo pipefail

MARKER='<!-- prisma-gate -->'
MAX=65000 # GitHub refuses comments over 65,536 characters

notice() { printf '::notice title=prisma-gate comment::%s\n' "$1"; }
warning() { printf '::warning title=prisma-gate comment::%s\n' "$1"; }

case ${GITHUB_EVENT_NAME:-} in
pull_request | pull_request_target) ;;
*)
	echo "prisma-gate comment: not a pull request (${GITHUB_EVENT_NAME:-no event}): no comment"
	exit 0
	;;
esac
if [ -z "${PG_REPORT:-}" ] || [ ! -f "$PG_REPORT" ]; then
	notice "no Markdown report to post (formats without markdown, or the gate did not run)"
	exit 0
fi
event=${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH is not set}
number=$(jq -r '.pull_request.number // empty' "$event")
case $number in
'' | *[!0-9]*)
	warning "the event payload names no pull request number: no comment"
	exit 0
	;;
esac
head_repo=$(jq -r '.pull_request.head.repo.full_name // empty' "$event")
base_repo=$(jq -r '.pull_request.base.repo.full_name // .repository.full_name // empty' "$event")
if [ "$GITHUB_EVENT_NAME" = pull_request ] && [ -n "$head_repo" ] && [ "$head_repo" != "$base_repo" ]; then
	notice "pull request from a fork: the job's token is read-only, so no comment (the step summary and annotations have the report)"
	exit 0
fi
if [ -z "${GH_TOKEN:-}" ]; then
	notice "no token (the action's token input is empty): no comment"
	exit 0
fi
repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
user=${PG_COMMENT_USER:-github-actions[bot]}

body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
	printf '%s\n' "$MARKER"
	if [ "$(wc -c <"$PG_REPORT")" -gt "$MAX" ]; then
		head -c "$MAX" "$PG_REPORT"
		printf '\n\n*The report is longer than a comment can hold: the full report is in the step summary and the report files.*\n'
	else
		cat "$PG_REPORT"
	fi
} >"$body"

# Ours: the first comment by the token's user that starts with the marker.
case $user in
*[!A-Za-z0-9._\[\]-]*)
	warning "PG_COMMENT_USER is not a GitHub login: no comment"
	exit 0
	;;
esac
filter='[.[] | select(.user.login == "'"$user"'" and ((.body // "") | startswith("'"$MARKER"'"))) | .id] | first // empty'
if ! existing=$(gh api --paginate "repos/$repo/issues/$number/comments" --jq "$filter" 2>&1); then
	warning "cannot list the pull request's comments (token without pull-requests: read?): no comment"
	exit 0
fi
existing=$(printf '%s\n' "$existing" | sed -n '1{/^[0-9][0-9]*$/p}')
if [ -n "$existing" ]; then
	if ! id=$(gh api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$body" --jq .id 2>&1); then
		warning "cannot update the comment (token without pull-requests: write?)"
		exit 0
	fi
	echo "prisma-gate comment: updated comment $existing"
else
	if ! id=$(gh api --method POST "repos/$repo/issues/$number/comments" -F "body=@$body" --jq .id 2>&1); then
		warning "cannot comment on the pull request (token without pull-requests: write?)"
		exit 0
	fi
	echo "prisma-gate comment: created comment $id"
fi
case $id in
'' | *[!0-9]*) ;;
*) [ -n "${GITHUB_OUTPUT:-}" ] && printf 'comment-id=%s\n' "$id" >>"$GITHUB_OUTPUT" ;;
esac
exit 0
