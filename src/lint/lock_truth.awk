# SPDX-License-Identifier: MIT
# lock_truth.awk - turns src/lint/lock_truth.tsv (written by
# LOCKS_UPDATE=1 tests/integration/lint-locks.sh) into the C table
# src/lint/locktruth.c includes: build/gen/lock_truth.h. A malformed row
# stops the build.
BEGIN {
	FS = "\t"
	split("none|ACCESS SHARE|ROW SHARE|ROW EXCLUSIVE|SHARE UPDATE EXCLUSIVE|SHARE|" \
	      "SHARE ROW EXCLUSIVE|EXCLUSIVE|ACCESS EXCLUSIVE", m, "|")
	for (i in m)
		mode[m[i]] = 1
	print "/* Generated from src/lint/lock_truth.tsv by src/lint/lock_truth.awk: do not edit. */"
	print "static const struct gate_lock_truth lock_truth_rows[] = {"
}
function bad(why) {
	printf "%s:%d: %s\n", FILENAME, FNR, why > "/dev/stderr"
	failed = 1
	exit 1
}
function cstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}
/^#/ || /^$/ { next }
{
	if (NF != 7)
		bad("want 7 tab-separated fields, got " NF)
	if (!($4 in mode))
		bad("unknown lock mode '" $4 "'")
	if ($5 != "yes" && $5 != "no")
		bad("rewrite is yes or no, not '" $5 "'")
	if ($6 !~ /^[0-9]+$/)
		bad("postgres is a major version, not '" $6 "'")
	if ($7 != "yes" && $7 != "no")
		bad("disputed is yes or no, not '" $7 "'")
	if ($1 != "-" && ($1 in seen))
		bad("a second row for rule " $1)
	seen[$1] = 1
	printf "    {%s, %s, %s, %s, %s, %d, %s},\n", $1 == "-" ? "NULL" : cstr($1), cstr($2), cstr($3),
	       cstr($4), $5 == "yes" ? "true" : "false", $6, $7 == "yes" ? "true" : "false"
	rows++
}
END {
	if (failed)
		exit 1
	if (!rows)
		bad("no rows")
	print "};"
}
